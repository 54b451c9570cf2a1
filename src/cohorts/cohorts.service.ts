import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { subject } from '@casl/ability';
import { DataSource, Repository } from 'typeorm';
import type { AppAbility } from '../authz/ability.factory.js';
import { accessibleBy } from '../authz/sql-conditions.js';
import { Clock } from '../common/clock.js';
import { isUuid } from '../common/ids.js';
import { notFound } from '../common/errors.js';
import { type Connection, keysetPage, type PageArgs } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { AccessWindow } from './access-window.js';
import { AccessService } from './access.service.js';
import { MembershipStatus } from './cohort-role.js';
import { writeFirstCharter } from '../charter/charter-versions.js';
import { CohortEntity } from './cohort.entity.js';
import { type MembershipModel, toMembershipModel } from './dto/membership.model.js';
import { MembershipEntity } from './membership.entity.js';

/** How the ability's Membership fields map onto the `m` alias of membership queries. */
export const MEMBERSHIP_COLUMNS = { id: 'm.id', cohortId: 'm.cohort_id', userId: 'm.user_id', status: 'm.status' };

@Injectable()
export class CohortsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(CohortEntity) private readonly cohorts: Repository<CohortEntity>,
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly window: AccessWindow,
  ) {}

  async create(user: AuthUser, input: { name: string; purpose: string }): Promise<CohortEntity> {
    return this.dataSource.transaction(async (manager) => {
      const cohort = await manager.save(
        manager.create(CohortEntity, { name: input.name.trim(), purpose: input.purpose.trim(), createdById: user.id }),
      );
      await writeFirstCharter(manager, cohort.id);
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'cohort.created',
        subjectType: 'Cohort',
        subjectId: cohort.id,
      });
      return cohort;
    });
  }

  /** A cohort the caller may read, or NOT_FOUND exactly as for an id that does not exist. */
  async getReadable(user: AuthUser, id: string): Promise<{ cohort: CohortEntity; ability: AppAbility }> {
    const cohort = isUuid(id) ? await this.cohorts.findOneBy({ id }) : null;
    if (!cohort) throw notFound();
    const ability = await this.access.authorize(user, 'read', 'Cohort', { id: cohort.id }, cohort.id);
    return { cohort, ability };
  }

  /** A cohort whose content the caller may reach: readable, and its charter accepted. */
  async getContentScope(user: AuthUser, id: string): Promise<{ cohort: CohortEntity; ability: AppAbility }> {
    const scope = await this.getReadable(user, id);
    await this.access.requireCharterAccepted(user, scope.cohort.id);
    return scope;
  }

  async myMembership(user: AuthUser, cohortId: string): Promise<MembershipModel | null> {
    const membership = await this.memberships.findOneBy({ cohortId, userId: user.id });
    if (!membership) return null;
    const ability = await this.access.abilityFor(user);
    return ability.can('read', subject('Membership', { ...membership }))
      ? toMembershipModel(membership, ability)
      : null;
  }

  /** The member list, filtered in SQL by the same rules `ability.can` applies to one membership. */
  async members(
    user: AuthUser,
    cohortId: string,
    page: PageArgs,
    status: MembershipStatus = MembershipStatus.ACTIVE,
  ): Promise<Connection<MembershipModel>> {
    const ability = await this.access.abilityFor(user);
    const allowed = accessibleBy(ability, 'read', 'Membership', MEMBERSHIP_COLUMNS);
    const query = this.memberships
      .createQueryBuilder('m')
      .leftJoinAndSelect('m.user', 'u')
      .where('m.cohort_id = :cohortId', { cohortId })
      .andWhere('m.status = :status', { status })
      // A member whose access window has closed is an outsider again, so no longer listed as active.
      .andWhere(status === MembershipStatus.ACTIVE ? this.window.inForceSql('m') : 'TRUE', {
        windowNow: this.clock.now(),
      })
      .andWhere(allowed.sql, allowed.params);
    return keysetPage(
      query,
      page,
      { at: 'm.created_at', id: 'm.id', direction: 'ASC' },
      (row) => [row.createdAt, row.id],
      (row) => toMembershipModel(row, ability),
    );
  }

  /** The caller's memberships that are in force, with their cohorts. */
  async membershipsOf(user: AuthUser): Promise<{ membership: MembershipModel; cohort: CohortEntity }[]> {
    const ability = await this.access.abilityFor(user);
    const rows = await this.memberships
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.cohort', 'c')
      .where('m.user_id = :userId', { userId: user.id })
      .andWhere(this.window.inForceSql('m'), { windowNow: this.clock.now() })
      .orderBy('m.created_at', 'ASC')
      .getMany();
    return rows.map((row) => ({ membership: toMembershipModel(row, ability), cohort: row.cohort! }));
  }

  findCohort(id: string): Promise<CohortEntity | null> {
    return this.cohorts.findOneBy({ id });
  }
}
