import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { NormProposalEntity, ProposalStatus } from '../charter/charter.entity.js';
import { Clock } from '../common/clock.js';
import { conflict, notFound } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { EventLog } from '../realtime/event-log.service.js';
import { SessionEntity, SessionState } from '../sessions/session.entity.js';
import { SpaceEntity } from '../spaces/space.entity.js';
import { AccessService } from './access.service.js';
import { CohortRole, GUEST_ROLES } from './cohort-role.js';
import { CohortEntity, CohortStatus } from './cohort.entity.js';
import { CohortsService } from './cohorts.service.js';
import { InvitationEntity } from './invitation.entity.js';

const archiveNorm = (days: number | null) => ({
  title: 'What the archive keeps',
  text:
    days === null
      ? 'The archive keeps the cohort’s threads, replies, needs and session outcomes without a time limit. ' +
        'Guests have no access to it; members read it and keep talking in the alumni space.'
      : `The archive keeps the cohort’s threads, replies, needs and session outcomes for ${days} days; ` +
        'anything older is deleted for good. Guests have no access to it; members read it and keep talking ' +
        'in the alumni space.',
});

/**
 * Whether someone may join the cohort, or take a role in it, at its stage: guests only while it is
 * ACTIVE, nobody once it is ARCHIVED. Reads the cohort row under a share lock, so a conclusion in
 * flight finishes first.
 */
export async function refuseJoiningAfterConclusion(
  manager: EntityManager,
  cohortId: string,
  role: CohortRole,
): Promise<void> {
  const cohort = await manager.findOne(CohortEntity, { where: { id: cohortId }, lock: { mode: 'pessimistic_read' } });
  if (cohort?.status === CohortStatus.ARCHIVED)
    throw conflict('This cohort is archived and read-only', 'COHORT_ARCHIVED');
  if (cohort?.status === CohortStatus.CONCLUDED && GUEST_ROLES.includes(role)) {
    throw conflict('This cohort has concluded: it no longer admits scholars, vendors or observers', 'COHORT_CONCLUDED');
  }
}

/**
 * A cohort's life after the programme: ACTIVE → CONCLUDED → ARCHIVED, each step once, by a
 * facilitator. What each stage still allows is decided in `authz/lifecycle.ts`.
 */
