import { AbilityBuilder, createMongoAbility, type ForcedSubject, type MongoAbility } from '@casl/ability';
import type { Actor, ActorMembership, SubjectShapes, SubjectType } from './subjects.js';

export type Action =
  | 'create'
  | 'read'
  | 'invite'
  | 'update'
  | 'remove'
  | 'revoke'
  /** Start threads and reply in a space. */
  | 'post'
  /** Hide posts, lock and move threads, read edit histories. */
  | 'moderate'
  | 'resolve'
  | 'markInsight'
  | 'edit'
  | 'delete'
  | 'support'
  /** Link a need to the thread or session that addresses it. */
  | 'link'
  /** Charter co-creation. */
  | 'propose'
  | 'vote'
  | 'ratify'
  | 'withdraw'
  /** Sessions: answer whether one attends. */
  | 'rsvp'
  /** Sessions: ask and upvote questions. */
  | 'ask'
  /** Sessions: read the outcome summary and takeaways the facilitator records afterwards. */
  | 'readOutcome'
  /** Questions: mark answered (facilitators and the session's speakers). */
  | 'answer'
  /** Cohorts: end the programme (guests leave, the alumni space opens), then archive it. */
  | 'conclude'
  | 'archive';

type Subjects = SubjectType | { [K in SubjectType]: SubjectShapes[K] & ForcedSubject<K> }[SubjectType];

export type AppAbility = MongoAbility<[Action, Subjects]>;

/** Fields of a membership that every reader of the member list sees; managers see them all. */
export const PUBLIC_MEMBERSHIP_FIELDS = ['id', 'cohortId', 'userId', 'role', 'status', 'ministry', 'country', 'user'];

/** A membership counts only while it is active and inside its access window. */
export function isInForce(membership: Pick<ActorMembership, 'status' | 'accessExpiresAt'>, now: Date): boolean {
  return (
    membership.status === 'ACTIVE' &&
    (membership.accessExpiresAt === null || membership.accessExpiresAt.getTime() > now.getTime())
  );
}

type Can = AbilityBuilder<AppAbility>['can'];

/**
 * A space's audience lists roles and ministries; an empty list admits everyone. The four rules
 * are the four ways a member can be admitted (CASL ORs rules; conditions within one rule AND).
 */
function admitToAudience(can: Can, membership: ActorMembership, actions: Action[]): void {
  const everyone = { $size: 0 };
  for (const audienceRoles of [everyone, membership.role]) {
    for (const audienceMinistries of [everyone, membership.ministry]) {
      can(actions, 'Space', { cohortId: membership.cohortId, audienceRoles, audienceMinistries });
    }
  }
}

/** What a member may do with the cohort itself: its members, invitations, log and charter. */
function defineCohortRules(can: Can, userId: string, membership: ActorMembership): void {
  const cohortId = membership.cohortId;
  can('read', 'Cohort', { id: cohortId });
  can('read', 'Membership', { id: membership.id });
  can('read', 'Charter', { cohortId });
  switch (membership.role) {
    case 'FACILITATOR':
      can(['invite', 'conclude', 'archive'], 'Cohort', { id: cohortId });
      can(['read', 'update', 'remove'], 'Membership', { cohortId });
      can(['read', 'revoke'], 'Invitation', { cohortId });
      can('read', 'AuditLog', { cohortId });
      can(['propose', 'vote', 'ratify'], 'Charter', { cohortId });
      can('withdraw', 'Proposal', { cohortId, proposerUserId: userId });
      break;
    case 'MEMBER':
      can('read', 'Membership', PUBLIC_MEMBERSHIP_FIELDS, { cohortId, status: 'ACTIVE' });
      can(['propose', 'vote'], 'Charter', { cohortId });
      can('withdraw', 'Proposal', { cohortId, proposerUserId: userId });
      break;
    case 'SCHOLAR':
    case 'OBSERVER':
      can('read', 'Membership', PUBLIC_MEMBERSHIP_FIELDS, { cohortId, status: 'ACTIVE' });
      break;
    case 'VENDOR':
      // Vendors see the cohort's name, purpose and charter, not who is in it.
      break;
  }
}

