import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Permission } from '../charter/charter-policy.js';
import { CharterPolicyService } from '../charter/charter-policy.service.js';
import { AccessService } from '../cohorts/access.service.js';
import { Clock } from '../common/clock.js';
import { conflict, forbidden, notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { EventLog, sessionEvent } from '../realtime/event-log.service.js';
import { NeedEntity, NeedStatus } from '../needs/need.entity.js';
import type { RecordSessionOutcomeInput, RsvpInput, RsvpModel, SessionModel } from './dto/session.model.js';
import { closeBreakouts } from './breakouts.service.js';
import { RsvpStatus, SessionEntity, SessionRsvpEntity, SessionState } from './session.entity.js';
import { linkNeed, SessionsService } from './sessions.service.js';

/** Legal state changes; anything else is a CONFLICT. */
const TRANSITIONS: Record<SessionState, SessionState[]> = {
  [SessionState.SCHEDULED]: [SessionState.LIVE, SessionState.CANCELLED],
  [SessionState.LIVE]: [SessionState.ENDED],
  [SessionState.ENDED]: [],
  [SessionState.CANCELLED]: [],
};

/** What happens to a scheduled session: answers, its state, its recording, its outcome, its needs. */
@Injectable()
export class SessionLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly access: AccessService,
    private readonly policy: CharterPolicyService,
    private readonly audit: AuditService,
    private readonly events: EventLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Records the caller's answer. The session row is locked first, so answers to one session are
   * taken one at a time: of two concurrent last-seat RSVPs exactly one wins, the other gets
   * CONFLICT, and a member answering twice at once cannot take two seats. The check constraint
   * on the seat count backs this up.
   */
  async rsvp(user: AuthUser, input: RsvpInput): Promise<RsvpModel> {
    const session = await this.sessions.loadAuthorized(user, 'rsvp', input.sessionId);
    const membership = await this.access.membershipIn(user, session.cohortId);
    if (!membership) throw notFound(); // the ability lets only members in force answer
    return this.dataSource.transaction(async (manager) => {
      const locked = await manager.findOneOrFail(SessionEntity, {
        where: { id: session.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (locked.state === SessionState.ENDED || locked.state === SessionState.CANCELLED) {
        throw conflict(`This session is ${locked.state.toLowerCase()}`, 'SESSION_CLOSED');
      }
      const previous = await manager.findOneBy(SessionRsvpEntity, {
        sessionId: session.id,
        membershipId: membership.id,
      });
      const seatDelta = Number(input.status === RsvpStatus.GOING) - Number(previous?.status === RsvpStatus.GOING);
      if (seatDelta !== 0) {
        await this.moveSeats(manager, session.id, seatDelta);
        await sessionEvent(this.events, manager, session);
      }
      await manager
        .createQueryBuilder()
        .insert()
        .into(SessionRsvpEntity)
        .values({
          cohortId: session.cohortId,
          sessionId: session.id,
          membershipId: membership.id,
          status: input.status,
        })
        .orUpdate(['status', 'updated_at'], ['session_id', 'membership_id'])
        .execute();
      const saved = await manager.findOneByOrFail(SessionRsvpEntity, {
        sessionId: session.id,
        membershipId: membership.id,
      });
      return { id: saved.id, sessionId: session.id, status: saved.status, goingCount: locked.goingCount + seatDelta };
    });
  }

  private async moveSeats(manager: EntityManager, sessionId: string, delta: number): Promise<void> {
    const moved = await manager
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ goingCount: () => `going_count + ${delta}` })
      .where('id = :sessionId', { sessionId })
      .andWhere(delta > 0 ? '(capacity IS NULL OR going_count + :delta <= capacity)' : 'TRUE', { delta })
      .execute();
    if (moved.affected === 0) throw conflict('This session is full', 'SESSION_FULL');
  }

  /**
   * Moves a session along SCHEDULED → LIVE → ENDED (or SCHEDULED → CANCELLED). Asking for the
   * state it is already in changes nothing. The update is conditional on the state read, so two
   * facilitators racing cannot both move it. Ending addresses its scheduled needs; cancelling
   * puts them back on the agenda.
   */
  async setState(user: AuthUser, sessionId: string, state: SessionState): Promise<SessionModel> {
    const session = await this.sessions.loadAuthorized(user, 'update', sessionId);
    if (session.state === state) return this.sessions.get(user, session.id);
    if (!TRANSITIONS[session.state].includes(state)) {
      throw conflict(`A ${session.state} session cannot become ${state}`, 'ILLEGAL_TRANSITION');
    }
    await this.dataSource.transaction(async (manager) => {
      const moved = await manager.update(SessionEntity, { id: session.id, state: session.state }, { state });
      if (moved.affected === 0) throw conflict('The session changed meanwhile; reload it', 'STALE_STATE');
      if (state === SessionState.ENDED) {
        await manager.update(
          NeedEntity,
          { cohortId: session.cohortId, linkedSessionId: session.id, status: NeedStatus.SCHEDULED },
          { status: NeedStatus.ADDRESSED },
        );
      }
      if (state === SessionState.ENDED || state === SessionState.CANCELLED) {
        await closeBreakouts(this.events, manager, session, this.clock.now());
      }
      if (state === SessionState.CANCELLED) {
        await manager.update(
          NeedEntity,
          { cohortId: session.cohortId, linkedSessionId: session.id, status: NeedStatus.SCHEDULED },
          { status: NeedStatus.OPEN, linkedSessionId: null },
        );
      }
      await sessionEvent(this.events, manager, session);
      await this.audit.record(manager, {
        cohortId: session.cohortId,
        actorId: user.id,
        action: 'session.state_changed',
        subjectType: 'Session',
        subjectId: session.id,
        details: { from: session.state, to: state },
      });
    });
    return this.sessions.get(user, session.id);
  }

  /** Sets the recording link, only while the charter in force allows recording. */
  async setRecording(user: AuthUser, sessionId: string, url: string): Promise<SessionModel> {
    const session = await this.sessions.loadAuthorized(user, 'update', sessionId);
    const { recording } = await this.policy.current(session.cohortId);
    if (recording !== Permission.ALLOWED) throw forbidden("The cohort's charter forbids recording");
    await this.dataSource.transaction(async (manager) => {
      await manager.update(SessionEntity, { id: session.id, cohortId: session.cohortId }, { recordingUrl: url });
      await sessionEvent(this.events, manager, session);
      await this.audit.record(manager, {
        cohortId: session.cohortId,
        actorId: user.id,
        action: 'session.recording_set',
        subjectType: 'Session',
        subjectId: session.id,
      });
    });
    return this.sessions.get(user, session.id);
  }

  /** What came of a session, recorded by a facilitator once it has ended; recording again replaces it. */
  async recordOutcome(user: AuthUser, input: RecordSessionOutcomeInput): Promise<SessionModel> {
    const session = await this.sessions.loadAuthorized(user, 'update', input.sessionId);
    if (session.state !== SessionState.ENDED) {
      throw conflict('An outcome can be recorded once the session has ended', 'SESSION_NOT_ENDED');
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        SessionEntity,
        { id: session.id, cohortId: session.cohortId },
        {
          outcomeSummary: input.summary.trim(),
          keyTakeaways: (input.keyTakeaways ?? []).map((takeaway) => takeaway.trim()),
          outcomeRecordedAt: new Date(),
        },
      );
      await sessionEvent(this.events, manager, session);
      await this.audit.record(manager, {
        cohortId: session.cohortId,
        actorId: user.id,
        action: 'session.outcome_recorded',
        subjectType: 'Session',
        subjectId: session.id,
      });
    });
    return this.sessions.get(user, session.id);
  }

  /** Links a need to a session of the same cohort that will address it (FACILITATOR). */
  async linkNeedToSession(user: AuthUser, needId: string, sessionId: string): Promise<string> {
    const need = isUuid(needId) ? await this.dataSource.manager.findOneBy(NeedEntity, { id: needId }) : null;
    if (!need) throw notFound();
    await this.access.authorize(user, 'link', 'Need', { id: need.id, cohortId: need.cohortId }, need.cohortId);
    // Scoped by the need's cohort: a session elsewhere answers exactly as one that does not exist.
    const session = isUuid(sessionId)
      ? await this.dataSource.manager.findOneBy(SessionEntity, { id: sessionId, cohortId: need.cohortId })
      : null;
    if (!session) throw notFound();
    if (session.state === SessionState.CANCELLED) throw conflict('This session was cancelled', 'SESSION_CLOSED');
    await this.dataSource.transaction(async (manager) => {
      await linkNeed(manager, need, session);
      await this.audit.record(manager, {
        cohortId: need.cohortId,
        actorId: user.id,
        action: 'need.linked',
        subjectType: 'Need',
        subjectId: need.id,
        details: { sessionId: session.id, previousStatus: need.status },
      });
    });
    return need.id;
  }
}
