import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { subject } from '@casl/ability';
import { Repository } from 'typeorm';
import { type Action, type AppAbility, defineAbilityFor, isInForce } from '../authz/ability.factory.js';
import { changesNothing, lifecycleRefusal } from '../authz/lifecycle.js';
import type { ActorMembership, CohortLifecycle, SubjectShapes, SubjectType } from '../authz/subjects.js';
import { Clock } from '../common/clock.js';
import { charterNotAccepted, conflict, forbidden, notFound } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { AccessWindow } from './access-window.js';
import {
  actorMembershipsSql,
  type ActorMembershipRow,
  takePreloadedMemberships,
  toActorMembership,
} from './actor-memberships.js';
import { MembershipEntity } from './membership.entity.js';

type Subject = Parameters<AppAbility['can']>[1];

/** Subjects that are cohort content, behind the charter gate. */
const CONTENT_SUBJECTS: SubjectType[] = [
  'Space',
  'Thread',
  'Post',
  'Need',
  'Session',
  'Question',
  'Insights',
  'Directory',
  'Breakout',
];

export function asSubject<K extends SubjectType>(type: K, object: SubjectShapes[K]): Subject {
  return subject(type, { ...object }) as unknown as Subject;
}

/** Loads what the ability needs for a caller and answers "may this caller do that to this object?". */
@Injectable()
export class AccessService {
  /** One load per request: `AuthUser` objects are created per request by the guard. */
  private readonly loaded = new WeakMap<AuthUser, Promise<{ ability: AppAbility; memberships: ActorMembership[] }>>();

  constructor(
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly window: AccessWindow,
  ) {}

  async abilityFor(user: AuthUser): Promise<AppAbility> {
    return (await this.load(user)).ability;
  }

  /** Every membership of the caller, in force or not, as the ability reads them. */
  async membershipsOf(user: AuthUser): Promise<ActorMembership[]> {
    return (await this.load(user)).memberships;
  }

  /** The caller's membership in a cohort while it is in force, or null. */
  async membershipIn(user: AuthUser, cohortId: string): Promise<ActorMembership | null> {
    const now = this.clock.now();
    const { memberships } = await this.load(user);
    return memberships.find((m) => m.cohortId === cohortId && isInForce(m, now)) ?? null;
  }

  /** After the caller's own memberships change within a request. */
  forget(user: AuthUser): void {
    this.loaded.delete(user);
    // Rows read with the token are as old as the token check: never used after a change.
    takePreloadedMemberships(user);
  }

  private load(user: AuthUser) {
    let loaded = this.loaded.get(user);
    if (!loaded) {
      loaded = this.build(user);
      this.loaded.set(user, loaded);
    }
    return loaded;
  }

  private async build(user: AuthUser): Promise<{ ability: AppAbility; memberships: ActorMembership[] }> {
    const rows =
      takePreloadedMemberships(user) ??
      (await this.memberships.query<ActorMembershipRow[]>(
        actorMembershipsSql('$1', (m) => this.window.endsAtSql(m)),
        [user.id],
      ));
    const memberships = rows.map(toActorMembership);
    const ability = defineAbilityFor(
      { userId: user.id, platformRole: user.platformRole, memberships },
      this.clock.now(),
    );
    return { ability, memberships };
  }

  /**
   * Cohort content (spaces, threads, posts, needs, search, sessions and their questions) waits until the
   * caller has accepted the charter in force: CHARTER_NOT_ACCEPTED, not a silent empty answer.
   */
  async requireCharterAccepted(user: AuthUser, cohortId: string): Promise<void> {
    const membership = await this.membershipIn(user, cohortId);
    if (membership && !membership.charterAccepted) throw charterNotAccepted();
  }

  /**
   * Checks a loaded instance. A caller who may not even read it gets NOT_FOUND, exactly as for a
   * missing id; one who may read but not act gets FORBIDDEN. Refusals on an existing cohort
   * object are audited.
   */
  async authorize<K extends SubjectType>(
    user: AuthUser,
    action: Action,
    type: K,
    object: SubjectShapes[K],
    cohortId: string,
    readVia?: Subject,
  ): Promise<AppAbility> {
    const ability = await this.abilityFor(user);
    const target = asSubject(type, object);
    const readTarget = readVia ?? (action === 'create' ? asSubject('Cohort', { id: cohortId }) : target);
    // The contract's gate: every read or write of content answers CHARTER_NOT_ACCEPTED until the
    // member accepts the charter in force, before (and whatever) the rules would answer.
    if (CONTENT_SUBJECTS.includes(type)) await this.requireCharterAccepted(user, cohortId);
    const readable = ability.can('read', readTarget);
    if (readable && ability.can(action, target)) {
      await this.requireOpenFor(user, action, type, object, cohortId);
      return ability;
    }
    return this.deny(user, action, type, object, cohortId, readable ? forbidden() : notFound());
  }

  /**
   * A concluded cohort takes writes only in its alumni space and in its governance; an archived
   * one takes none: CONFLICT naming the stage, after the rules have allowed the action.
   */
  private async requireOpenFor<K extends SubjectType>(
    user: AuthUser,
    action: Action,
    type: K,
    object: SubjectShapes[K],
    cohortId: string,
  ): Promise<void> {
    // Reads are open in every stage: the stage is read only for actions that change something.
    if (changesNothing(action)) return;
    const refusal = lifecycleRefusal(await this.lifecycleOf(user, cohortId), action, type, object);
    if (refusal === 'COHORT_ARCHIVED') throw conflict('This cohort is archived and read-only', refusal);
    if (refusal === 'COHORT_CONCLUDED') {
      throw conflict('This cohort has concluded; members keep talking in its alumni space', refusal);
    }
  }

  /** The cohort's stage, from the caller's membership row when there is one. */
  async lifecycleOf(user: AuthUser, cohortId: string): Promise<CohortLifecycle> {
    const own = (await this.load(user)).memberships.find((m) => m.cohortId === cohortId);
    if (own) return own.cohort;
    const [row] = await this.memberships.query<{ status: CohortLifecycle['status']; alumni_space_id: string | null }[]>(
      'SELECT status, alumni_space_id FROM cohorts WHERE id = $1',
      [cohortId],
    );
    return { status: row?.status ?? 'ACTIVE', alumniSpaceId: row?.alumni_space_id ?? null };
  }

  /** Refusals on an existing cohort object are audited, then thrown. */
  private async deny<K extends SubjectType>(
    user: AuthUser,
    action: Action,
    type: K,
    object: SubjectShapes[K],
    cohortId: string,
    refusal: Error,
  ): Promise<never> {
    await this.audit.recordDenied({
      cohortId,
      actorId: user.id,
      subjectType: type,
      subjectId: 'id' in object ? String(object.id) : cohortId,
      attempted: action,
    });
    throw refusal;
  }
}
