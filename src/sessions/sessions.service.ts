import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { Action } from '../authz/ability.factory.js';
import { accessibleBy } from '../authz/sql-conditions.js';
import { Permission } from '../charter/charter-policy.js';
import { CharterPolicyService } from '../charter/charter-policy.service.js';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import { CohortRole } from '../cohorts/cohort-role.js';
import { AccessWindow } from '../cohorts/access-window.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { Clock } from '../common/clock.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { badInput, conflict, notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { type Connection, type KeyPart, keysetPageBy } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { EventLog, sessionEvent } from '../realtime/event-log.service.js';
import { NeedEntity, NeedStatus } from '../needs/need.entity.js';
import { ThreadEntity } from '../threads/thread.entity.js';
import type { ScheduleSessionInput, SessionModel, SessionsArgs, UpdateSessionInput } from './dto/session.model.js';
import { SessionEntity, SessionRsvpEntity, SessionState } from './session.entity.js';

/** How the ability's Session fields map onto the `s` alias of session queries. */
export const SESSION_COLUMNS = { id: 's.id', cohortId: 's.cohort_id' };

/** The longest a session may run. */
const MAX_SESSION_MS = 7 * 86_400_000;

/** A session ends after it starts, and lasts at most `MAX_SESSION_MS`. */
function checkTimes(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() <= startsAt.getTime()) throw badInput('endsAt', 'must be after startsAt');
  if (endsAt.getTime() - startsAt.getTime() > MAX_SESSION_MS) {
    throw badInput('endsAt', 'must be at most 7 days after startsAt');
  }
}

/** A need planned for a session is SCHEDULED; for one that has already ended, ADDRESSED. */
export async function linkNeed(manager: EntityManager, need: NeedEntity, session: SessionEntity): Promise<void> {
  const status =
    session.state === SessionState.ENDED || need.status === NeedStatus.ADDRESSED
      ? NeedStatus.ADDRESSED
      : NeedStatus.SCHEDULED;
  await manager.update(NeedEntity, { id: need.id, cohortId: need.cohortId }, { linkedSessionId: session.id, status });
}

/** Calendar order: earliest first; the id makes it total. */
const BY_START: KeyPart<SessionEntity>[] = [
  { column: 's.starts_at', direction: 'ASC', kind: 'timestamp', of: (session) => session.startsAt },
  { column: 's.id', direction: 'ASC', kind: 'id', of: (session) => session.id },
];

const EXPERT_ROLES: readonly CohortRole[] = [CohortRole.SCHOLAR, CohortRole.VENDOR];

export const sessionShape = (session: Pick<SessionEntity, 'id' | 'cohortId'>) => ({
  id: session.id,
  cohortId: session.cohortId,
});

/** What the caller may know about sessions of one cohort. */
interface SessionViewer {
  membershipId: string | null;
  recordingAllowed: boolean;
  observersAllowed: boolean;
  readsOutcome: (session: SessionEntity) => boolean;
}

