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
  | 'link';

type Subjects = SubjectType | { [K in SubjectType]: SubjectShapes[K] & ForcedSubject<K> }[SubjectType];

export type AppAbility = MongoAbility<[Action, Subjects]>;

/** Fields of a membership that every reader of the member list sees; managers see them all. */
export const PUBLIC_MEMBERSHIP_FIELDS = ['id', 'cohortId', 'userId', 'role', 'status', 'ministry', 'country', 'user'];

/** A membership counts only while it is active and inside its access window. */
export function isInForce(membership: ActorMembership, now: Date): boolean {
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
function admitToAudience(can: Can, membership: ActorMembership): void {
  const everyone = { $size: 0 };
  for (const audienceRoles of [everyone, membership.role]) {
    for (const audienceMinistries of [everyone, membership.ministry]) {
      can(['read', 'post'], 'Space', { cohortId: membership.cohortId, audienceRoles, audienceMinistries });
    }
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
  }

  for (const membership of actor.memberships) {
    if (!isInForce(membership, now)) continue;
    const cohortId = membership.cohortId;
    can('read', 'Cohort', { id: cohortId });
    can('read', 'Membership', { id: membership.id });
    switch (membership.role) {
      case 'FACILITATOR':
        can(['invite'], 'Cohort', { id: cohortId });
        can(['create', 'read', 'post', 'moderate'], 'Space', { cohortId });
        can(['resolve', 'markInsight', 'moderate'], 'Thread', { cohortId });
        can(['edit', 'delete'], 'Post', { cohortId, authorUserId: actor.userId });
        can('moderate', 'Post', { cohortId });
        can(['read', 'create', 'support', 'link'], 'Need', { cohortId });
        can(['read', 'update', 'remove'], 'Membership', { cohortId });
        can(['read', 'revoke'], 'Invitation', { cohortId });
        can('read', 'AuditLog', { cohortId });
        break;
      case 'MEMBER':
        can('read', 'Membership', PUBLIC_MEMBERSHIP_FIELDS, { cohortId, status: 'ACTIVE' });
        admitToAudience(can, membership);
        can(['resolve', 'markInsight'], 'Thread', { cohortId, authorUserId: actor.userId });
        can(['edit', 'delete'], 'Post', { cohortId, authorUserId: actor.userId });
        can(['read', 'create', 'support'], 'Need', { cohortId });
        break;
      case 'SCHOLAR':
        can('read', 'Membership', PUBLIC_MEMBERSHIP_FIELDS, { cohortId, status: 'ACTIVE' });
        can(['read', 'post'], 'Space', { cohortId, id: { $in: membership.grantedSpaceIds } });
        can(['edit', 'delete'], 'Post', { cohortId, authorUserId: actor.userId });
        break;
      case 'OBSERVER':
        // Observers read content only where the charter admits them (the charter's policy decides).
        can('read', 'Membership', PUBLIC_MEMBERSHIP_FIELDS, { cohortId, status: 'ACTIVE' });
        break;
      case 'VENDOR':
        // Vendors see the cohort's name, purpose and charter, not who is in it.
        break;
    }
  }
  return build();
}
