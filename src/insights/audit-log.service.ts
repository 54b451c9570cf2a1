import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { subject } from '@casl/ability';
import { Repository, type SelectQueryBuilder } from 'typeorm';
import { toUserModel } from '../auth/dto/user.model.js';
import { UserEntity } from '../auth/user.entity.js';
import { accessibleBy } from '../authz/sql-conditions.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { forbidden } from '../common/errors.js';
import { type Connection, keysetPage, type PageArgs } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditEntryEntity } from './audit-entry.entity.js';
import type { AuditEntryModel } from './dto/audit-entry.model.js';

type AuditRow = AuditEntryEntity & { actor: UserEntity | null };

@Injectable()
export class AuditLogService {
  constructor(
    @InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>,
    private readonly cohorts: CohortsService,
  ) {}

  async list(user: AuthUser, cohortId: string, page: PageArgs): Promise<Connection<AuditEntryModel>> {
    const { ability } = await this.cohorts.getReadable(user, cohortId);
    if (!ability.can('read', subject('AuditLog', { cohortId }))) throw forbidden();
    const allowed = accessibleBy(ability, 'read', 'AuditLog', { cohortId: 'a.cohort_id' });
    const query = this.entries
      .createQueryBuilder('a')
      .leftJoinAndMapOne('a.actor', UserEntity, 'actor', 'actor.id = a.actor_id')
      .where('a.cohort_id = :cohortId', { cohortId })
      .andWhere(allowed.sql, allowed.params) as SelectQueryBuilder<AuditRow>;
    return keysetPage(
      query,
      page,
      { at: 'a.at', id: 'a.id', direction: 'DESC' },
      (row) => [row.at, row.id],
      (row) => ({
        id: row.id,
        action: row.action,
        actor: row.actor ? toUserModel(row.actor, { showEmail: false }) : null,
        subjectType: row.subjectType,
        subjectId: row.subjectId,
        at: row.at,
      }),
    );
  }
}
