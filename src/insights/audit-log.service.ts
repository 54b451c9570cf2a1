import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { subject } from '@casl/ability';
import { Repository } from 'typeorm';
import { toUserModel } from '../auth/dto/user.model.js';
import { UserEntity } from '../auth/user.entity.js';
import { accessibleBy } from '../authz/sql-conditions.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { forbidden } from '../common/errors.js';
import { type Connection, decodeCursor, type PageArgs, toConnection } from '../common/pagination.js';
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
    const after = decodeCursor(page.after, 2);
    const query = this.entries
      .createQueryBuilder('a')
      .leftJoinAndMapOne('a.actor', UserEntity, 'actor', 'actor.id = a.actor_id')
      .where('a.cohort_id = :cohortId', { cohortId })
      .andWhere(allowed.sql, allowed.params)
      .orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(page.first + 1);
    if (after) query.andWhere('(a.at, a.id) < (:afterAt, :afterId)', { afterAt: after[0], afterId: after[1] });
    const rows = (await query.getMany()) as AuditRow[];
    return toConnection(
      rows,
      page.first,
      (row) => [row.at.toISOString(), row.id],
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
