import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { type AuditDetails, AuditEntryEntity } from './audit-entry.entity.js';

export interface AuditRecord {
  cohortId: string | null;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: AuditDetails;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(@InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>) {}

  private row(record: AuditRecord) {
    return { ...record, details: record.details ?? {} };
  }

  /** Records inside the caller's transaction, so the entry exists exactly when the change does. */
  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    await manager.insert(AuditEntryEntity, this.row(record));
  }

  /** Records a refused attempt; on its own, since the attempt changed nothing to commit with. */
  async recordDenied(record: Omit<AuditRecord, 'action'> & { attempted: string }): Promise<void> {
    const { attempted, ...rest } = record;
    await this.entries
      .insert(this.row({ ...rest, action: 'access.denied', details: { ...rest.details, attempted } }))
      .catch((error: unknown) => this.logger.error({ err: error }, 'Could not record a denied attempt'));
  }
}
