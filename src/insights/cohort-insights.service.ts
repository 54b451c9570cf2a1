import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Attribution } from '../charter/charter-policy.js';
import { CharterPolicyService } from '../charter/charter-policy.service.js';
import { AccessWindow } from '../cohorts/access-window.js';
import { AccessService, asSubject } from '../cohorts/access.service.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { Clock } from '../common/clock.js';
import type { AuthUser } from '../common/request-context.js';
import type { CohortInsightsModel, ParticipationCellModel } from './dto/cohort-insights.model.js';

/** The smallest number of members a published cell may be built from (k-anonymity). */
export const MIN_CELL_MEMBERS = 3;
const ACTIVE_DAYS = 28;
const DAY_MS = 86_400_000;

/** Every contribution of a cohort's members ($1: the cohort): who, and when. */
const CONTRIBUTIONS = `contributions AS (
  SELECT author_membership_id AS membership_id, created_at FROM threads WHERE cohort_id = $1
  UNION ALL SELECT author_membership_id, created_at FROM posts WHERE cohort_id = $1
  UNION ALL SELECT author_membership_id, created_at FROM session_questions WHERE cohort_id = $1
  UNION ALL SELECT submitted_by_membership_id, created_at FROM needs WHERE cohort_id = $1
  UNION ALL SELECT s.membership_id, s.created_at FROM need_supports s JOIN needs n ON n.id = s.need_id
             WHERE n.cohort_id = $1
)`;

/**
 * Each reply with its author's membership (`am`) and the membership of whoever it answers (`tm`):
 * the post it replies to, or else the thread's author.
 */
const REPLIES = `FROM posts p
  JOIN memberships am ON am.id = p.author_membership_id
  JOIN threads t ON t.id = p.thread_id
  LEFT JOIN posts pp ON pp.id = p.parent_id
  JOIN memberships tm ON tm.id = COALESCE(pp.author_membership_id, t.author_membership_id)
 WHERE p.cohort_id = $1`;

