import { jest } from '@jest/globals';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { AuditEntryEntity } from '../src/insights/audit-entry.entity.js';
import { PostEntity } from '../src/threads/post.entity.js';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { OutboxDispatcher } from '../src/realtime/dispatcher.service.js';

const START =
  'mutation StartThread($input: StartThreadInput!) { startThread(input: $input) { id title kind status author { displayName ministry country } } }';
const REPLY =
  'mutation Reply($input: ReplyInput!) { reply(input: $input) { id body parent { id } author { displayName ministry country } } }';
const THREAD = `query Thread($id: ID!) { thread(id: $id) { id title body kind status attribution author { displayName ministry country }
  posts(first: 50) { edges { cursor node { id body createdAt isInsight parent { id } author { displayName ministry country } } } pageInfo { hasNextPage endCursor } } } }`;
const THREADS =
  'query Threads($spaceId: ID!, $first: Int, $after: String) { threads(spaceId: $spaceId, first: $first, after: $after) { edges { cursor node { id title status replyCount lastActivityAt } } pageInfo { hasNextPage endCursor } } }';

type Author = { displayName: string; ministry: string | null; country: string | null } | null;
type ThreadData = {
  thread: {
    attribution: string;
    author: Author;
    posts: { edges: { node: { id: string; body: string | null; parent: { id: string } | null; author: Author } }[] };
  };
};

