import { NeedEntity, NeedStatus } from '../src/needs/need.entity.js';
import { SessionEntity, SessionRsvpEntity, RsvpStatus } from '../src/sessions/session.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { PostEntity } from '../src/threads/post.entity.js';
import { ThreadEntity, ThreadKind } from '../src/threads/thread.entity.js';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { type Actors, actorsIn, OUTSIDERS, type RoleOperation, roleTable, row } from './harness/role-table.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

// The contract's document, exactly as clients send it (shared/contract/operations.graphql).
const COHORT_INSIGHTS = `query CohortInsights($cohortId: ID!) {
  cohortInsights(cohortId: $cohortId) {
    activeMembers
    crossMinistryReplyRate
    crossCountryReplyRate
    needsAddressedRate
  }
}`;

const BREAKDOWNS = `query ($cohortId: ID!) {
  cohortInsights(cohortId: $cohortId, weeks: 2) {
    breakdownsWithheld
    participationByMinistry { week group members contributions suppressed }
    participationByCountry { week group members contributions suppressed }
    replyMatrix { fromMinistry toMinistry replies suppressed }
    needsByWeek { week submitted addressed suppressed }
    sessionAttendance { week sessions going suppressed }
  }
}`;

interface Breakdowns {
  breakdownsWithheld: boolean;
  participationByMinistry: {
    group: string;
    members: number | null;
    contributions: number | null;
    suppressed: boolean;
  }[];
  participationByCountry: {
    group: string;
    members: number | null;
    contributions: number | null;
    suppressed: boolean;
  }[];
  replyMatrix: { fromMinistry: string; toMinistry: string; replies: number | null; suppressed: boolean }[];
  needsByWeek: { submitted: number | null; addressed: number | null; suppressed: boolean }[];
  sessionAttendance: { sessions: number; going: number | null; suppressed: boolean }[];
}

/**
 * A constructed cohort with known answers. Thread by A1 (finance, KE); replies:
 *  1 B1 (education, SN) → thread   2 B2 (education, SN) → thread   3 C1 (ict, KE) → thread
 *  4 A2 (finance, KE) → thread     5 A3 → reply 1   6 A1 → reply 1   7 A2 → reply 1
 * Cross-ministry: 1, 2, 3, 5, 6, 7 = 6 of 7. Cross-country: 1, 2, 5, 6, 7 = 5 of 7.
 * Needs by A1, A2, B1 and C2 (ict, KE, since removed); one ADDRESSED: 1 of 4.
 * Active (in force, contributed in 28 days): A1, A2, A3, B1, B2, C1 = 6; C2 is removed.
 */
