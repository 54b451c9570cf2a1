import { Attribution, Permission, VendorAccess } from '../charter/charter-policy.js';
import type { AuthUser } from '../common/request-context.js';
import type { ActorMembership, CohortLifecycle, CohortRole } from '../authz/subjects.js';

/** A caller's membership with the charter in force in its cohort, as the ability reads it. */
export interface ActorMembershipRow {
  id: string;
  cohort_id: string;
  role: CohortRole;
  status: 'ACTIVE' | 'REMOVED';
  /** A Date, or its ISO text when the row came through JSON. */
  access_expires_at: Date | string | null;
  ministry: string;
  granted_space_ids: string[];
  granted_session_ids: string[];
  charter_accepted: boolean;
  attribution: Attribution;
  charter_version: number;
  /** The membership's last change, as epoch seconds in text (microseconds kept). */
  changed_at: string;
  observers: Permission;
  vendor_access: VendorAccess;
  cohort_status: CohortLifecycle['status'];
  alumni_space_id: string | null;
}

/**
 * Every membership of the user `userIdSql` names, each with the charter in force in its cohort:
 * the policy shapes the rules, and content waits until the member has accepted the current
 * version. `endsAtSql` is the access window's end for the membership row aliased `m`.
 */
export function actorMembershipsSql(userIdSql: string, endsAtSql: (m: string) => string): string {
  return `SELECT m.id, m.cohort_id, m.role, m.status, ${endsAtSql('m')} AS access_expires_at, m.ministry,
                 m.granted_space_ids, m.granted_session_ids,
                 m.accepted_charter_version >= c.charter_version AS charter_accepted,
                 v.attribution, c.charter_version, extract(epoch FROM m.updated_at)::text AS changed_at,
                 v.observers, v.vendor_access, c.status AS cohort_status, c.alumni_space_id
            FROM memberships m
            JOIN cohorts c ON c.id = m.cohort_id
            JOIN charter_versions v ON v.cohort_id = m.cohort_id AND v.version = c.charter_version
           WHERE m.user_id = ${userIdSql}`;
}

export function toActorMembership(row: ActorMembershipRow): ActorMembership {
  return {
    id: row.id,
    cohortId: row.cohort_id,
    role: row.role,
    status: row.status,
    accessExpiresAt: row.access_expires_at === null ? null : new Date(row.access_expires_at),
    ministry: row.ministry,
    grantedSpaceIds: row.granted_space_ids,
    grantedSessionIds: row.granted_session_ids,
    charterAccepted: row.charter_accepted,
    attribution: row.attribution,
    revision: { charterVersion: row.charter_version, changedAt: row.changed_at },
    observersAllowed: row.observers === Permission.ALLOWED,
    vendorsShutOut: row.vendor_access === VendorAccess.NONE,
    cohort: { status: row.cohort_status, alumniSpaceId: row.alumni_space_id },
  };
}

/**
 * Memberships read in the same statement as the caller's token, handed to the ability once so
 * the request does not read them again. Keyed by the request's own `AuthUser` object: a copy
 * (as a recheck makes) is not in here and reads them afresh.
 */
const preloaded = new WeakMap<AuthUser, ActorMembershipRow[]>();

export function preloadMemberships(user: AuthUser, rows: ActorMembershipRow[]): void {
  preloaded.set(user, rows);
}

/** The preloaded rows, once; later loads (after `forget`) read the database. */
export function takePreloadedMemberships(user: AuthUser): ActorMembershipRow[] | undefined {
  const rows = preloaded.get(user);
  preloaded.delete(user);
  return rows;
}
