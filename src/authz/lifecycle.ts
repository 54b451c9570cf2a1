import type { Action } from './ability.factory.js';
import type { CohortLifecycle, SubjectShapes, SubjectType } from './subjects.js';

export type LifecycleRefusal = 'COHORT_CONCLUDED' | 'COHORT_ARCHIVED';

/** Actions that change nothing: open in every stage, to whoever the rules let read. */
const READS: readonly Action[] = ['read', 'readOutcome'];

/** Whether an action changes nothing, so no stage can refuse it (and the stage need not be read). */
export const changesNothing = (action: Action): boolean => READS.includes(action);

/** What a cohort's managers still do in an archive: let people go, and withdraw invitations. */
const ARCHIVE_HOUSEKEEPING: readonly [SubjectType, Action][] = [
  ['Membership', 'remove'],
  ['Invitation', 'revoke'],
];

/**
 * Subjects about the cohort and its people rather than its programme: they stay open after
 * conclusion (members keep their profiles up to date in the alumni phase).
 */
const GOVERNANCE: readonly SubjectType[] = ['Cohort', 'Membership', 'Invitation', 'Charter', 'Proposal', 'Directory'];

/** The space an object of content lives in, where the subject says. */
function spaceOf<K extends SubjectType>(type: K, object: SubjectShapes[K]): string | null {
  if (type === 'Space') return (object as SubjectShapes['Space']).id;
  if (type === 'Thread') return (object as SubjectShapes['Thread']).spaceId;
  if (type === 'Post') return (object as SubjectShapes['Post']).spaceId;
  return null;
}

/**
 * Whether a cohort's stage refuses an action the rules allow, and why (CONFLICT with this reason).
 * - ACTIVE: nothing is refused.
 * - CONCLUDED: the programme's content is closed to writes (spaces, threads, posts, needs,
 *   sessions, questions); members keep talking in the alumni space (threads, replies, reactions,
 *   moderation), and the cohort's governance goes on (charter proposals and votes, the member
 *   list, invitations of full members).
 * - ARCHIVED: read-only. Only removing a membership and revoking an invitation remain.
 */
export function lifecycleRefusal<K extends SubjectType>(
  lifecycle: CohortLifecycle,
  action: Action,
  type: K,
  object: SubjectShapes[K],
): LifecycleRefusal | null {
  if (lifecycle.status === 'ACTIVE' || changesNothing(action)) return null;
  if (lifecycle.status === 'ARCHIVED') {
    return ARCHIVE_HOUSEKEEPING.some(([t, a]) => t === type && a === action) ? null : 'COHORT_ARCHIVED';
  }
  if (GOVERNANCE.includes(type)) return null;
  const spaceId = spaceOf(type, object);
  const inAlumniSpace = spaceId !== null && spaceId !== '' && spaceId === lifecycle.alumniSpaceId;
  return inAlumniSpace && action !== 'create' ? null : 'COHORT_CONCLUDED';
}
