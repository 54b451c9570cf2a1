import { AuditEntryEntity } from '../src/insights/audit-entry.entity.js';
import { NeedEntity, NeedStatus, NeedSupportEntity } from '../src/needs/need.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { ThreadEntity, ThreadKind } from '../src/threads/thread.entity.js';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { type Actors, actorsIn, OUTSIDERS, type RoleOperation, roleTable, row } from './harness/role-table.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

// The contract's documents, exactly as clients send them (shared/contract/operations.graphql).
const SUBMIT_NEED = `mutation SubmitNeed($input: SubmitNeedInput!) {
  submitNeed(input: $input) { id title theme status supportCount }
}`;
const SUPPORT_NEED = `mutation SupportNeed($input: SupportNeedInput!) {
  supportNeed(input: $input) { id supportCount supportedByMe }
}`;
const NEEDS = `query Needs($cohortId: ID!) {
  needs(cohortId: $cohortId, first: 50) {
    edges { node { id title theme status supportCount } }
  }
}`;

const UNSUPPORT =
  'mutation ($input: SupportNeedInput!) { unsupportNeed(input: $input) { id supportCount supportedByMe } }';
const NEED = `query ($id: ID!) { need(id: $id) {
  id title description theme status supportCount supportedByMe createdAt submittedBy { displayName ministry country }
} }`;
const LIST = `query ($cohortId: ID!, $first: Int, $after: String, $status: NeedStatus, $unaddressedOnly: Boolean) {
  needs(cohortId: $cohortId, first: $first, after: $after, status: $status, unaddressedOnly: $unaddressedOnly) {
    edges { cursor node { id title status supportCount supportedByMe } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const LINK =
  'mutation ($needId: ID!, $threadId: ID!) { linkNeedToThread(needId: $needId, threadId: $threadId) { id status } }';

interface NeedNode {
  id: string;
  title: string;
  status: string;
  supportCount: number;
  supportedByMe: boolean;
}
interface NeedPage {
  needs: { edges: { cursor: string; node: NeedNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** A thread inserted directly: threads have their own specs. */
async function newThread(t: TestApp, cohortId: string, author: TestMember): Promise<string> {
  const space = await t.dataSource
    .getRepository(SpaceEntity)
    .save({ cohortId, title: 'Space', purpose: 'p', createdById: author.id });
  const thread = await t.dataSource.getRepository(ThreadEntity).save({
    cohortId,
    spaceId: space.id,
    authorMembershipId: author.membershipId,
    authorUserId: author.id,
    title: 'Teacher deployment in rural districts',
    body: 'What worked for you?',
    kind: ThreadKind.CHALLENGE,
    lastActivityAt: new Date(),
  });
  return thread.id;
}

describe('the needs-driven agenda', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;
  let member: TestMember;

  const submit = async (title: string, by: TestMember = member, theme = 'connectivity') =>
    (
      await t.ok<{ submitNeed: { id: string } }>(
        SUBMIT_NEED,
        { input: { cohortId, title, description: `Why ${title} matters`, theme } },
        by.token,
      )
    ).submitNeed.id;
  const support = (needId: string, by: TestMember) =>
    t.ok<{ supportNeed: { id: string; supportCount: number; supportedByMe: boolean } }>(
      SUPPORT_NEED,
      { input: { needId } },
      by.token,
    );
  const list = async (by: TestMember, variables: Record<string, unknown> = {}) =>
    (await t.ok<NeedPage>(LIST, { cohortId, first: 100, ...variables }, by.token)).needs;

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'ict', country: 'RW' });
    member = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance', country: 'KE' });
  });
  afterAll(() => t.close());

  // Each test that ranks needs gets a cohort of its own, so earlier tests do not move the order.
  const freshCohort = async () => {
    const cohort = (await newCohort(t)).id;
    const [f, m] = [
      await newMember(t, cohort, { role: 'FACILITATOR' }),
      await newMember(t, cohort, { role: 'MEMBER' }),
    ];
    return { cohort, f, m };
  };

  it('runs the contract documents as written', async () => {
    const submitted = await t.ok<{ submitNeed: Record<string, unknown> }>(
      SUBMIT_NEED,
      {
        input: {
          cohortId,
          title: '  Financing last-mile connectivity ',
          description: 'Schools beyond the backbone',
          theme: ' connectivity ',
        },
      },
      member.token,
    );
    const id = submitted.submitNeed.id as string;
    expect(submitted.submitNeed).toEqual({
      id,
      title: 'Financing last-mile connectivity',
      theme: 'connectivity',
      status: 'OPEN',
      supportCount: 0,
    });
    const supported = await t.ok<{ supportNeed: unknown }>(SUPPORT_NEED, { input: { needId: id } }, facilitator.token);
    expect(supported.supportNeed).toEqual({ id, supportCount: 1, supportedByMe: true });
    const listed = await t.ok<{ needs: { edges: { node: unknown }[] } }>(NEEDS, { cohortId }, member.token);
    expect(listed.needs.edges.map((e) => e.node)).toContainEqual({
      id,
      title: 'Financing last-mile connectivity',
      theme: 'connectivity',
      status: 'OPEN',
      supportCount: 1,
    });
  });

  it('ranks needs by support, most first, then oldest first', async () => {
    const { cohort, f, m } = await freshCohort();
    const others = [await newMember(t, cohort), await newMember(t, cohort)];
    const needIn = async (title: string) =>
      (
        await t.ok<{ submitNeed: { id: string } }>(
          SUBMIT_NEED,
          { input: { cohortId: cohort, title, description: 'd', theme: 'x' } },
          m.token,
        )
      ).submitNeed.id;
    const [, b, c] = [await needIn('A'), await needIn('B'), await needIn('C'), await needIn('D')];
    await support(c, others[0]);
    await support(c, others[1]);
    await support(b, f);
    const titles = (await t.ok<NeedPage>(LIST, { cohortId: cohort }, m.token)).needs.edges.map((e) => [
      e.node.title,
      e.node.supportCount,
    ]);
    expect(titles).toEqual([
      ['C', 2],
      ['B', 1],
      ['A', 0],
      ['D', 0],
    ]);
  });

  it('pages through the ranking with cursors, in the same order as one page', async () => {
    const { cohort, m } = await freshCohort();
    const supporters = [await newMember(t, cohort), await newMember(t, cohort)];
    const ids: string[] = [];
    for (const title of ['P1', 'P2', 'P3', 'P4', 'P5']) {
      ids.push(
        (
          await t.ok<{ submitNeed: { id: string } }>(
            SUBMIT_NEED,
            { input: { cohortId: cohort, title, description: 'd', theme: 'x' } },
            m.token,
          )
        ).submitNeed.id,
      );
    }
    // Ties on support at 2, 1 and 0, so the cursor has to carry all three parts of the key.
    for (const s of supporters) await support(ids[4], s);
    for (const s of supporters) await support(ids[2], s);
    await support(ids[1], supporters[0]);
    const whole = (await t.ok<NeedPage>(LIST, { cohortId: cohort, first: 100 }, m.token)).needs.edges.map(
      (e) => e.node.title,
    );
    expect(whole).toEqual(['P3', 'P5', 'P2', 'P1', 'P4']);
    const paged: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: NeedPage = await t.ok<NeedPage>(LIST, { cohortId: cohort, first: 2, after }, m.token);
      paged.push(...page.needs.edges.map((e) => e.node.title));
      if (!page.needs.pageInfo.hasNextPage) break;
      after = page.needs.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole);
  });

  it('refuses a forged or foreign-shaped cursor with BAD_USER_INPUT naming it', async () => {
    const timestampCursor = Buffer.from(JSON.stringify([new Date().toISOString(), member.id])).toString('base64url');
    for (const after of ['nonsense', timestampCursor]) {
      const res = await t.gql(LIST, { cohortId, after }, member.token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('says whether the caller supports each need, and who submitted it', async () => {
    const id = await submit('Data sharing agreements');
    await support(id, member);
    const seen = async (by: TestMember) => (await t.ok<{ need: Record<string, unknown> }>(NEED, { id }, by.token)).need;
    expect(await seen(member)).toMatchObject({
      supportedByMe: true,
      supportCount: 1,
      submittedBy: { displayName: member.displayName, ministry: 'finance', country: 'KE' },
    });
    expect(await seen(facilitator)).toMatchObject({ supportedByMe: false, submittedBy: { ministry: 'finance' } });
    const listed = (await list(facilitator)).edges.find((e) => e.node.id === id);
    expect(listed?.node.supportedByMe).toBe(false);
    expect((await list(member)).edges.find((e) => e.node.id === id)?.node.supportedByMe).toBe(true);
  });

  it('counts a member once: supporting again returns the need unchanged, and support can be withdrawn', async () => {
    const id = await submit('Spectrum for rural broadband');
    expect((await support(id, member)).supportNeed).toEqual({ id, supportCount: 1, supportedByMe: true });
    expect((await support(id, member)).supportNeed).toEqual({ id, supportCount: 1, supportedByMe: true });
    const withdrawn = await t.ok<{ unsupportNeed: unknown }>(UNSUPPORT, { input: { needId: id } }, member.token);
    expect(withdrawn.unsupportNeed).toEqual({ id, supportCount: 0, supportedByMe: false });
    const again = await t.ok<{ unsupportNeed: unknown }>(UNSUPPORT, { input: { needId: id } }, member.token);
    expect(again.unsupportNeed).toEqual({ id, supportCount: 0, supportedByMe: false });
  });

  it('does not double count concurrent supports', async () => {
    const id = await submit('Procurement of devices');
    await Promise.all(Array.from({ length: 5 }, () => support(id, member)));
    const supporters = await Promise.all(Array.from({ length: 5 }, () => newMember(t, cohortId)));
    await Promise.all(supporters.map((s) => support(id, s)));
    const need = await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id });
    expect(need.supportCount).toBe(6);
    expect(await t.dataSource.getRepository(NeedSupportEntity).countBy({ needId: id })).toBe(6);
    expect(
      await t.dataSource.getRepository(NeedSupportEntity).countBy({ needId: id, membershipId: member.membershipId }),
    ).toBe(1);
  });

  it('filters by status and leaves out addressed needs on request', async () => {
    const { cohort, f, m } = await freshCohort();
    const open = (
      await t.ok<{ submitNeed: { id: string } }>(
        SUBMIT_NEED,
        { input: { cohortId: cohort, title: 'Open one', description: 'd', theme: 'x' } },
        m.token,
      )
    ).submitNeed.id;
    const addressed = (
      await t.ok<{ submitNeed: { id: string } }>(
        SUBMIT_NEED,
        { input: { cohortId: cohort, title: 'Addressed one', description: 'd', theme: 'x' } },
        m.token,
      )
    ).submitNeed.id;
    await t.ok(LINK, { needId: addressed, threadId: await newThread(t, cohort, f) }, f.token);
    const ids = async (variables: Record<string, unknown>) =>
      (await t.ok<NeedPage>(LIST, { cohortId: cohort, ...variables }, m.token)).needs.edges.map((e) => e.node.id);
    expect(await ids({})).toEqual([open, addressed]);
    expect(await ids({ unaddressedOnly: true })).toEqual([open]);
    expect(await ids({ status: 'ADDRESSED' })).toEqual([addressed]);
    expect(await ids({ status: 'OPEN' })).toEqual([open]);
  });

  it('links a need to a thread of its cohort, marks it ADDRESSED and audits it', async () => {
    const id = await submit('Curriculum for digital skills');
    const threadId = await newThread(t, cohortId, member);
    const res = await t.ok<{ linkNeedToThread: unknown }>(LINK, { needId: id, threadId }, facilitator.token);
    expect(res.linkNeedToThread).toEqual({ id, status: 'ADDRESSED' });
    expect(await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id })).toMatchObject({
      linkedThreadId: threadId,
      status: NeedStatus.ADDRESSED,
    });
    const audit = await t.dataSource
      .getRepository(AuditEntryEntity)
      .findOneByOrFail({ action: 'need.linked', subjectId: id });
    expect(audit).toMatchObject({ cohortId, actorId: facilitator.id, subjectType: 'Need', details: { threadId } });
  });

  it('answers NOT_FOUND for a thread of another cohort, and changes nothing', async () => {
    const id = await submit('Interoperability standards');
    const other = await newCohort(t);
    const otherThread = await newThread(t, other.id, await newMember(t, other.id, { role: 'FACILITATOR' }));
    expect(await t.errorCode(LINK, { needId: id, threadId: otherThread }, facilitator.token)).toBe('NOT_FOUND');
    expect(await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id })).toMatchObject({
      linkedThreadId: null,
      status: NeedStatus.OPEN,
    });
  });

  it('audits a refused support as access.denied', async () => {
    const id = await submit('Open data portals');
    const scholar = await newMember(t, cohortId, { role: 'SCHOLAR' });
    expect(await t.errorCode(SUPPORT_NEED, { input: { needId: id } }, scholar.token)).toBe('NOT_FOUND');
    const denied = await t.dataSource
      .getRepository(AuditEntryEntity)
      .findOneByOrFail({ action: 'access.denied', actorId: scholar.id, subjectId: id });
    expect(denied.details).toMatchObject({ attempted: 'support' });
  });

  it.each([
    ['an empty title', 'title', { title: '' }],
    ['a blank title', 'title', { title: '   ' }],
    ['a title of 201 characters', 'title', { title: 'x'.repeat(201) }],
    ['an empty description', 'description', { description: '' }],
    ['a description of 8001 characters', 'description', { description: 'x'.repeat(8001) }],
    ['an empty theme', 'theme', { theme: '' }],
    ['a theme of 81 characters', 'theme', { theme: 'x'.repeat(81) }],
    ['a cohort id that is no id', 'cohortId', { cohortId: 'not-an-id' }],
  ])('refuses %s, naming %s, and stores nothing', async (_label, field, bad) => {
    const before = await t.dataSource.getRepository(NeedEntity).countBy({ cohortId });
    const input = { cohortId, title: 'ok', description: 'ok', theme: 'ok', ...bad };
    const res = await t.gql(SUBMIT_NEED, { input }, member.token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await t.dataSource.getRepository(NeedEntity).countBy({ cohortId })).toBe(before);
  });

  it('accepts the longest title, description and theme', async () => {
    const input = { cohortId, title: 'x'.repeat(200), description: 'y'.repeat(8000), theme: 'z'.repeat(80) };
    const res = await t.ok<{ submitNeed: { theme: string } }>(SUBMIT_NEED, { input }, member.token);
    expect(res.submitNeed.theme).toHaveLength(80);
  });
});

/**
 * The contract's role table for needs: every kind of caller against every operation, asserting the
 * exact outcome and, for refused writes, that nothing changed.
 */
interface Fixture extends Actors {
  needId: string;
  threadId: string;
}

const FULL_MEMBERS = { FACILITATOR: 'ok', MEMBER: 'ok' } as const;

const supportState = async (t: TestApp, f: Fixture) => ({
  count: (await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: f.needId })).supportCount,
  rows: await t.dataSource.getRepository(NeedSupportEntity).countBy({ needId: f.needId }),
});

const OPERATIONS: RoleOperation<Fixture>[] = [
  {
    name: 'submitNeed',
    expected: row({ ...FULL_MEMBERS, ...OUTSIDERS }, 'FORBIDDEN'),
    run: (t, f, token) =>
      t.gql(
        SUBMIT_NEED,
        { input: { cohortId: f.cohortId, title: 'Teacher deployment', description: 'Rural postings', theme: 'staff' } },
        token,
      ),
    state: (t, f) => t.dataSource.getRepository(NeedEntity).countBy({ cohortId: f.cohortId }),
  },
  {
    // Only full members read needs: anyone else learns nothing about one, not even that it exists.
    name: 'supportNeed',
    expected: row(FULL_MEMBERS, 'NOT_FOUND'),
    run: (t, f, token) => t.gql(SUPPORT_NEED, { input: { needId: f.needId } }, token),
    state: supportState,
  },
  {
    name: 'unsupportNeed',
    expected: row(FULL_MEMBERS, 'NOT_FOUND'),
    // Every membership in the cohort supports the need, so an allowed withdrawal shows.
    async prepare(t, f) {
      const memberships = Object.values(f.memberships);
      await t.dataSource
        .getRepository(NeedSupportEntity)
        .insert(memberships.map((membershipId) => ({ needId: f.needId, membershipId })));
      await t.dataSource.getRepository(NeedEntity).update({ id: f.needId }, { supportCount: memberships.length });
    },
    run: (t, f, token) => t.gql(UNSUPPORT, { input: { needId: f.needId } }, token),
    state: supportState,
  },
  {
    name: 'needs',
    expected: row({ ...FULL_MEMBERS, ...OUTSIDERS }, 'empty'),
    run: (t, f, token) => t.gql(NEEDS, { cohortId: f.cohortId }, token),
    count: (data) => (data as NeedPage).needs.edges.length,
  },
  {
    name: 'need',
    expected: row(FULL_MEMBERS, 'NOT_FOUND'),
    run: (t, f, token) => t.gql(NEED, { id: f.needId }, token),
  },
  {
    name: 'linkNeedToThread',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, 'NOT_FOUND'),
    run: (t, f, token) => t.gql(LINK, { needId: f.needId, threadId: f.threadId }, token),
    state: (t, f) =>
      t.dataSource
        .getRepository(NeedEntity)
        .findOneByOrFail({ id: f.needId })
        .then((n) => ({ status: n.status, linkedThreadId: n.linkedThreadId })),
  },
];

async function fixture(t: TestApp): Promise<Fixture> {
  const actors = await actorsIn(t);
  const cohort = { id: actors.cohortId };
  const author = await newMember(t, cohort.id, { role: 'MEMBER' });
  const need = await t.dataSource.getRepository(NeedEntity).save({
    cohortId: cohort.id,
    title: 'Financing school connectivity',
    description: 'Backbone reaches the district, not the schools',
    theme: 'connectivity',
    submittedByMembershipId: author.membershipId,
    submittedByUserId: author.id,
  });
  return { ...actors, needId: need.id, threadId: await newThread(t, cohort.id, author) };
}

roleTable('needs by role', OPERATIONS, fixture);