describe('cohort insights on a constructed cohort', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'planning', country: 'RW' });
    const m = async (ministry: string, country: string, status: 'ACTIVE' | 'REMOVED' = 'ACTIVE') =>
      newMember(t, cohortId, { ministry, country, status });
    const [a1, a2, a3] = [await m('finance', 'KE'), await m('finance', 'KE'), await m('finance', 'KE')];
    const [b1, b2] = [await m('education', 'SN'), await m('education', 'SN')];
    const c1 = await m('ict', 'KE');
    const c2 = await m('ict', 'KE', 'REMOVED');
    const space = await t.dataSource
      .getRepository(SpaceEntity)
      .save({ cohortId, title: 'Clinic', purpose: 'p', createdById: facilitator.id });
    const thread = await t.dataSource.getRepository(ThreadEntity).save({
      cohortId,
      spaceId: space.id,
      authorMembershipId: a1.membershipId,
      authorUserId: a1.id,
      title: 'Payroll',
      body: 'b',
      kind: ThreadKind.CHALLENGE,
      lastActivityAt: new Date(),
    });
    const post = (author: TestMember, parentId: string | null = null) =>
      t.dataSource.getRepository(PostEntity).save({
        cohortId,
        threadId: thread.id,
        parentId,
        authorMembershipId: author.membershipId,
        authorUserId: author.id,
        body: 'r',
      });
    const first = await post(b1);
    for (const author of [b2, c1, a2]) await post(author);
    for (const author of [a3, a1, a2]) await post(author, first.id);
    for (const [author, status] of [
      [a1, NeedStatus.ADDRESSED],
      [a2, NeedStatus.OPEN],
      [b1, NeedStatus.OPEN],
      [c2, NeedStatus.OPEN],
    ] as const) {
      await t.dataSource.getRepository(NeedEntity).save({
        cohortId,
        title: 'n',
        description: 'd',
        theme: 't',
        status,
        submittedByMembershipId: author.membershipId,
        submittedByUserId: author.id,
      });
    }
    const weekStart = `date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 minute'`;
    for (const table of ['threads', 'posts', 'needs']) {
      await t.dataSource.query(`UPDATE ${table} SET created_at = ${weekStart} WHERE cohort_id = $1`, [cohortId]);
    }
    // One session this week with three members going, one with two going.
    for (const going of [
      [a1, a2, b1],
      [a3, c1],
    ]) {
      const session = await t.dataSource.getRepository(SessionEntity).save({
        cohortId,
        title: 's',
        abstract: 'a',
        startsAt: new Date(),
        endsAt: new Date(Date.now() + 3_600_000),
        goingCount: going.length,
        createdById: facilitator.id,
      });
      await t.dataSource.query(
        `UPDATE sessions SET starts_at = ${weekStart}, ends_at = ${weekStart} + interval '1 hour' WHERE id = $1`,
        [session.id],
      );
      for (const who of going) {
        await t.dataSource
          .getRepository(SessionRsvpEntity)
          .save({ cohortId, sessionId: session.id, membershipId: who.membershipId, status: RsvpStatus.GOING });
      }
    }
  });
  afterAll(() => t.close());

  it('reproduces the hand-computed figures of the contract document', async () => {
    const data = await t.ok<{ cohortInsights: Record<string, number> }>(
      COHORT_INSIGHTS,
      { cohortId },
      facilitator.token,
    );
    expect(data.cohortInsights).toEqual({
      activeMembers: 6,
      crossMinistryReplyRate: 6 / 7,
      crossCountryReplyRate: 5 / 7,
      needsAddressedRate: 1 / 4,
    });
  });

  it('suppresses every breakdown cell built from fewer than three members', async () => {
    const { cohortInsights: b } = await t.ok<{ cohortInsights: Breakdowns }>(
      BREAKDOWNS,
      { cohortId },
      facilitator.token,
    );
    expect(b.breakdownsWithheld).toBe(false);
    const cells = (list: Breakdowns['participationByMinistry']) =>
      Object.fromEntries(list.map((c) => [c.group, [c.members, c.contributions, c.suppressed]]));
    // finance: A1 (thread, reply, need), A2 (2 replies, need), A3 (reply) = 3 members, 7 contributions.
    expect(cells(b.participationByMinistry)).toEqual({
      finance: [3, 7, false],
      education: [null, null, true],
      ict: [null, null, true],
    });
    // KE: A1–A3, C1, C2 = 5 members; 7 + C1's reply + C2's need = 9.
    expect(cells(b.participationByCountry)).toEqual({ KE: [5, 9, false], SN: [null, null, true] });
    const flows = Object.fromEntries(b.replyMatrix.map((c) => [`${c.fromMinistry}>${c.toMinistry}`, c.replies]));
    expect(flows).toEqual({
      'education>finance': null,
      'finance>education': 3,
      'finance>finance': null,
      'ict>finance': null,
    });
    expect(b.needsByWeek.at(-1)).toMatchObject({ submitted: 4, addressed: 1, suppressed: false });
    expect(b.needsByWeek[0]).toMatchObject({ submitted: 0, addressed: 0, suppressed: false });
    // Two sessions this week: five GOING answers from five members.
    expect(b.sessionAttendance.at(-1)).toMatchObject({ sessions: 2, going: 5, suppressed: false });
  });

  it('gives no breakdown by ministry or country under the ANONYMOUS rule', async () => {
    await t.dataSource.query(
      `UPDATE charter_versions v SET attribution = 'ANONYMOUS' FROM cohorts c
        WHERE c.id = v.cohort_id AND v.version = c.charter_version AND c.id = $1`,
      [cohortId],
    );
    try {
      const { cohortInsights: b } = await t.ok<{ cohortInsights: Breakdowns }>(
        BREAKDOWNS,
        { cohortId },
        facilitator.token,
      );
      expect(b).toMatchObject({
        breakdownsWithheld: true,
        participationByMinistry: [],
        participationByCountry: [],
        replyMatrix: [],
      });
    } finally {
      await t.dataSource.query(
        `UPDATE charter_versions v SET attribution = 'CHATHAM_HOUSE' FROM cohorts c
          WHERE c.id = v.cohort_id AND v.version = c.charter_version AND c.id = $1`,
        [cohortId],
      );
    }
  });
});

const OPERATIONS: RoleOperation<Actors>[] = [
  {
    name: 'cohortInsights',
    expected: row({ FACILITATOR: 'ok', ...OUTSIDERS }, 'FORBIDDEN'),
    run: (t, f, token) => t.gql(COHORT_INSIGHTS, { cohortId: f.cohortId }, token),
  },
];

roleTable('cohort insights by role', OPERATIONS, actorsIn);