describe('threads and posts', () => {
  let t: TestApp;
  let cohortId: string;
  let spaceId: string;
  let facilitator: TestMember;
  let member: TestMember;
  let other: TestMember;

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'ict', country: 'RW' });
    member = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance', country: 'KE' });
    other = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'education', country: 'GH' });
    spaceId = (
      await t.ok<{ createSpace: { id: string } }>(
        'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
        { input: { cohortId, title: 'Digital public finance', purpose: 'IFMIS reforms' } },
        facilitator.token,
      )
    ).createSpace.id;
  });
  afterAll(() => t.close());

  const start = async (token = member.token, title = 'Moving payroll onto IFMIS') =>
    (
      await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId, title, body: 'Where did you start?', kind: 'CHALLENGE' } },
        token,
      )
    ).startThread.id;
  const reply = async (threadId: string, token: string, parentId?: string) =>
    (
      await t.ok<{ reply: { id: string } }>(
        REPLY,
        { input: { threadId, body: 'We piloted in one ministry.', parentId } },
        token,
      )
    ).reply.id;

  it('runs the contract documents and attributes under the default Chatham House rule', async () => {
    const threadId = await start();
    const first = await reply(threadId, other.token);
    await reply(threadId, facilitator.token, first);
    const seen = await t.ok<ThreadData>(THREAD, { id: threadId }, other.token);
    expect(seen.thread.attribution).toBe('CHATHAM_HOUSE');
    expect(seen.thread.author).toEqual({ displayName: member.displayName, ministry: 'finance', country: 'KE' });
    expect(seen.thread.posts.edges.map((e) => e.node.parent?.id ?? null)).toEqual([null, first]);
  });

  it('hides authors from a granted scholar under Chatham House', async () => {
    const threadId = await start();
    await reply(threadId, other.token);
    const scholar = await newMember(t, cohortId, { role: 'SCHOLAR' });
    const { MembershipEntity } = await import('../src/cohorts/membership.entity.js');
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: scholar.membershipId }, { grantedSpaceIds: [spaceId] });
    const seen = await t.ok<ThreadData>(THREAD, { id: threadId }, scholar.token);
    expect(seen.thread.author).toBeNull();
    expect(seen.thread.posts.edges.map((e) => e.node.author)).toEqual([null]);
  });

  it('withholds a hidden post from members but not from facilitators, and audits it', async () => {
    const threadId = await start();
    const postId = await reply(threadId, other.token);
    await t.ok(
      'mutation ($input: HidePostInput!) { hidePost(input: $input) { id hidden } }',
      { input: { postId, reason: 'Names a supplier' } },
      facilitator.token,
    );
    const q = 'query ($id: ID!) { thread(id: $id) { posts { edges { node { id body hidden hiddenReason } } } } }';
    type Hidden = {
      thread: { posts: { edges: { node: { body: string | null; hidden: boolean; hiddenReason: string | null } }[] } };
    };
    const asMember = await t.ok<Hidden>(q, { id: threadId }, member.token);
    expect(asMember.thread.posts.edges[0].node).toEqual({ id: postId, body: null, hidden: true, hiddenReason: null });
    const asFacilitator = await t.ok<Hidden>(q, { id: threadId }, facilitator.token);
    expect(asFacilitator.thread.posts.edges[0].node).toMatchObject({
      body: 'We piloted in one ministry.',
      hiddenReason: 'Names a supplier',
    });
    expect(
      await t.dataSource.getRepository(AuditEntryEntity).countBy({ subjectId: postId, action: 'post.hidden' }),
    ).toBe(1);
  });

  it('refuses replies to a locked thread and parents from another thread', async () => {
    const threadId = await start();
    const elsewhere = await reply(await start(), member.token);
    const bad = await t.gql(REPLY, { input: { threadId, body: 'x', parentId: elsewhere } }, member.token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentId' });
    await t.ok('mutation ($id: ID!) { lockThread(threadId: $id) { id } }', { id: threadId }, facilitator.token);
    const locked = await t.gql(REPLY, { input: { threadId, body: 'x' } }, member.token);
    expect(locked.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'THREAD_LOCKED' });
    expect(await t.dataSource.getRepository(PostEntity).countBy({ threadId })).toBe(0);
  });

  it.each([
    ['a blank title', { title: '   ' }, 'title'],
    ['a body over 20,000 characters', { body: 'x'.repeat(20_001) }, 'body'],
    ['an unknown kind', { kind: 'RANT' }, 'input'],
    ['a tag with markup', { tags: ['<script>'] }, 'tags'],
  ])('refuses a thread with %s', async (_label, bad, field) => {
    const res = await t.gql(
      START,
      { input: { spaceId, title: 'ok', body: 'ok', kind: 'QUESTION', ...bad } },
      member.token,
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    if (field !== 'input') expect(res.errors?.[0].extensions?.field).toBe(field);
  });

  it('lets the author resolve with an accepted post, and keeps the edit history for facilitators', async () => {
    const threadId = await start();
    const postId = await reply(threadId, member.token);
    await t.ok(
      'mutation ($input: EditPostInput!) { editPost(input: $input) { id } }',
      { input: { postId, body: 'Corrected figures' } },
      member.token,
    );
    const resolved = await t.ok<{ resolveThread: { status: string } }>(
      'mutation ResolveThread($input: ResolveThreadInput!) { resolveThread(input: $input) { id status } }',
      { input: { threadId, acceptedPostId: postId } },
      member.token,
    );
    expect(resolved.resolveThread.status).toBe('RESOLVED');
    const q =
      'query ($id: ID!) { thread(id: $id) { acceptedPostId posts { edges { node { body revisions { body } } } } } }';
    type R = {
      thread: { acceptedPostId: string; posts: { edges: { node: { body: string; revisions: { body: string }[] } }[] } };
    };
    expect((await t.ok<R>(q, { id: threadId }, facilitator.token)).thread.posts.edges[0].node.revisions).toEqual([
      { body: 'We piloted in one ministry.' },
    ]);
    expect((await t.ok<R>(q, { id: threadId }, other.token)).thread.posts.edges[0].node).toEqual({
      body: 'Corrected figures',
      revisions: [],
    });
  });

  it('orders threads by last activity and counts replies', async () => {
    const older = await start(member.token, 'older');
    const newer = await start(member.token, 'newer');
    await reply(older, other.token);
    const page = await t.ok<{ threads: { edges: { node: { id: string; replyCount: number } }[] } }>(
      THREADS,
      { spaceId, first: 2 },
      member.token,
    );
    expect(page.threads.edges.map((e) => e.node.id)).toEqual([older, newer]);
    expect(page.threads.edges[0].node.replyCount).toBe(1);
  });

  it('renders bodies to sanitised HTML', async () => {
    const threadId = (
      await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId, title: 'html', body: '**bold** <script>x</script>', kind: 'RESOURCE' } },
        member.token,
      )
    ).startThread.id;
    const data = await t.ok<{ thread: { bodyHtml: string } }>(
      'query ($id: ID!) { thread(id: $id) { bodyHtml } }',
      { id: threadId },
      member.token,
    );
    expect(data.thread.bodyHtml).toContain('<strong>bold</strong>');
    expect(data.thread.bodyHtml).not.toContain('<script');
  });

  it('counts reactions once per member and kind, without saying who reacted', async () => {
    const threadId = await start();
    const postId = await reply(threadId, other.token);
    const REACT =
      'mutation ($input: ReactInput!) { react(input: $input) { id reactions { reaction count reactedByMe } } }';
    await t.ok(REACT, { input: { postId, reaction: 'INSIGHTFUL' } }, member.token);
    await t.ok(REACT, { input: { postId, reaction: 'INSIGHTFUL' } }, member.token);
    const { react } = await t.ok<{ react: { reactions: unknown[] } }>(
      REACT,
      { input: { postId, reaction: 'INSIGHTFUL' } },
      facilitator.token,
    );
    expect(react.reactions).toEqual([{ reaction: 'INSIGHTFUL', count: 2, reactedByMe: true }]);
    const q =
      'query ($id: ID!) { thread(id: $id) { posts { edges { node { reactions { reaction count reactedByMe } } } } } }';
    const seen = await t.ok<{ thread: { posts: { edges: { node: { reactions: unknown[] } }[] } } }>(
      q,
      { id: threadId },
      other.token,
    );
    expect(seen.thread.posts.edges[0].node.reactions).toEqual([
      { reaction: 'INSIGHTFUL', count: 2, reactedByMe: false },
    ]);
  });

  it('resolves @mentions to members of the same cohort only', async () => {
    const elsewhere = await newMember(t, (await newCohort(t)).id, { role: 'MEMBER' });
    const threadId = await start();
    const body = `Ask @${other.displayName} and @${elsewhere.displayName} about it`;
    const postId = (await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body } }, member.token)).reply.id;
    const q =
      'query ($id: ID!) { thread(id: $id) { posts { edges { node { id mentions { membershipId displayName } } } } } }';
    type M = { thread: { posts: { edges: { node: { id: string; mentions: { membershipId: string }[] } }[] } } };
    const seen = await t.ok<M>(q, { id: threadId }, member.token);
    expect(seen.thread.posts.edges.find((e) => e.node.id === postId)?.node.mentions.map((m) => m.membershipId)).toEqual(
      [other.membershipId],
    );
  });

  it('filters threads by kind, status and tag', async () => {
    const space = (
      await t.ok<{ createSpace: { id: string } }>(
        'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
        { input: { cohortId, title: 'Filters', purpose: 'p' } },
        facilitator.token,
      )
    ).createSpace.id;
    const make = async (kind: string, tags: string[]) =>
      (
        await t.ok<{ startThread: { id: string } }>(
          START,
          { input: { spaceId: space, title: kind, body: 'b', kind, tags } },
          member.token,
        )
      ).startThread.id;
    const question = await make('QUESTION', ['Budget']);
    const practice = await make('PRACTICE', ['budget', 'payroll']);
    await t.ok(
      'mutation ($input: ResolveThreadInput!) { resolveThread(input: $input) { id } }',
      { input: { threadId: practice } },
      member.token,
    );
    const q =
      'query ($s: ID!, $kind: ThreadKind, $status: ThreadStatus, $tag: String) { threads(spaceId: $s, kind: $kind, status: $status, tag: $tag) { edges { node { id } } } }';
    const ids = async (filters: Record<string, string>) =>
      (
        await t.ok<{ threads: { edges: { node: { id: string } }[] } }>(q, { s: space, ...filters }, member.token)
      ).threads.edges.map((e) => e.node.id);
    expect(await ids({ kind: 'QUESTION' })).toEqual([question]);
    expect(await ids({ status: 'RESOLVED' })).toEqual([practice]);
    expect((await ids({ tag: 'budget' })).sort()).toEqual([question, practice].sort());
    expect(await ids({ tag: 'payroll' })).toEqual([practice]);
  });

  describe('SQL statements per page (no N+1)', () => {
    const counted = async (work: () => Promise<unknown>) => {
      // Events of the writes before are published first, so the dispatcher is idle while counting.
      await t.app.get(OutboxDispatcher).flush();
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      try {
        await work();
        // The realtime dispatcher still polls its outbox in the background; those are not the request's.
        return spy.mock.calls.filter(([sql]) => !String(sql).includes('realtime_')).length;
      } finally {
        spy.mockRestore();
      }
    };

    it('reads a thread with 50 posts in a fixed small number of statements', async () => {
      const threadId = await start();
      const authors = [member, other, facilitator];
      for (let i = 0; i < 50; i++) await reply(threadId, authors[i % 3].token);
      const statements = await counted(() => t.ok<ThreadData>(THREAD, { id: threadId }, other.token));
      expect(statements).toBeLessThanOrEqual(8);
    });

    it('reads 50 threads in a fixed small number of statements', async () => {
      const spaced = (
        await t.ok<{ createSpace: { id: string } }>(
          'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
          { input: { cohortId, title: 'Busy', purpose: 'p' } },
          facilitator.token,
        )
      ).createSpace.id;
      for (let i = 0; i < 50; i++) {
        await t.ok(
          START,
          { input: { spaceId: spaced, title: `t${i}`, body: 'b', kind: 'QUESTION' } },
          [member, other][i % 2].token,
        );
      }
      const statements = await counted(() => t.ok(THREADS, { spaceId: spaced, first: 50 }, other.token));
      expect(statements).toBeLessThanOrEqual(8);
    });
  });
});

