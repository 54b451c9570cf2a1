import { refuseJoiningAfterConclusion } from './cohort-lifecycle.service.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isInForce } from '../authz/ability.factory.js';
import { vendorsShutOut } from '../charter/charter-versions.js';
import { Clock } from '../common/clock.js';
import { badInput, conflict, notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { EventLog, membershipEvent } from '../realtime/event-log.service.js';
import { AccessService } from './access.service.js';
import { CohortRole, MembershipStatus } from './cohort-role.js';
import { type MembershipModel, toMembershipModel } from './dto/membership.model.js';
import { MembershipEntity } from './membership.entity.js';

@Injectable()
export class MembershipsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  async changeRole(user: AuthUser, membershipId: string, role: CohortRole): Promise<MembershipModel> {
    return this.manage(user, membershipId, 'update', async (manager, membership) => {
      if (membership.role === role) return membership;
      await refuseJoiningAfterConclusion(manager, membership.cohortId, role);
      if (role === CohortRole.VENDOR && (await vendorsShutOut(manager, membership.cohortId))) {
        throw badInput('role', 'the cohort charter admits no vendors (vendorAccess NONE)');
      }
      if (membership.role === CohortRole.FACILITATOR) await this.keepAFacilitator(manager, membership);
      const from = membership.role;
      membership.role = role;
      await manager.update(MembershipEntity, { id: membership.id }, { role });
      await this.audit.record(manager, {
        cohortId: membership.cohortId,
        actorId: user.id,
        action: 'membership.role_changed',
        subjectType: 'Membership',
        subjectId: membership.id,
        details: { from, to: role },
      });
      return membership;
    });
  }

  /** Removal takes effect on the member's very next request: access is computed from this row. */
  async remove(user: AuthUser, membershipId: string): Promise<MembershipModel> {
    return this.manage(user, membershipId, 'remove', async (manager, membership) => {
      if (membership.role === CohortRole.FACILITATOR) await this.keepAFacilitator(manager, membership);
      membership.status = MembershipStatus.REMOVED;
      membership.removedAt = this.clock.now();
      await manager.update(
        MembershipEntity,
        { id: membership.id },
        { status: membership.status, removedAt: membership.removedAt },
      );
      await this.audit.record(manager, {
        cohortId: membership.cohortId,
        actorId: user.id,
        action: 'membership.removed',
        subjectType: 'Membership',
        subjectId: membership.id,
      });
      return membership;
    });
  }

  /** Loads and checks the membership, then changes it in one transaction with the row locked. */
  private async manage(
    user: AuthUser,
    membershipId: string,
    action: 'update' | 'remove',
    change: (manager: EntityManager, membership: MembershipEntity) => Promise<MembershipEntity>,
  ): Promise<MembershipModel> {
    const found = isUuid(membershipId)
      ? await this.dataSource.getRepository(MembershipEntity).findOneBy({ id: membershipId })
      : null;
    if (!found) throw notFound();
    const ability = await this.access.authorize(user, action, 'Membership', found, found.cohortId);
    const changed = await this.dataSource.transaction(async (manager) => {
      // Facilitators first, in id order, then the target: every change takes locks in the same
      // order, so two facilitators removing each other wait instead of deadlocking.
      await manager.find(MembershipEntity, {
        select: { id: true },
        where: { cohortId: found.cohortId, role: CohortRole.FACILITATOR, status: MembershipStatus.ACTIVE },
        order: { id: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      const membership = await manager.findOne(MembershipEntity, {
        where: { id: found.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!membership) throw notFound();
      if (membership.status !== MembershipStatus.ACTIVE) {
        throw conflict('This membership has been removed', 'MEMBERSHIP_REMOVED');
      }
      const changed = await change(manager, membership);
      await membershipEvent(this.events, manager, changed);
      return changed;
    });
    if (changed.userId === user.id) this.access.forget(user);
    return toMembershipModel(changed, ability);
  }

  /** A cohort always keeps one facilitator in force; `manage` holds their locks, so two demotions cannot race. */
  private async keepAFacilitator(manager: EntityManager, leaving: MembershipEntity): Promise<void> {
    const facilitators = await manager.find(MembershipEntity, {
      select: { id: true, status: true, accessExpiresAt: true },
      where: { cohortId: leaving.cohortId, role: CohortRole.FACILITATOR, status: MembershipStatus.ACTIVE },
    });
    const now = this.clock.now();
    const others = facilitators.filter((facilitator) => facilitator.id !== leaving.id && isInForce(facilitator, now));
    if (others.length === 0) {
      throw conflict('A cohort needs at least one active facilitator', 'LAST_FACILITATOR');
    }
  }
}