/** What a member may do with the cohort's content, once they have accepted its charter. */
function defineContentRules(can: Can, userId: string, membership: ActorMembership): void {
  const cohortId = membership.cohortId;
  switch (membership.role) {
    case 'FACILITATOR':
      can(['create', 'read', 'post', 'moderate'], 'Space', { cohortId });
      can(['resolve', 'markInsight', 'moderate'], 'Thread', { cohortId });
      can(['edit', 'delete'], 'Post', { cohortId, authorUserId: userId });
      can('moderate', 'Post', { cohortId });
      can(['read', 'create', 'support', 'link'], 'Need', { cohortId });
      can(['create', 'read', 'update', 'moderate', 'rsvp', 'ask', 'readOutcome'], 'Session', { cohortId });
      can(['answer', 'moderate'], 'Question', { cohortId });
      can('read', 'Insights', { cohortId });
      can(['read', 'update'], 'Directory', { cohortId });
      can(['read', 'post', 'moderate'], 'Breakout', { cohortId });
      break;
    case 'MEMBER':
      admitToAudience(can, membership, ['read', 'post']);
      can(['resolve', 'markInsight'], 'Thread', { cohortId, authorUserId: userId });
      can(['edit', 'delete'], 'Post', { cohortId, authorUserId: userId });
      can(['read', 'create', 'support'], 'Need', { cohortId });
      can(['read', 'rsvp', 'ask', 'readOutcome'], 'Session', { cohortId });
      can(['read', 'update'], 'Directory', { cohortId });
      // A breakout group is for those placed in it (and the facilitators).
      can(['read', 'post'], 'Breakout', { cohortId, memberIds: membership.id });
      break;
    case 'SCHOLAR':
      can(['read', 'post'], 'Space', { cohortId, id: { $in: membership.grantedSpaceIds } });
      can(['edit', 'delete'], 'Post', { cohortId, authorUserId: userId });
      can(['read', 'rsvp', 'ask', 'readOutcome'], 'Session', { cohortId, id: { $in: membership.grantedSessionIds } });
      can('answer', 'Question', { cohortId, sessionExpertMembershipIds: membership.id });
      can(['read', 'post'], 'Breakout', {
        cohortId,
        memberIds: membership.id,
        sessionId: { $in: membership.grantedSessionIds },
      });
      break;
    case 'OBSERVER':
      // Observers read, never write, and only while the charter admits observers.
      if (membership.observersAllowed) {
        admitToAudience(can, membership, ['read']);
        can('read', 'Need', { cohortId });
        can(['read', 'rsvp', 'readOutcome'], 'Session', { cohortId });
        can('read', 'Breakout', { cohortId, memberIds: membership.id });
      }
      break;
    case 'VENDOR':
      // Vendors see their granted sessions and nothing members said among themselves: no spaces,
      // needs, or session outcomes; nothing at all when the charter shuts vendors out.
      if (!membership.vendorsShutOut) {
        can(['read', 'rsvp'], 'Session', { cohortId, id: { $in: membership.grantedSessionIds } });
        can('answer', 'Question', { cohortId, sessionExpertMembershipIds: membership.id });
        // Only a group the facilitator placed it in, of a session it was granted.
        can(['read', 'post'], 'Breakout', {
          cohortId,
          memberIds: membership.id,
          sessionId: { $in: membership.grantedSessionIds },
        });
      }
      break;
  }
}

/**
 * Every authorization rule of Convene. Built per request from the caller and the current time;
 * services ask it about loaded instances, and list queries turn the same rules into SQL.
 */
export function defineAbilityFor(actor: Actor, now: Date): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);

  if (actor.platformRole === 'ADMIN') {
    // The platform admin manages cohorts (name, purpose, charter, members) but reads no content.
    can('create', 'Cohort');
    can(['read', 'invite'], 'Cohort');
    can(['read', 'update', 'remove'], 'Membership');
    can(['read', 'revoke'], 'Invitation');
    can('read', 'Charter');
  }

  for (const membership of actor.memberships) {
    if (!isInForce(membership, now)) continue;
    defineCohortRules(can, actor.userId, membership);
    // Content waits until the member has accepted the charter in force.
    if (membership.charterAccepted) defineContentRules(can, actor.userId, membership);
  }
  return build();
}