@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly policy: CharterPolicyService,
    private readonly audit: AuditService,
    private readonly window: AccessWindow,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  async schedule(user: AuthUser, input: ScheduleSessionInput): Promise<SessionModel> {
    const { cohort } = await this.cohorts.getReadable(user, input.cohortId);
    await this.access.authorize(user, 'create', 'Session', { id: '', cohortId: cohort.id }, cohort.id);
    checkTimes(input.startsAt, input.endsAt);
    const expertIds = [...new Set(input.expertMembershipIds ?? [])];
    const needIds = [...new Set(input.needIds ?? [])];
    const id = await this.dataSource.transaction(async (manager) => {
      const experts = await this.experts(manager, cohort.id, expertIds);
      if (input.followUpThreadId) await this.threadIn(manager, cohort.id, input.followUpThreadId);
      const needs = needIds.length ? await manager.findBy(NeedEntity, { cohortId: cohort.id, id: In(needIds) }) : [];
      if (needs.length !== needIds.length) throw badInput('needIds', 'names a need that is not in this cohort');
      const session = await manager.save(
        manager.create(SessionEntity, {
          cohortId: cohort.id,
          title: input.title.trim(),
          abstract: input.abstract.trim(),
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          timeZone: input.timeZone ?? 'UTC',
          format: input.format ?? undefined,
          capacity: input.capacity ?? null,
          expertMembershipIds: experts.map((expert) => expert.id),
          followUpThreadId: input.followUpThreadId ?? null,
          createdById: user.id,
        }),
      );
      await this.grant(manager, session.id, experts);
      for (const need of needs) await linkNeed(manager, need, session);
      await sessionEvent(this.events, manager, session);
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'session.scheduled',
        subjectType: 'Session',
        subjectId: session.id,
        details: { experts: session.expertMembershipIds.join(','), needs: needIds.join(',') },
      });
      return session.id;
    });
    // The facilitator's own grants may have changed nothing, but the ability is per request.
    return this.get(user, id);
  }

  /**
   * Changes a session that has not ended or been cancelled. Times are checked together with the
   * ones kept; the capacity cannot drop below the seats taken; a new list of experts grants the
   * newcomers and withdraws the grant of those left out, so a facilitator taking a vendor off a
   * session also takes the session out of the vendor's sight.
   */
  async update(user: AuthUser, input: UpdateSessionInput): Promise<SessionModel> {
    const found = await this.loadAuthorized(user, 'update', input.sessionId);
    await this.dataSource.transaction(async (manager) => {
      const session = await manager.findOneOrFail(SessionEntity, {
        where: { id: found.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (session.state === SessionState.ENDED || session.state === SessionState.CANCELLED) {
        throw conflict(`This session is ${session.state.toLowerCase()}`, 'SESSION_CLOSED');
      }
      const startsAt = input.startsAt ?? session.startsAt;
      const endsAt = input.endsAt ?? session.endsAt;
      checkTimes(startsAt, endsAt);
      if (input.capacity && input.capacity < session.goingCount) {
        throw badInput('capacity', `must be at least the ${session.goingCount} seats already taken`);
      }
      let expertMembershipIds = session.expertMembershipIds;
      if (input.expertMembershipIds) {
        const experts = await this.experts(manager, session.cohortId, [...new Set(input.expertMembershipIds)]);
        expertMembershipIds = experts.map((expert) => expert.id);
        await this.grant(manager, session.id, experts);
        const dropped = session.expertMembershipIds.filter((id) => !expertMembershipIds.includes(id));
        await manager.query(
          'UPDATE memberships SET granted_session_ids = array_remove(granted_session_ids, $1), updated_at = now() WHERE id = ANY($2)',
          [session.id, dropped],
        );
      }
      await manager.update(
        SessionEntity,
        { id: session.id, cohortId: session.cohortId },
        {
          title: input.title?.trim() ?? session.title,
          abstract: input.abstract?.trim() ?? session.abstract,
          startsAt,
          endsAt,
          timeZone: input.timeZone ?? session.timeZone,
          format: input.format ?? session.format,
          capacity: input.capacity ?? session.capacity,
          expertMembershipIds,
        },
      );
      await sessionEvent(this.events, manager, session);
      await this.audit.record(manager, {
        cohortId: session.cohortId,
        actorId: user.id,
        action: 'session.updated',
        subjectType: 'Session',
        subjectId: session.id,
        details: {
          fields: Object.keys(input)
            .filter((key) => key !== 'sessionId')
            .join(','),
        },
      });
    });
    return this.get(user, found.id);
  }

  /** A session the caller may read, or NOT_FOUND as for a missing id. */
  async get(user: AuthUser, id: string): Promise<SessionModel> {
    const session = await this.loadAuthorized(user, 'read', id);
    return this.toModel(session, await this.viewer(user, session.cohortId));
  }

  /** The loaded session after checking the action on it (NOT_FOUND for those who cannot read it). */
  async loadAuthorized(user: AuthUser, action: Action, id: string): Promise<SessionEntity> {
    const session = isUuid(id) ? await this.dataSource.manager.findOneBy(SessionEntity, { id }) : null;
    if (!session) throw notFound();
    await this.access.authorize(user, action, 'Session', sessionShape(session), session.cohortId);
    return session;
  }

  /** The cohort's sessions the caller may see, earliest first, filtered in SQL by the ability. */
  async list(user: AuthUser, cohortId: string, args: SessionsArgs): Promise<Connection<SessionModel>> {
    const { cohort, ability } = await this.cohorts.getContentScope(user, cohortId);
    if (args.from && args.to && args.to.getTime() <= args.from.getTime()) throw badInput('to', 'must be after from');
    const allowed = accessibleBy(ability, 'read', 'Session', SESSION_COLUMNS);
    const query = this.dataSource.manager
      .createQueryBuilder(SessionEntity, 's')
      .where('s.cohort_id = :cohortId', { cohortId: cohort.id })
      .andWhere(allowed.sql, allowed.params);
    if (args.from) query.andWhere('s.ends_at > :from', { from: args.from });
    if (args.to) query.andWhere('s.starts_at < :to', { to: args.to });
    const page = await keysetPageBy(query, args, BY_START, (session) => session);
    const viewer = await this.viewer(user, cohort.id);
    const models = await this.toModels(
      page.edges.map((edge) => edge.node),
      viewer,
    );
    return { pageInfo: page.pageInfo, edges: page.edges.map((edge, i) => ({ cursor: edge.cursor, node: models[i] })) };
  }

  /** Expert memberships: active SCHOLARs or VENDORs of this cohort, each named once. */
  private async experts(manager: EntityManager, cohortId: string, ids: string[]): Promise<MembershipEntity[]> {
    if (ids.length === 0) return [];
    // Only memberships in force: naming a member whose access window closed must not reopen it.
    const found = await manager
      .createQueryBuilder(MembershipEntity, 'm')
      .where('m.cohort_id = :cohortId AND m.id IN (:...ids)', { cohortId, ids })
      .andWhere(this.window.inForceSql('m'), { windowNow: this.clock.now() })
      .setLock('pessimistic_write')
      .getMany();
    if (found.length !== ids.length) {
      throw badInput('expertMembershipIds', 'names a membership that is not an active member of this cohort');
    }
    if (found.some((membership) => !EXPERT_ROLES.includes(membership.role))) {
      throw badInput('expertMembershipIds', 'names a member who is not a SCHOLAR or VENDOR');
    }
    return ids.map((id) => found.find((membership) => membership.id === id)!);
  }

  /** Each expert is granted the session they speak in. */
  private async grant(manager: EntityManager, sessionId: string, experts: MembershipEntity[]): Promise<void> {
    if (experts.length === 0) return;
    await manager.query(
      `UPDATE memberships SET granted_session_ids = array_append(granted_session_ids, $1), updated_at = now()
       WHERE id = ANY($2) AND NOT ($1 = ANY(granted_session_ids))`,
      [sessionId, experts.map((expert) => expert.id)],
    );
  }

  private async threadIn(manager: EntityManager, cohortId: string, threadId: string): Promise<void> {
    if (!(await manager.existsBy(ThreadEntity, { id: threadId, cohortId }))) {
      throw badInput('followUpThreadId', 'names a thread that is not in this cohort');
    }
  }

  private async viewer(user: AuthUser, cohortId: string): Promise<SessionViewer> {
    const [membership, policy, ability] = await Promise.all([
      this.access.membershipIn(user, cohortId),
      this.policy.current(cohortId),
      this.access.abilityFor(user),
    ]);
    return {
      membershipId: membership?.id ?? null,
      recordingAllowed: policy.recording === Permission.ALLOWED,
      observersAllowed: policy.observers === Permission.ALLOWED,
      readsOutcome: (session) => ability.can('readOutcome', asSubject('Session', sessionShape(session))),
    };
  }

  private async toModel(session: SessionEntity, viewer: SessionViewer): Promise<SessionModel> {
    return (await this.toModels([session], viewer))[0];
  }

  /** Maps sessions for one viewer, with their experts and the viewer's RSVPs in two queries. */
  private async toModels(sessions: SessionEntity[], viewer: SessionViewer): Promise<SessionModel[]> {
    if (sessions.length === 0) return [];
    const expertIds = [...new Set(sessions.flatMap((session) => session.expertMembershipIds))];
    // Speakers are shown while they are SCHOLARs or VENDORs in force: one who became a member,
    // left, or whose window closed is no longer presented as a speaker (nor named to vendors).
    const experts = expertIds.length
      ? await this.dataSource.manager
          .createQueryBuilder(MembershipEntity, 'm')
          .leftJoinAndSelect('m.user', 'u')
          .where('m.id IN (:...expertIds)', { expertIds })
          .andWhere('m.role IN (:...roles)', { roles: EXPERT_ROLES })
          .andWhere(this.window.inForceSql('m'), { windowNow: this.clock.now() })
          .getMany()
      : [];
    const rsvps = viewer.membershipId
      ? await this.dataSource.manager.findBy(SessionRsvpEntity, {
          membershipId: viewer.membershipId,
          sessionId: In(sessions.map((session) => session.id)),
        })
      : [];
    return sessions.map((session) => {
      const outcome = viewer.readsOutcome(session);
      return {
        id: session.id,
        cohortId: session.cohortId,
        title: session.title,
        abstract: session.abstract,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        timeZone: session.timeZone,
        format: session.format,
        capacity: session.capacity,
        goingCount: session.goingCount,
        state: session.state,
        recordingAllowed: viewer.recordingAllowed,
        observersAllowed: viewer.observersAllowed,
        recordingUrl: viewer.recordingAllowed ? session.recordingUrl : null,
        experts: session.expertMembershipIds.flatMap((id) => {
          const expert = experts.find((membership) => membership.id === id);
          return expert ? [toExpertModel(expert)] : [];
        }),
        myRsvp: rsvps.find((rsvp) => rsvp.sessionId === session.id)?.status ?? null,
        followUpThreadId: outcome ? session.followUpThreadId : null,
        outcomeSummary: outcome ? session.outcomeSummary : null,
        keyTakeaways: outcome ? session.keyTakeaways : [],
        createdAt: session.createdAt,
      };
    });
  }
}

/** A speaker as every reader of the session sees them: who they are, not what managers see. */
function toExpertModel(membership: MembershipEntity) {
  return {
    id: membership.id,
    role: membership.role,
    status: membership.status,
    ministry: membership.ministry,
    country: membership.country,
    accessExpiresAt: null,
    acceptedCharterVersion: null,
    grantedSpaceIds: [],
    grantedSessionIds: [],
    cohortId: membership.cohortId,
    userId: membership.userId,
    showEmail: false,
    loadedUser: membership.user,
  };
}