/** Monday 00:00 UTC of the week of a timestamp column. */
const WEEK = (column: string) => `(date_trunc('week', ${column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;

const suppress = (members: number): boolean => members > 0 && members < MIN_CELL_MEMBERS;
const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/**
 * Cohort insights for facilitators: whether members take part and whether replies cross
 * ministries and countries. Aggregates only, each cell from at least three members; under the
 * ANONYMOUS rule no breakdown by ministry or country at all.
 */
@Injectable()
export class CohortInsightsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly policy: CharterPolicyService,
    private readonly window: AccessWindow,
    private readonly clock: Clock,
  ) {}

  async insights(user: AuthUser, cohortId: string, weeks: number): Promise<CohortInsightsModel> {
    const { cohort } = await this.cohorts.getReadable(user, cohortId);
    await this.access.authorize(
      user,
      'read',
      'Insights',
      { cohortId: cohort.id },
      cohort.id,
      asSubject('Cohort', { id: cohort.id }),
    );
    const now = this.clock.now();
    const { attribution } = await this.policy.current(cohort.id);
    const withheld = attribution === Attribution.ANONYMOUS;
    const [thisWeek] = await this.dataSource.query<{ week: Date }[]>(`SELECT ${WEEK('$1::timestamptz')} AS week`, [
      now,
    ]);
    const from = new Date(thisWeek.week.getTime() - (weeks - 1) * 7 * DAY_MS);
    const [totals, replies, needs] = [
      await this.activeMembers(cohort.id, now),
      await this.replyRates(cohort.id),
      await this.needRate(cohort.id),
    ];
    return {
      activeMembers: totals,
      crossMinistryReplyRate: rate(replies.crossMinistry, replies.replies),
      crossCountryReplyRate: rate(replies.crossCountry, replies.replies),
      needsAddressedRate: rate(needs.addressed, needs.total),
      weeks,
      breakdownsWithheld: withheld,
      participationByMinistry: withheld ? [] : await this.participation(cohort.id, from, 'ministry'),
      participationByCountry: withheld ? [] : await this.participation(cohort.id, from, 'country'),
      replyMatrix: withheld ? [] : await this.replyMatrix(cohort.id, from),
      needsByWeek: await this.needsByWeek(cohort.id, from, thisWeek.week),
      sessionAttendance: await this.attendance(cohort.id, from, thisWeek.week),
    };
  }

  private async activeMembers(cohortId: string, now: Date): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `WITH ${CONTRIBUTIONS}
       SELECT count(DISTINCT c.membership_id)::int AS n
         FROM contributions c JOIN memberships m ON m.id = c.membership_id
        WHERE c.created_at > $2 AND ${this.window.inForceSql('m', '$3')}`,
      [cohortId, new Date(now.getTime() - ACTIVE_DAYS * DAY_MS), now],
    );
    return row.n;
  }

  private async replyRates(cohortId: string) {
    const [row] = await this.dataSource.query<{ replies: number; cross_ministry: number; cross_country: number }[]>(
      `SELECT count(*)::int AS replies,
              (count(*) FILTER (WHERE am.ministry <> tm.ministry))::int AS cross_ministry,
              (count(*) FILTER (WHERE am.country <> tm.country))::int AS cross_country
         ${REPLIES}`,
      [cohortId],
    );
    return { replies: row.replies, crossMinistry: row.cross_ministry, crossCountry: row.cross_country };
  }

  private async needRate(cohortId: string) {
    const [row] = await this.dataSource.query<{ total: number; addressed: number }[]>(
      `SELECT count(*)::int AS total, (count(*) FILTER (WHERE status = 'ADDRESSED'))::int AS addressed
         FROM needs WHERE cohort_id = $1`,
      [cohortId],
    );
    return row;
  }

  private async participation(
    cohortId: string,
    from: Date,
    by: 'ministry' | 'country',
  ): Promise<ParticipationCellModel[]> {
    const rows = await this.dataSource.query<{ week: Date; grp: string; members: number; contributions: number }[]>(
      `WITH ${CONTRIBUTIONS}
       SELECT ${WEEK('c.created_at')} AS week, trim(m.${by}) AS grp,
              count(DISTINCT c.membership_id)::int AS members, count(*)::int AS contributions
         FROM contributions c JOIN memberships m ON m.id = c.membership_id
        WHERE c.created_at >= $2
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [cohortId, from],
    );
    return rows.map((row) => {
      const suppressed = suppress(row.members);
      return {
        week: row.week,
        group: row.grp,
        members: suppressed ? null : row.members,
        contributions: suppressed ? null : row.contributions,
        suppressed,
      };
    });
  }

  private async replyMatrix(cohortId: string, from: Date) {
    const rows = await this.dataSource.query<
      { from_ministry: string; to_ministry: string; replies: number; repliers: number }[]
    >(
      `SELECT am.ministry AS from_ministry, tm.ministry AS to_ministry, count(*)::int AS replies,
              count(DISTINCT p.author_membership_id)::int AS repliers
         ${REPLIES} AND p.created_at >= $2
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [cohortId, from],
    );
    return rows.map((row) => {
      const suppressed = suppress(row.repliers);
      return {
        fromMinistry: row.from_ministry,
        toMinistry: row.to_ministry,
        replies: suppressed ? null : row.replies,
        suppressed,
      };
    });
  }

  private async needsByWeek(cohortId: string, from: Date, last: Date) {
    const rows = await this.dataSource.query<
      { week: Date; submitted: number; addressed: number; submitters: number }[]
    >(
      `SELECT w.week, count(n.id)::int AS submitted,
              (count(n.id) FILTER (WHERE n.status = 'ADDRESSED'))::int AS addressed,
              count(DISTINCT n.submitted_by_membership_id)::int AS submitters
         FROM generate_series($2::timestamptz, $3::timestamptz, interval '1 week') AS w(week)
         LEFT JOIN needs n ON n.cohort_id = $1 AND ${WEEK('n.created_at')} = w.week
        GROUP BY w.week ORDER BY w.week`,
      [cohortId, from, last],
    );
    return rows.map((row) => {
      const suppressed = suppress(row.submitters);
      return {
        week: row.week,
        submitted: suppressed ? null : row.submitted,
        addressed: suppressed ? null : row.addressed,
        suppressed,
      };
    });
  }

  private async attendance(cohortId: string, from: Date, last: Date) {
    const rows = await this.dataSource.query<{ week: Date; sessions: number; going: number; members: number }[]>(
      `SELECT w.week, count(DISTINCT s.id)::int AS sessions, count(r.id)::int AS going,
              count(DISTINCT r.membership_id)::int AS members
         FROM generate_series($2::timestamptz, $3::timestamptz, interval '1 week') AS w(week)
         LEFT JOIN sessions s ON s.cohort_id = $1 AND s.state <> 'CANCELLED' AND ${WEEK('s.starts_at')} = w.week
         LEFT JOIN session_rsvps r ON r.session_id = s.id AND r.status = 'GOING'
        GROUP BY w.week ORDER BY w.week`,
      [cohortId, from, last],
    );
    return rows.map((row) => {
      const suppressed = suppress(row.members);
      return { week: row.week, sessions: row.sessions, going: suppressed ? null : row.going, suppressed };
    });
  }
}