describe('search', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;
  let finance: TestMember;
  let education: TestMember;
  const SEARCH =
    'query Search($cohortId: ID!, $query: String!) { search(cohortId: $cohortId, query: $query, first: 20) { edges { snippet node { __typename ... on Thread { id title } ... on Post { id body } } } } }';
  type Found = { search: { edges: { snippet: string; node: { __typename: string; id: string } }[] } };
  const found = async (token: string, query: string) =>
    (await t.ok<Found>(SEARCH, { cohortId, query }, token)).search.edges
      .map((e) => `${e.node.__typename}:${e.node.id}`)
      .sort();

  let openThread: string;
  let financeThread: string;
  let hiddenPost: string;
  let visiblePost: string;

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR' });
    finance = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance' });
    education = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'education' });
    const space = async (audience: Record<string, unknown>) =>
      (
        await t.ok<{ createSpace: { id: string } }>(
          'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
          { input: { cohortId, title: 's', purpose: 'p', ...audience } },
          facilitator.token,
        )
      ).createSpace.id;
    const open = await space({});
    const financeOnly = await space({ audienceMinistries: ['finance'] });
    const thread = async (spaceId: string, title: string, token: string) =>
      (
        await t.ok<{ startThread: { id: string } }>(
          START,
          { input: { spaceId, title, body: 'Tablet procurement lessons', kind: 'PRACTICE' } },
          token,
        )
      ).startThread.id;
    openThread = await thread(open, 'Pooled tablet procurement', education.token);
    financeThread = await thread(financeOnly, 'Tablet tax exemptions', finance.token);
    visiblePost = (
      await t.ok<{ reply: { id: string } }>(
        REPLY,
        { input: { threadId: openThread, body: 'Our tablet tender took nine months' } },
        finance.token,
      )
    ).reply.id;
    hiddenPost = (
      await t.ok<{ reply: { id: string } }>(
        REPLY,
        { input: { threadId: openThread, body: 'The tablet vendor bribed someone' } },
        finance.token,
      )
    ).reply.id;
    await t.ok(
      'mutation ($input: HidePostInput!) { hidePost(input: $input) { id } }',
      { input: { postId: hiddenPost, reason: 'Allegation' } },
      facilitator.token,
    );
  });
  afterAll(() => t.close());

  it('finds threads and posts the reader may open, and never hidden posts', async () => {
    expect(await found(finance.token, 'tablet')).toEqual(
      [`Post:${visiblePost}`, `Thread:${financeThread}`, `Thread:${openThread}`].sort(),
    );
    expect(await found(education.token, 'tablet')).toEqual([`Post:${visiblePost}`, `Thread:${openThread}`].sort());
    expect(await found(facilitator.token, 'bribed')).toEqual([]);
  });

  it('highlights the matching words', async () => {
    const data = await t.ok<Found>(SEARCH, { cohortId, query: 'tender' }, education.token);
    expect(data.search.edges[0].snippet).toContain('<b>tender</b>');
  });

  it('finds nothing for readers of no content, and NOT_FOUND for outsiders', async () => {
    const vendor = await newMember(t, cohortId, { role: 'VENDOR' });
    expect(await found(vendor.token, 'tablet')).toEqual([]);
    const outsider = await newMember(t, (await newCohort(t)).id, { role: 'FACILITATOR' });
    expect(await t.errorCode(SEARCH, { cohortId, query: 'tablet' }, outsider.token)).toBe('NOT_FOUND');
  });

  it('refuses a query with nothing to search for', async () => {
    const res = await t.gql(SEARCH, { cohortId, query: '!!!' }, finance.token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
  });
});
