import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { GUEST_ROLES } from './cohort-role.js';

/**
 * When a membership's access ends. A set `accessExpiresAt` always wins. Without one, a VENDOR, and
 * a SCHOLAR granted sessions but no space, keep access until their last granted session ends plus
 * the configured grace (a cancelled session counts only until it was cancelled); everyone else
 * keeps it until removed. A guest's access (SCHOLAR, VENDOR, OBSERVER) ends at the latest when the
 * cohort concludes. One SQL expression serves the
 * ability, the member list and invitations, so every path closes the window at the same moment.
 */
@Injectable()
export class AccessWindow {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The end of access of the membership row aliased `m`, or NULL for none. */
  endsAtSql(m: string): string {
    const grace = Math.trunc(this.config.expertAccessGraceSeconds);
    // least() ignores NULLs: the earlier of the membership's own end and the cohort's conclusion.
    return `least((CASE
      WHEN ${m}.access_expires_at IS NOT NULL THEN ${m}.access_expires_at
      WHEN ${m}.role = 'VENDOR' OR (${m}.role = 'SCHOLAR' AND cardinality(${m}.granted_space_ids) = 0)
        THEN (SELECT max(CASE WHEN s.state = 'CANCELLED' THEN least(s.updated_at, s.ends_at) ELSE s.ends_at END)
              FROM sessions s
              WHERE s.cohort_id = ${m}.cohort_id AND s.id = ANY(${m}.granted_session_ids))
             + make_interval(secs => ${grace})
    END), (SELECT c.concluded_at FROM cohorts c
            WHERE c.id = ${m}.cohort_id AND ${m}.role IN (${GUEST_ROLES.map((r) => `'${r}'`).join(', ')})))`;
  }

  /**
   * Whether the membership row aliased `m` is in force at `now`: a named parameter of a query
   * builder (`:windowNow` by default) or a positional one of raw SQL (`$3`).
   */
  inForceSql(m: string, now = ':windowNow'): string {
    return `(${m}.status = 'ACTIVE' AND (${this.endsAtSql(m)} IS NULL OR ${this.endsAtSql(m)} > ${now}))`;
  }

  /** A membership's end of access, read inside the caller's transaction. */
  async endsAt(manager: EntityManager, membershipId: string): Promise<Date | null> {
    const rows = await manager.query<{ ends_at: Date | null }[]>(
      `SELECT ${this.endsAtSql('m')} AS ends_at FROM memberships m WHERE m.id = $1`,
      [membershipId],
    );
    return rows[0]?.ends_at ?? null;
  }
}