@Injectable()
export class CohortLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  /**
   * Ends the programme in one transaction: every guest's access ends now (the access window reads
   * `concludedAt`, so every path closes at once), their pending invitations are revoked, an alumni
   * space opens for members, and a charter proposal on what the archive keeps is put to the vote.
   */
  async conclude(user: AuthUser, cohortId: string, archiveRetentionDays: number | null): Promise<CohortEntity> {
    const { cohort } = await this.cohorts.getReadable(user, cohortId);
    await this.access.authorize(user, 'conclude', 'Cohort', { id: cohort.id }, cohort.id);
    const proposer = await this.access.membershipIn(user, cohort.id);
    if (!proposer) throw notFound();
    const concluded = await this.dataSource.transaction(async (manager) => {
      const locked = await this.lock(manager, cohort.id);
      if (locked.status !== CohortStatus.ACTIVE) {
        throw conflict(`This cohort is already ${locked.status.toLowerCase()}`, 'COHORT_NOT_ACTIVE');
      }
      const pending = await manager.countBy(SessionEntity, {
        cohortId: cohort.id,
        state: In([SessionState.SCHEDULED, SessionState.LIVE]),
      });
      if (pending > 0) {
        throw conflict(
          `${pending} session(s) are still scheduled or live; end or cancel them before concluding`,
          'SESSIONS_PENDING',
        );
      }
      const now = this.clock.now();
      const alumni = await manager.save(
        manager.create(SpaceEntity, {
          cohortId: cohort.id,
          title: 'Alumni',
          purpose: `Where the members of ${locked.name} keep talking after the programme.`,
          audienceRoles: [CohortRole.FACILITATOR, CohortRole.MEMBER],
          audienceMinistries: [],
          createdById: user.id,
        }),
      );
      const proposal = await manager.save(
        manager.create(NormProposalEntity, {
          cohortId: cohort.id,
          proposerMembershipId: proposer.id,
          proposerUserId: user.id,
          ...archiveNorm(archiveRetentionDays),
          policyChange: { retentionDays: archiveRetentionDays },
          baseVersion: locked.charterVersion,
        }),
      );
      const revoked = await manager.update(
        InvitationEntity,
        { cohortId: cohort.id, role: In([...GUEST_ROLES]), acceptedAt: IsNull(), revokedAt: IsNull() },
        { revokedAt: now },
      );
      const guests = await manager.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM memberships
          WHERE cohort_id = $1 AND status = 'ACTIVE' AND role = ANY($2::cohort_role[])`,
        [cohort.id, GUEST_ROLES],
      );
      Object.assign(locked, {
        status: CohortStatus.CONCLUDED,
        concludedAt: now,
        alumniSpaceId: alumni.id,
        archiveProposalId: proposal.id,
      });
      await manager.save(locked);
      await this.changed(manager, user, locked, 'cohort.concluded', {
        guestsEnded: guests[0].count,
        invitationsRevoked: revoked.affected ?? 0,
        alumniSpaceId: alumni.id,
        archiveProposalId: proposal.id,
      });
      return locked;
    });
    this.access.forget(user);
    return concluded;
  }

  /**
   * Makes a concluded cohort read-only. The archive proposal must be decided first (ratified, or
   * withdrawn by its proposer); other proposals still open are closed, since nothing can be
   * ratified in an archive.
   */
  async archive(user: AuthUser, cohortId: string): Promise<CohortEntity> {
    const { cohort } = await this.cohorts.getReadable(user, cohortId);
    await this.access.authorize(user, 'archive', 'Cohort', { id: cohort.id }, cohort.id);
    const archived = await this.dataSource.transaction(async (manager) => {
      const locked = await this.lock(manager, cohort.id);
      if (locked.status !== CohortStatus.CONCLUDED) {
        throw conflict('Only a concluded cohort can be archived', 'COHORT_NOT_CONCLUDED');
      }
      if (
        locked.archiveProposalId &&
        (await manager.existsBy(NormProposalEntity, { id: locked.archiveProposalId, status: ProposalStatus.OPEN }))
      ) {
        throw conflict(
          'The proposal on what the archive keeps is still open; ratify it or withdraw it first',
          'ARCHIVE_PROPOSAL_OPEN',
        );
      }
      const closed = await manager.update(
        NormProposalEntity,
        { cohortId: cohort.id, status: ProposalStatus.OPEN },
        { status: ProposalStatus.WITHDRAWN },
      );
      Object.assign(locked, { status: CohortStatus.ARCHIVED, archivedAt: this.clock.now() });
      await manager.save(locked);
      await this.changed(manager, user, locked, 'cohort.archived', { proposalsClosed: closed.affected ?? 0 });
      return locked;
    });
    this.access.forget(user);
    return archived;
  }

  /** The cohort row, locked: lifecycle steps and ratifications of one cohort take turns. */
  private async lock(manager: EntityManager, cohortId: string): Promise<CohortEntity> {
    const locked = await manager.findOne(CohortEntity, {
      where: { id: cohortId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!locked) throw notFound();
    return locked;
  }

  /** Audited, and announced on the cohort topic, where it makes every subscription be checked again. */
  private async changed(
    manager: EntityManager,
    user: AuthUser,
    cohort: CohortEntity,
    action: 'cohort.concluded' | 'cohort.archived',
    details: Record<string, string | number>,
  ): Promise<void> {
    await this.audit.record(manager, {
      cohortId: cohort.id,
      actorId: user.id,
      action,
      subjectType: 'Cohort',
      subjectId: cohort.id,
      details,
    });
    await this.events.append(manager, {
      cohortId: cohort.id,
      type: 'cohort.updated',
      ref: { status: cohort.status },
      topics: [['cohort', cohort.id]],
    });
  }
}
