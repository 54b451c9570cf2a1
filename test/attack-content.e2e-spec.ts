import { randomUUID } from 'node:crypto';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { NeedEntity, NeedSupportEntity } from '../src/needs/need.entity.js';
import { PostEntity } from '../src/threads/post.entity.js';
import { ThreadEntity } from '../src/threads/thread.entity.js';
import { adminToken, newCohort, newMember, newUser, type TestMember } from './harness/factories.js';
import { type GqlResponse, startTestApp, type TestApp } from './harness/test-app.js';

/**
 * Security review of spaces, threads, posts, search and needs. Every test asserts the SAFE
 * outcome: a failing test is a vulnerability (see the report handed back with this file).
 */

const AUTHOR = 'author { displayName ministry country }';
const POST_FIELDS = `id threadId body bodyHtml hidden hiddenReason deleted isInsight parent { id } ${AUTHOR} revisions { body }`;
const THREAD_FIELDS = `id spaceId title body bodyHtml status locked acceptedPostId replyCount attribution ${AUTHOR}`;

const CREATE_SPACE = 'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }';
const SPACE = 'query ($id: ID!) { space(id: $id) { id title purpose } }';
const SPACES = 'query ($id: ID!) { spaces(cohortId: $id, first: 100) { edges { node { id title } } } }';
const START = `mutation ($input: StartThreadInput!) { startThread(input: $input) { ${THREAD_FIELDS} } }`;
const THREAD = `query ($id: ID!, $after: String) { thread(id: $id) { ${THREAD_FIELDS}
  posts(first: 100, after: $after) { edges { cursor node { ${POST_FIELDS} } } } } }`;
const THREADS = `query ($spaceId: ID!, $after: String, $tag: String) {
  threads(spaceId: $spaceId, first: 100, after: $after, tag: $tag) { edges { cursor node { ${THREAD_FIELDS} } } } }`;
const REPLY = `mutation ($input: ReplyInput!) { reply(input: $input) { ${POST_FIELDS} } }`;
const EDIT = `mutation ($input: EditPostInput!) { editPost(input: $input) { ${POST_FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deletePost(postId: $id) { ${POST_FIELDS} } }`;
const HIDE = `mutation ($input: HidePostInput!) { hidePost(input: $input) { ${POST_FIELDS} } }`;
const INSIGHT = `mutation ($input: MarkInsightInput!) { markInsight(input: $input) { ${POST_FIELDS} } }`;
const RESOLVE = `mutation ($input: ResolveThreadInput!) { resolveThread(input: $input) { ${THREAD_FIELDS}
  posts(first: 100) { edges { node { ${POST_FIELDS} } } } } }`;
const LOCK = 'mutation ($id: ID!) { lockThread(threadId: $id) { id locked } }';
const UNLOCK = 'mutation ($id: ID!) { unlockThread(threadId: $id) { id locked } }';
const MOVE = 'mutation ($input: MoveThreadInput!) { moveThread(input: $input) { id spaceId } }';
const REACT = 'mutation ($input: ReactInput!) { react(input: $input) { id reactions { reaction count } } }';
const SEARCH = `query ($cohortId: ID!, $query: String!, $first: Int) {
  search(cohortId: $cohortId, query: $query, first: $first) { edges { cursor snippet node {
    __typename ... on Thread { ${THREAD_FIELDS} posts(first: 100) { edges { node { ${POST_FIELDS} } } } }
    ... on Post { ${POST_FIELDS.replace('body bodyHtml', 'postBody: body postBodyHtml: bodyHtml')} } } } } }`;
const SUBMIT_NEED = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { id } }';
const NEED = `query ($id: ID!) { need(id: $id) { id title description status supportCount supportedByMe
  submittedBy { displayName ministry country } } }`;
const NEEDS = `query ($id: ID!, $after: String) { needs(cohortId: $id, first: 100, after: $after) {
  edges { cursor node { id title submittedBy { displayName } } } } }`;
const SUPPORT = 'mutation ($input: SupportNeedInput!) { supportNeed(input: $input) { id supportCount } }';
const UNSUPPORT = 'mutation ($input: SupportNeedInput!) { unsupportNeed(input: $input) { id supportCount } }';
const LINK = 'mutation ($n: ID!, $t: ID!) { linkNeedToThread(needId: $n, threadId: $t) { id status } }';

type Author = { displayName: string; ministry: string | null; country: string | null } | null;
interface PostNode {
  id: string;
  threadId: string;
  body: string | null;
  bodyHtml: string | null;
  hidden: boolean;
  hiddenReason: string | null;
  deleted: boolean;
  isInsight: boolean;
  parent: { id: string } | null;
  author: Author;
  revisions: { body: string }[];
}
interface ThreadNode {
  id: string;
  spaceId: string;
  title: string;
  body: string;
  bodyHtml: string;
  status: string;
  locked: boolean;
  acceptedPostId: string | null;
  replyCount: number;
  attribution: string;
  author: Author;
  posts?: { edges: { cursor?: string; node: PostNode }[] };
}
type SearchNode = ({ __typename: 'Thread' } & ThreadNode) | ({ __typename: 'Post' } & PostNode);
type SearchData = {
  search: { edges: { cursor: string; snippet: string; node: SearchNode }[] };
};

const cursorOf = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
const codes = (res: GqlResponse) => res.errors?.map((e) => e.extensions?.code);
const strip = (res: GqlResponse) => ({
  status: res.status,
  data: res.data,
  errors: res.errors?.map((e) => ({ message: e.message, extensions: e.extensions })),
});

/** No error may carry a stack, SQL or internal names, and bad input is never a 500. */
function expectNoInternals(res: GqlResponse) {
  const text = JSON.stringify(res.errors ?? []);
  expect(text).not.toMatch(/stack|QueryFailed|typeorm|postgres|SELECT |INSERT |invalid byte|\bat \/|\.ts:\d/i);
  expect(codes(res) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
  expect(res.status).toBeLessThan(500);
}

/** A refusal of bad input: BAD_USER_INPUT, nothing internal. */
function expectBadInput(res: GqlResponse, field?: string) {
  expectNoInternals(res);
  expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  if (field) expect(res.errors?.[0].extensions?.field).toBe(field);
}

/** Any author anywhere in a result: the fields a reader must not see under Chatham House. */
function authorsIn(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(authorsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, v]): unknown[] =>
      key === 'author' || key === 'submittedBy' ? [v] : authorsIn(v),
    );
  }
  return [];
}

describe('attack: spaces, threads, posts, search, needs', () => {
  let t: TestApp;
  let admin: string;
  let A: string;
  let B: string;
  let F: TestMember; // facilitator of A
  let M: TestMember; // member of A, finance: author of most threads
  let M2: TestMember; // member of A, education
  let S: TestMember; // scholar of A granted the open space
  let S0: TestMember; // scholar of A with no grant
  let V: TestMember; // vendor of A "granted" the open space
  let O: TestMember; // observer of A
  let R: TestMember; // removed member of A (finance)
  let E: TestMember; // member of A (finance) whose window has closed
  let FB: TestMember; // facilitator of B
  let MB: TestMember; // member of B
  let FAB: TestMember; // facilitator of both A and B (one account)
  let MAFB: TestMember; // member of A (education) and facilitator of B (one account)
  let open: string; // A: everyone
  let finance: string; // A: finance ministry only
  let facOnly: string; // A: facilitators only
  let spaceB: string;
  let tOpen: string;
  let pOpen: string;
  let tFin: string;
  let pFin: string;
  let tFac: string;
  let tB: string;
  let pB: string;
  let needA: string;
  let needB: string;

  const createSpace = async (token: string, cohortId: string, extra: Record<string, unknown> = {}) =>
    (
      await t.ok<{ createSpace: { id: string } }>(
        CREATE_SPACE,
        { input: { cohortId, title: 's', purpose: 'p', ...extra } },
        token,
      )
    ).createSpace.id;
  const start = async (token: string, spaceId: string, title: string, body: string, tags?: string[]) =>
    (await t.ok<{ startThread: ThreadNode }>(START, { input: { spaceId, title, body, kind: 'QUESTION', tags } }, token))
      .startThread.id;
  const reply = async (token: string, threadId: string, body: string, parentId?: string) =>
    (await t.ok<{ reply: PostNode }>(REPLY, { input: { threadId, body, parentId } }, token)).reply.id;
  const readThread = async (token: string, id: string) =>
    (await t.ok<{ thread: ThreadNode }>(THREAD, { id }, token)).thread;
  const postIn = async (token: string, threadId: string, postId: string) =>
    (await readThread(token, threadId)).posts!.edges.map((e) => e.node).find((p) => p.id === postId)!;
  /** Every hit for each word on its own (plainto_tsquery ANDs the words of one query). */
  const search = async (token: string, words: string, cohortId = A) => {
    const edges: SearchData['search']['edges'] = [];
    for (const query of words.split(' ')) {
      edges.push(...(await t.ok<SearchData>(SEARCH, { cohortId, query, first: 50 }, token)).search.edges);
    }
    return edges;
  };
  const submitNeed = async (token: string, cohortId: string, title: string) =>
    (
      await t.ok<{ submitNeed: { id: string } }>(
        SUBMIT_NEED,
        { input: { cohortId, title, description: `${title} description`, theme: 'theme' } },
        token,
      )
    ).submitNeed.id;
  const postCount = () => t.dataSource.getRepository(PostEntity).count();
  const threadRow = (id: string) => t.dataSource.getRepository(ThreadEntity).findOneByOrFail({ id });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminToken(t);
    A = (await newCohort(t)).id;
    B = (await newCohort(t)).id;
    F = await newMember(t, A, { role: 'FACILITATOR', ministry: 'ict', country: 'RW' });
    M = await newMember(t, A, { role: 'MEMBER', ministry: 'finance', country: 'KE' });
    M2 = await newMember(t, A, { role: 'MEMBER', ministry: 'education', country: 'GH' });
    S = await newMember(t, A, { role: 'SCHOLAR', ministry: 'academia' });
    S0 = await newMember(t, A, { role: 'SCHOLAR', ministry: 'academia' });
    V = await newMember(t, A, {
      role: 'VENDOR',
      ministry: 'private-sector',
      accessExpiresAt: new Date(Date.now() + 864e5),
    });
    O = await newMember(t, A, { role: 'OBSERVER', ministry: 'other' });
    R = await newMember(t, A, { role: 'MEMBER', ministry: 'finance', status: 'REMOVED' });
    E = await newMember(t, A, { role: 'MEMBER', ministry: 'finance', accessExpiresAt: new Date(Date.now() - 60_000) });
    FB = await newMember(t, B, { role: 'FACILITATOR' });
    MB = await newMember(t, B, { role: 'MEMBER', ministry: 'finance' });
    const both = await newUser(t);
    FAB = await newMember(t, A, { role: 'FACILITATOR', user: both });
    await newMember(t, B, { role: 'FACILITATOR', user: both });
    const mixed = await newUser(t);
    MAFB = await newMember(t, A, { role: 'MEMBER', ministry: 'education', user: mixed });
    await newMember(t, B, { role: 'FACILITATOR', user: mixed });

    open = await createSpace(F.token, A);
    finance = await createSpace(F.token, A, { audienceMinistries: ['finance'] });
    facOnly = await createSpace(F.token, A, { audienceRoles: ['FACILITATOR'] });
    spaceB = await createSpace(FB.token, B);
    const memberships = t.dataSource.getRepository(MembershipEntity);
    await memberships.update({ id: S.membershipId }, { grantedSpaceIds: [open] });
    await memberships.update({ id: V.membershipId }, { grantedSpaceIds: [open] });

    tOpen = await start(M.token, open, 'Open zqopen thread', 'Open zqopen body');
    pOpen = await reply(M2.token, tOpen, 'Reply zqopenreply');
    tFin = await start(M.token, finance, 'Finance zqfinance thread', 'zqfinance secret budget');
    pFin = await reply(M.token, tFin, 'zqfinreply confidential');
    tFac = await start(F.token, facOnly, 'Facilitators zqfaconly', 'zqfaconly notes');
    tB = await start(FB.token, spaceB, 'Cohort B zqcohortb', 'zqcohortb body');
    pB = await reply(MB.token, tB, 'zqcohortbreply');
    needA = await submitNeed(M.token, A, 'Need zqneeda');
    needB = await submitNeed(MB.token, B, 'Need zqneedb');
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.set(null));

  // ------------------------------------------------------------------ callers who read no content

  describe('callers who read no content', () => {
    const callers = () => ({
      VENDOR: V,
      OBSERVER: O,
      'ungranted SCHOLAR': S0,
      REMOVED: R,
      EXPIRED: E,
      'facilitator of B': FB,
      'member of B': MB,
    });

    it.each([
      'VENDOR',
      'OBSERVER',
      'ungranted SCHOLAR',
      'REMOVED',
      'EXPIRED',
      'facilitator of B',
      'member of B',
      'ADMIN',
    ])(
      '%s gets NOT_FOUND (as for a missing id) on spaces, threads, posts and needs, and nothing from lists',
      async (kind) => {
        const token = kind === 'ADMIN' ? admin : callers()[kind as keyof ReturnType<typeof callers>].token;
        const byId: [string, string, string][] = [
          [SPACE, open, 'space'],
          [THREAD, tOpen, 'thread'],
          [THREAD, tFin, 'thread'],
          [NEED, needA, 'need'],
        ];
        for (const [doc, id] of byId) {
          const existing = await t.gql(doc, { id }, token);
          const missing = await t.gql(doc, { id: randomUUID() }, token);
          expect(codes(existing)).toEqual(['NOT_FOUND']);
          expect(strip(existing)).toEqual(strip(missing));
        }
        const threads = await t.gql(THREADS, { spaceId: open }, token);
        expect(codes(threads)).toEqual(['NOT_FOUND']);
        // Lists either refuse the cohort or answer with nothing in it.
        for (const [doc, vars] of [
          [SPACES, { id: A }],
          [NEEDS, { id: A }],
          [SEARCH, { cohortId: A, query: 'zqopen zqfinance', first: 50 }],
        ] as const) {
          const res = await t.gql<Record<string, { edges: unknown[] }>>(doc, vars, token);
          if (res.errors) expect(codes(res)).toEqual(['NOT_FOUND']);
          else expect(Object.values(res.data!)[0].edges).toEqual([]);
        }
        const search = await t.gql<SearchData>(SEARCH, { cohortId: A, query: 'zqopen', first: 50 }, token);
        expect(JSON.stringify(search)).not.toContain('zqopen');
      },
    );

    it.each(['VENDOR', 'OBSERVER', 'ungranted SCHOLAR', 'REMOVED', 'EXPIRED', 'member of B', 'ADMIN'])(
      '%s writes nothing: start, reply, react, edit, hide, lock, resolve, move, support, submit',
      async (kind) => {
        const token = kind === 'ADMIN' ? admin : callers()[kind as keyof ReturnType<typeof callers>].token;
        const posts = await postCount();
        const needs = await t.dataSource.getRepository(NeedEntity).count();
        const before = await threadRow(tOpen);
        const attempts: [string, Record<string, unknown>][] = [
          [START, { input: { spaceId: open, title: 'x', body: 'x', kind: 'QUESTION' } }],
          [REPLY, { input: { threadId: tOpen, body: 'x' } }],
          [REACT, { input: { postId: pOpen, reaction: 'AGREE' } }],
          [EDIT, { input: { postId: pOpen, body: 'x' } }],
          [HIDE, { input: { postId: pOpen, reason: 'x' } }],
          [INSIGHT, { input: { postId: pOpen, isInsight: true } }],
          [LOCK, { id: tOpen }],
          [RESOLVE, { input: { threadId: tOpen } }],
          [MOVE, { input: { threadId: tOpen, spaceId: finance } }],
          [SUPPORT, { input: { needId: needA } }],
        ];
        for (const [doc, vars] of attempts) {
          const res = await t.gql(doc, vars, token);
          expectNoInternals(res);
          expect({ doc, codes: codes(res) }).toEqual({ doc, codes: ['NOT_FOUND'] });
        }
        const submit = await t.gql(
          SUBMIT_NEED,
          { input: { cohortId: A, title: 'x', description: 'x', theme: 'x' } },
          token,
        );
        expect(['NOT_FOUND', 'FORBIDDEN']).toContain(codes(submit)?.[0]);
        expect(await postCount()).toBe(posts);
        expect(await t.dataSource.getRepository(NeedEntity).count()).toBe(needs);
        expect(await threadRow(tOpen)).toEqual(before);
      },
    );

    it('a vendor whose invitation named a space still reads nothing in it', async () => {
      expect(await t.errorCode(THREAD, { id: tOpen }, V.token)).toBe('NOT_FOUND');
      expect(await search(V.token, 'zqopen')).toEqual([]);
    });

    it('a member whose access window closes mid-session loses edit, delete, search and read at once', async () => {
      const L = await newMember(t, A, { role: 'MEMBER', accessExpiresAt: new Date(Date.now() + 60_000) });
      const mine = await reply(L.token, tOpen, 'zqleaving words');
      t.clock.advance(120_000);
      for (const [doc, vars] of [
        [EDIT, { input: { postId: mine, body: 'changed' } }],
        [DELETE, { id: mine }],
        [THREAD, { id: tOpen }],
        [SEARCH, { cohortId: A, query: 'zqleaving', first: 5 }],
      ] as const) {
        expect(codes(await t.gql(doc, vars, L.token))).toEqual(['NOT_FOUND']);
      }
      expect((await t.dataSource.getRepository(PostEntity).findOneByOrFail({ id: mine })).body).toBe('zqleaving words');
    });
  });

  // ------------------------------------------------------------------ audiences and grants

  describe('audiences and scholar grants', () => {
    it('a member of another ministry cannot read, reply to, react in, list or find a ministry-only space', async () => {
      const before = await postCount();
      expect(codes(await t.gql(THREAD, { id: tFin }, M2.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(THREADS, { spaceId: finance }, M2.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(REPLY, { input: { threadId: tFin, body: 'x' } }, M2.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(REACT, { input: { postId: pFin, reaction: 'AGREE' } }, M2.token))).toEqual([
        'NOT_FOUND',
      ]);
      expect(
        codes(await t.gql(START, { input: { spaceId: finance, title: 'x', body: 'x', kind: 'QUESTION' } }, M2.token)),
      ).toEqual(['NOT_FOUND']);
      const spaces = await t.ok<{ spaces: { edges: { node: { id: string } }[] } }>(SPACES, { id: A }, M2.token);
      expect(spaces.spaces.edges.map((e) => e.node.id)).not.toContain(finance);
      expect(await search(M2.token, 'zqfinance zqfinreply')).toEqual([]);
      expect(await search(M2.token, 'zqfinreply')).toEqual([]);
      // The same searches do find it for a member of the ministry: the refusals above are not vacuous.
      expect((await search(M.token, 'zqfinance zqfinreply')).map((e) => e.node.id).sort()).toEqual([tFin, pFin].sort());
      expect(await postCount()).toBe(before);
    });

    it('a member cannot enter a facilitators-only space by role', async () => {
      expect(codes(await t.gql(THREAD, { id: tFac }, M.token))).toEqual(['NOT_FOUND']);
      expect(await search(M.token, 'zqfaconly')).toEqual([]);
    });

    it("facilitator powers in cohort B do not spill into the same account's membership of A", async () => {
      expect(codes(await t.gql(THREAD, { id: tFin }, MAFB.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(THREAD, { id: tFac }, MAFB.token))).toEqual(['NOT_FOUND']);
      expect(await search(MAFB.token, 'zqfinance')).toEqual([]);
      expect(codes(await t.gql(HIDE, { input: { postId: pOpen, reason: 'x' } }, MAFB.token))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(LOCK, { id: tOpen }, MAFB.token))).toEqual(['FORBIDDEN']);
      const post = await postIn(MAFB.token, tOpen, pOpen);
      expect(post.revisions).toEqual([]);
      expect(post.hiddenReason).toBeNull();
    });

    it('a granted scholar sees no author anywhere: thread, posts, lists, reply payload, search, nested posts', async () => {
      const seen: unknown[] = [];
      seen.push(await readThread(S.token, tOpen));
      seen.push(await t.ok(THREADS, { spaceId: open }, S.token));
      const own = await t.ok<{ reply: PostNode }>(REPLY, { input: { threadId: tOpen, body: 'scholar note' } }, S.token);
      seen.push(own);
      seen.push(await search(S.token, 'zqopen zqopenreply'));
      seen.push(await search(S.token, 'zqopenreply'));
      const authors = authorsIn(seen);
      expect(authors.length).toBeGreaterThan(4);
      expect(authors.every((a) => a === null)).toBe(true);
      expect(JSON.stringify(seen)).not.toContain(M.displayName);
      expect(JSON.stringify(seen)).not.toContain(M2.displayName);
    });

    it('a granted scholar cannot write outside its grant, resolve, mark insights or moderate', async () => {
      const before = await postCount();
      expect(
        codes(await t.gql(START, { input: { spaceId: finance, title: 'x', body: 'x', kind: 'QUESTION' } }, S.token)),
      ).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(REPLY, { input: { threadId: tFin, body: 'x' } }, S.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(REPLY, { input: { threadId: tFac, body: 'x' } }, S.token))).toEqual(['NOT_FOUND']);
      expect(await search(S.token, 'zqfinance zqfaconly')).toEqual([]);
      expect(codes(await t.gql(RESOLVE, { input: { threadId: tOpen } }, S.token))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(INSIGHT, { input: { postId: pOpen, isInsight: true } }, S.token))).toEqual([
        'FORBIDDEN',
      ]);
      expect(codes(await t.gql(HIDE, { input: { postId: pOpen, reason: 'x' } }, S.token))).toEqual(['FORBIDDEN']);
      expect(await postCount()).toBe(before);
    });

    it('a scholar who starts a thread still cannot resolve it or see who replied', async () => {
      const own = await start(S.token, open, 'Scholar zqscholar', 'question');
      await reply(M.token, own, 'member answer');
      expect(codes(await t.gql(RESOLVE, { input: { threadId: own } }, S.token))).toEqual(['FORBIDDEN']);
      expect(authorsIn(await readThread(S.token, own)).every((a) => a === null)).toBe(true);
    });

    it('a scholar whose grant is withdrawn loses its own posts too (no edit, delete or read)', async () => {
      const S2 = await newMember(t, A, { role: 'SCHOLAR' });
      const memberships = t.dataSource.getRepository(MembershipEntity);
      await memberships.update({ id: S2.membershipId }, { grantedSpaceIds: [open] });
      const mine = await reply(S2.token, tOpen, 'zqgrant scholar words');
      await memberships.update({ id: S2.membershipId }, { grantedSpaceIds: [] });
      expect(codes(await t.gql(EDIT, { input: { postId: mine, body: 'x' } }, S2.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(DELETE, { id: mine }, S2.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(THREAD, { id: tOpen }, S2.token))).toEqual(['NOT_FOUND']);
      expect(await search(S2.token, 'zqgrant zqopen')).toEqual([]);
    });

    it('members and scholars do not read needs authorship or needs at all beyond their role', async () => {
      expect(codes(await t.gql(NEED, { id: needA }, S.token))).toEqual(['NOT_FOUND']);
      const list = await t.ok<{ needs: { edges: unknown[] } }>(NEEDS, { id: A }, S.token);
      expect(list.needs.edges).toEqual([]);
      // A member of A sees A's needs only, never B's, even through a cursor.
      const page = await t.ok<{ needs: { edges: { node: { id: string } }[] } }>(NEEDS, { id: A }, M2.token);
      expect(page.needs.edges.map((e) => e.node.id)).not.toContain(needB);
      expect(codes(await t.gql(NEED, { id: needB }, M2.token))).toEqual(['NOT_FOUND']);
    });
  });

  // ------------------------------------------------------------------ hidden, deleted, edited

  describe('hidden, deleted and edited posts', () => {
    it('a hidden post shows no body, html, reason or history to members, scholars or its own author', async () => {
      const hidden = await reply(M2.token, tOpen, 'zqhidden allegation about a named official');
      await t.ok(HIDE, { input: { postId: hidden, reason: 'zqreason names a person' } }, F.token);
      for (const reader of [M, M2, S]) {
        const post = await postIn(reader.token, tOpen, hidden);
        expect(post).toMatchObject({ hidden: true, body: null, bodyHtml: null, hiddenReason: null, revisions: [] });
        expect(JSON.stringify(post)).not.toContain('zqhidden');
      }
      for (const reader of [F, M, M2]) expect(await search(reader.token, 'zqhidden')).toEqual([]);
      expect(await search(F.token, 'zqreason')).toEqual([]);
    });

    it('editing a hidden post neither reveals it in the payload nor puts it back into search', async () => {
      const hidden = await reply(M2.token, tOpen, 'zqhide2 original');
      await t.ok(HIDE, { input: { postId: hidden, reason: 'r' } }, F.token);
      const edited = await t.gql<{ editPost: PostNode }>(
        EDIT,
        { input: { postId: hidden, body: 'zqhide2edit new' } },
        M2.token,
      );
      if (!edited.errors) {
        expect(edited.data!.editPost).toMatchObject({ body: null, bodyHtml: null, hidden: true, revisions: [] });
      }
      expect((await postIn(M.token, tOpen, hidden)).body).toBeNull();
      expect(await search(M.token, 'zqhide2edit')).toEqual([]);
      expect(await search(M.token, 'zqhide2')).toEqual([]);
    });

    it("payloads of the thread author's markInsight and resolveThread do not reveal a hidden post", async () => {
      const thread = await start(M.token, open, 'Payload zqpayload', 'b');
      const hidden = await reply(M2.token, thread, 'zqpayloadhidden secret');
      await t.ok(HIDE, { input: { postId: hidden, reason: 'r' } }, F.token);
      const marked = await t.ok<{ markInsight: PostNode }>(
        INSIGHT,
        { input: { postId: hidden, isInsight: true } },
        M.token,
      );
      expect(marked.markInsight).toMatchObject({ body: null, bodyHtml: null, hiddenReason: null });
      const resolved = await t.ok<{ resolveThread: ThreadNode }>(
        RESOLVE,
        { input: { threadId: thread, acceptedPostId: hidden } },
        M.token,
      );
      expect(JSON.stringify(resolved)).not.toContain('zqpayloadhidden');
    });

    it('a deleted post keeps no text, author or history for anyone, facilitators included', async () => {
      const doomed = await reply(M2.token, tOpen, 'zqdeleted first version');
      await t.ok(EDIT, { input: { postId: doomed, body: 'zqdeleted second version' } }, M2.token);
      const deleted = await t.ok<{ deletePost: PostNode }>(DELETE, { id: doomed }, M2.token);
      expect(deleted.deletePost).toMatchObject({ deleted: true, body: null, bodyHtml: null, author: null });
      for (const reader of [F, M]) {
        const post = await postIn(reader.token, tOpen, doomed);
        expect(post).toMatchObject({ deleted: true, body: null, bodyHtml: null, author: null });
        expect(await search(reader.token, 'zqdeleted')).toEqual([]);
      }
    });

    it('the earlier versions of a deleted post do not outlive it, not even for facilitators', async () => {
      const doomed = await reply(M2.token, tOpen, 'zqdelrev first version');
      await t.ok(EDIT, { input: { postId: doomed, body: 'zqdelrev second version' } }, M2.token);
      await t.ok(DELETE, { id: doomed }, M2.token);
      expect((await postIn(F.token, tOpen, doomed)).revisions).toEqual([]);
    });

    it('earlier versions are for facilitators only (not the author, the thread author or scholars) and not searchable', async () => {
      const post = await reply(M2.token, tOpen, 'zqrevone before');
      const edited = await t.ok<{ editPost: PostNode }>(
        EDIT,
        { input: { postId: post, body: 'zqrevtwo after' } },
        M2.token,
      );
      expect(edited.editPost.revisions).toEqual([]);
      for (const reader of [M, M2, S]) expect((await postIn(reader.token, tOpen, post)).revisions).toEqual([]);
      expect((await postIn(F.token, tOpen, post)).revisions).toEqual([{ body: 'zqrevone before' }]);
      expect(await search(M.token, 'zqrevone')).toEqual([]);
    });

    it("nobody edits or deletes another's post, not even a facilitator", async () => {
      for (const who of [M, F, S]) {
        expect(codes(await t.gql(EDIT, { input: { postId: pOpen, body: 'x' } }, who.token))).toEqual(['FORBIDDEN']);
        expect(codes(await t.gql(DELETE, { id: pOpen }, who.token))).toEqual(['FORBIDDEN']);
      }
      expect((await t.dataSource.getRepository(PostEntity).findOneByOrFail({ id: pOpen })).body).toBe(
        'Reply zqopenreply',
      );
    });

    it('mentions inside a hidden post are withheld with its body', async () => {
      const hidden = await reply(M2.token, tOpen, `zqmention @${F.displayName} did it`);
      await t.ok(HIDE, { input: { postId: hidden, reason: 'r' } }, F.token);
      const res = await t.gql<{ thread: { posts: { edges: { node: { id: string; mentions: unknown[] } }[] } } }>(
        'query ($id: ID!) { thread(id: $id) { posts(first: 100) { edges { node { id mentions { membershipId displayName } } } } } }',
        { id: tOpen },
        M.token,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.thread.posts.edges.find((e) => e.node.id === hidden)!.node.mentions).toEqual([]);
    });
  });

  // ------------------------------------------------------------------ references across threads and cohorts

  describe('references across threads and cohorts', () => {
    it('a reply cannot hang under a post of another thread or cohort, and says so exactly as for a missing id', async () => {
      const before = await postCount();
      const count = (await threadRow(tOpen)).replyCount;
      const missing = await t.gql(REPLY, { input: { threadId: tOpen, body: 'x', parentId: randomUUID() } }, M.token);
      expectBadInput(missing, 'parentId');
      for (const parentId of [pFin, pB]) {
        const res = await t.gql(REPLY, { input: { threadId: tOpen, body: 'x', parentId } }, M.token);
        expect(strip(res)).toEqual(strip(missing));
      }
      expect(await postCount()).toBe(before);
      expect((await threadRow(tOpen)).replyCount).toBe(count);
    });

    it("the thread author cannot mark insight on a post of someone else's thread", async () => {
      const other = await start(M2.token, open, 'Other zqother', 'b');
      const post = await reply(F.token, other, 'facilitator answer');
      expect(codes(await t.gql(INSIGHT, { input: { postId: post, isInsight: true } }, M.token))).toEqual(['FORBIDDEN']);
      const foreign = await t.gql(INSIGHT, { input: { postId: pB, isInsight: true } }, M.token);
      expect(strip(foreign)).toEqual(
        strip(await t.gql(INSIGHT, { input: { postId: randomUUID(), isInsight: true } }, M.token)),
      );
      const rows = await t.dataSource.getRepository(PostEntity).findBy([{ id: post }, { id: pB }]);
      expect(rows.map((r) => r.isInsight)).toEqual([false, false]);
    });

    it('resolveThread refuses an accepted post of another thread or cohort, as for a missing one, and changes nothing', async () => {
      const thread = await start(M.token, open, 'Resolve zqresolve', 'b');
      const before = await threadRow(thread);
      const missing = await t.gql(RESOLVE, { input: { threadId: thread, acceptedPostId: randomUUID() } }, M.token);
      expectBadInput(missing, 'acceptedPostId');
      for (const acceptedPostId of [pFin, pB, pOpen]) {
        const res = await t.gql(RESOLVE, { input: { threadId: thread, acceptedPostId } }, M.token);
        expect(strip(res)).toEqual(strip(missing));
      }
      expect(await threadRow(thread)).toEqual(before);
      expect(codes(await t.gql(RESOLVE, { input: { threadId: thread } }, M2.token))).toEqual(['FORBIDDEN']);
    });

    it('a facilitator of two cohorts cannot move a thread across them, either way', async () => {
      const thread = await start(M.token, open, 'Move zqmove', 'b');
      const missing = await t.gql(MOVE, { input: { threadId: thread, spaceId: randomUUID() } }, FAB.token);
      expect(codes(missing)).toEqual(['NOT_FOUND']);
      const out = await t.gql(MOVE, { input: { threadId: thread, spaceId: spaceB } }, FAB.token);
      expect(strip(out)).toEqual(strip(missing));
      const into = await t.gql(MOVE, { input: { threadId: tB, spaceId: open } }, FAB.token);
      expect(codes(into)).toEqual(['NOT_FOUND']);
      expect((await threadRow(thread)).spaceId).toBe(open);
      expect((await threadRow(tB)).spaceId).toBe(spaceB);
      expect(codes(await t.gql(MOVE, { input: { threadId: thread, spaceId: finance } }, M.token))).toEqual([
        'FORBIDDEN',
      ]);
    });

    it('a thread moved into a narrower space disappears for everyone the new audience leaves out', async () => {
      const thread = await start(M2.token, open, 'Narrow zqnarrow', 'b');
      const post = await reply(M2.token, thread, 'zqnarrowpost');
      await t.ok(MOVE, { input: { threadId: thread, spaceId: finance } }, F.token);
      for (const who of [M2, S]) {
        expect(codes(await t.gql(THREAD, { id: thread }, who.token))).toEqual(['NOT_FOUND']);
        expect(codes(await t.gql(EDIT, { input: { postId: post, body: 'x' } }, who.token))).toEqual(['NOT_FOUND']);
        expect(await search(who.token, 'zqnarrow zqnarrowpost')).toEqual([]);
        expect(await search(who.token, 'zqnarrowpost')).toEqual([]);
      }
      expect(codes(await t.gql(RESOLVE, { input: { threadId: thread } }, M2.token))).toEqual(['NOT_FOUND']);
    });

    it('linkNeedToThread refuses a thread of another cohort exactly as a missing one, and only facilitators link', async () => {
      const need = await submitNeed(M.token, A, 'Link zqlink');
      const missing = await t.gql(LINK, { n: need, t: randomUUID() }, FAB.token);
      expect(codes(missing)).toEqual(['NOT_FOUND']);
      expect(strip(await t.gql(LINK, { n: need, t: tB }, FAB.token))).toEqual(strip(missing));
      expect(codes(await t.gql(LINK, { n: need, t: tOpen }, M.token))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(LINK, { n: needB, t: tOpen }, F.token))).toEqual(['NOT_FOUND']);
      const row = await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: need });
      expect({ status: row.status, linkedThreadId: row.linkedThreadId }).toEqual({
        status: 'OPEN',
        linkedThreadId: null,
      });
    });

    it('needs: scholars, vendors, observers and outsiders neither submit nor support', async () => {
      const count = (await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: needA })).supportCount;
      for (const who of [S, V, O, R, E, MB]) {
        const res = await t.gql(SUPPORT, { input: { needId: needA } }, who.token);
        expect(codes(res)).toEqual(['NOT_FOUND']);
        expect(codes(await t.gql(UNSUPPORT, { input: { needId: needA } }, who.token))).toEqual(['NOT_FOUND']);
      }
      expect((await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: needA })).supportCount).toBe(count);
      const need = await t.ok<{ need: { submittedBy: Author } }>(NEED, { id: needA }, M2.token);
      expect(need.need.submittedBy?.displayName).toBe(M.displayName);
    });
  });

  // ------------------------------------------------------------------ search

  describe('search', () => {
    it('snippets carry no markup from bodies or titles besides the <b> highlight (stored XSS)', async () => {
      const thread = await start(
        M.token,
        open,
        'zqxss <img src=x onerror=alert(1)> title',
        '<script>alert(document.cookie)</script> zqxss body <iframe src="https://evil.example">',
      );
      await reply(M2.token, thread, '<svg onload=alert(1)> zqxss reply <a href="javascript:alert(1)">x</a>');
      const edges = await search(M.token, 'zqxss');
      expect(edges.length).toBe(2);
      for (const { snippet } of edges) {
        expect(snippet).toContain('<b>zqxss</b>');
        expect(snippet.replace(/<\/?b>/g, '')).not.toMatch(/[<>]/);
      }
    });

    it('tsquery operators and SQL in the query are words, never syntax or errors', async () => {
      for (const query of [
        "zqopen & !zqfinance | zqfinance:* <-> ' \\ ( )",
        "zqopen'); DROP TABLE posts; --",
        "zqfinance' OR '1'='1",
        'zqfinance:*',
        '!!zqopen',
        'zqopen <2> zqfinance',
        '(zqopen | zqfinance)',
        '\\x00 zqopen',
        'zqöpen 東京 مرحبا 🙂 zqopen',
        'a'.repeat(200),
      ]) {
        const res = await t.gql<SearchData>(SEARCH, { cohortId: A, query, first: 50 }, M2.token);
        expectNoInternals(res);
        expect(res.errors).toBeUndefined();
        expect(JSON.stringify(res.data)).not.toMatch(/zqfinance (thread|secret)|zqfinreply/);
      }
      expect(await t.dataSource.getRepository(PostEntity).count()).toBeGreaterThan(0);
    });

    it('a query with a NUL character is BAD_USER_INPUT, not a 500', async () => {
      expectBadInput(await t.gql(SEARCH, { cohortId: A, query: 'zq\u0000open', first: 5 }, M.token));
    });

    it.each([0, -1, 51, 1_000_000])('first = %s is BAD_USER_INPUT', async (first) => {
      expectBadInput(await t.gql(SEARCH, { cohortId: A, query: 'zqopen', first }, M.token));
    });

    it('an outsider searching a cohort gets exactly the answer for a missing cohort', async () => {
      for (const who of [MB, FB]) {
        const res = await t.gql(SEARCH, { cohortId: A, query: 'zqopen', first: 5 }, who.token);
        expect(strip(res)).toEqual(
          strip(await t.gql(SEARCH, { cohortId: randomUUID(), query: 'zqopen', first: 5 }, who.token)),
        );
      }
      // A facilitator of both cohorts searching one finds nothing of the other.
      expect(await search(FAB.token, 'zqcohortb zqcohortbreply', A)).toEqual([]);
      expect(await search(FAB.token, 'zqopen zqopenreply', B)).toEqual([]);
    });

    it('results and their nested posts stay within what the reader may open', async () => {
      const edges = await search(
        M2.token,
        'zqopen zqopenreply zqfinance zqfinreply zqfaconly zqcohortb zqcohortbreply',
      );
      const ids = edges.map((e) => e.node.id);
      expect(ids).toEqual(expect.arrayContaining([tOpen, pOpen]));
      for (const hidden of [pFin, pB]) expect(ids).not.toContain(hidden);
      for (const hidden of [tFin, tFac, tB]) expect(ids).not.toContain(hidden);
      const nested = JSON.stringify(edges);
      expect(nested).not.toMatch(/zqfinreply|zqcohortbreply/);
    });
  });

  // ------------------------------------------------------------------ rendering

  describe('bodyHtml', () => {
    const VECTORS = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[a](javascript:alert(1))',
      '[a](JaVaScRiPt:alert(1))',
      '[a](javascript&#58;alert(1))',
      '[a](&#106;avascript:alert(1))',
      '[a](java\tscript:alert(1))',
      '<javascript:alert(1)>',
      '[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[a](vbscript:msgbox(1))',
      '[a](https://gov.example "t\\" onmouseover=\\"alert(1)")',
      '> > > <svg onload=alert(1)>',
      '![pixel](https://tracker.example/p.png)',
      '[![pixel](https://tracker.example/p.png)](https://gov.example)',
      '<https://gov.example/"onmouseover="alert(1)>',
      '[ref]: javascript:alert(1)\n\n[ref]',
      '<a href="https://gov.example" style="position:fixed" onclick="x()">a</a>',
      '<iframe src="https://evil.example"></iframe>',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      '| a |\n|---|\n| <img src=x onerror=alert(1)> |',
    ].join('\n\n');

    it('no scripts, event handlers, images, frames, styles or dangerous schemes, in threads or posts', async () => {
      const thread = await start(M.token, open, 'Render zqrender', VECTORS);
      const post = await reply(M2.token, thread, VECTORS);
      const seen = await readThread(M2.token, thread);
      for (const html of [seen.bodyHtml, seen.posts!.edges.find((e) => e.node.id === post)!.node.bodyHtml!]) {
        expect(html).not.toMatch(/<(script|img|svg|iframe|object|embed|style|form|input)\b/i);
        // Attribute names only: quoted values (with their quotes escaped) are inert text.
        const tags = (html.match(/<[a-z][^>]*>/gi) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
        for (const tag of tags) expect(tag).not.toMatch(/\s(on\w+|style|src|srcdoc|formaction)\s*=/i);
        for (const link of html.match(/<a\b[^>]*>/g) ?? []) {
          expect(link).toContain('rel="noopener noreferrer nofollow"');
          const href = /\shref="([^"]*)"/.exec(link)?.[1];
          if (href !== undefined) expect(href).toMatch(/^(https?:|mailto:|\/\/)/i);
        }
      }
    });
  });

  // ------------------------------------------------------------------ bad input

  describe('bad input is BAD_USER_INPUT, never a 500', () => {
    it.each([
      ['reply body', REPLY, () => ({ input: { threadId: tOpen, body: 'a\u0000b' } })],
      ['thread title', START, () => ({ input: { spaceId: open, title: 'a\u0000b', body: 'b', kind: 'QUESTION' } })],
      ['thread body', START, () => ({ input: { spaceId: open, title: 't', body: 'a\u0000b', kind: 'QUESTION' } })],
      ['edit body', EDIT, () => ({ input: { postId: pOpen, body: 'a\u0000b' } })],
      ['hide reason', HIDE, () => ({ input: { postId: pOpen, reason: 'a\u0000b' } })],
      ['need title', SUBMIT_NEED, () => ({ input: { cohortId: A, title: 'a\u0000b', description: 'd', theme: 't' } })],
      ['space title', CREATE_SPACE, () => ({ input: { cohortId: A, title: 'a\u0000b', purpose: 'p' } })],
      ['threads tag filter', THREADS, () => ({ spaceId: open, tag: 'a\u0000b' })],
    ])('a NUL character in the %s', async (_label, doc, vars) => {
      const token = doc === EDIT ? M2.token : doc === HIDE || doc === CREATE_SPACE ? F.token : M.token;
      const posts = await postCount();
      expectBadInput(await t.gql(doc, vars(), token));
      expect(await postCount()).toBe(posts);
    });

    it('oversized bodies, titles, reasons and tags are refused naming the field', async () => {
      expectBadInput(await t.gql(REPLY, { input: { threadId: tOpen, body: 'x'.repeat(20_001) } }, M.token), 'body');
      expectBadInput(await t.gql(EDIT, { input: { postId: pOpen, body: 'x'.repeat(20_001) } }, M2.token), 'body');
      expectBadInput(
        await t.gql(START, { input: { spaceId: open, title: 't'.repeat(201), body: 'b', kind: 'QUESTION' } }, M.token),
        'title',
      );
      expectBadInput(await t.gql(HIDE, { input: { postId: pOpen, reason: 'r'.repeat(501) } }, F.token), 'reason');
      for (const tags of [
        Array.from({ length: 11 }, (_, i) => `t${i}`),
        ['x'.repeat(41)],
        ['a\u202Eb'],
        ['\u200Bzq'],
      ]) {
        expectBadInput(
          await t.gql(START, { input: { spaceId: open, title: 't', body: 'b', kind: 'QUESTION', tags } }, M.token),
        );
      }
    });

    it('unicode oddities (lone surrogates, RTL overrides, combining marks) are stored or refused, never a 500', async () => {
      for (const body of [
        '\uD800 lone',
        'rtl \u202E gnp.exe',
        'z\u0301\u0301\u0301'.repeat(500),
        '🙂'.repeat(10_000),
      ]) {
        const res = await t.gql(REPLY, { input: { threadId: tOpen, body } }, M.token);
        expectNoInternals(res);
      }
    });

    it('ids that are not UUIDs, SQL or very long are NOT_FOUND or BAD_USER_INPUT, never internal', async () => {
      for (const id of ['x', "' OR 1=1 --", '00000000-0000-0000-0000-000000000000', 'a'.repeat(10_000)]) {
        for (const [doc, vars] of [
          [THREAD, { id }],
          [SPACE, { id }],
          [NEED, { id }],
          [DELETE, { id }],
          [LOCK, { id }],
          [REPLY, { input: { threadId: id, body: 'x' } }],
          [MOVE, { input: { threadId: tOpen, spaceId: id } }],
          [LINK, { n: needA, t: id }],
        ] as const) {
          const res = await t.gql(doc, vars, F.token);
          expectNoInternals(res);
          expect(['NOT_FOUND', 'BAD_USER_INPUT']).toContain(codes(res)?.[0]);
        }
      }
    });

    it.each([
      ['year 0000', ['0000-01-01T00:00:00Z', randomUUID()]],
      ['February 30', ['2023-02-30T00:00:00Z', randomUUID()]],
      ['hour 24', ['2023-01-01T24:00:00Z', randomUUID()]],
      ['not a key', ['2023-01-01T00:00:00Z', "x' OR '1'='1"]],
    ])('a crafted thread/post cursor (%s) is BAD_USER_INPUT or an empty page, never a 500', async (_label, key) => {
      for (const [doc, vars] of [
        [THREADS, { spaceId: open, after: cursorOf(key) }],
        [THREAD, { id: tOpen, after: cursorOf(key) }],
      ] as const) {
        const res = await t.gql(doc, vars, M.token);
        expectNoInternals(res);
        if (res.errors) expect(res.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    });

    it.each([
      ['a support count beyond int4', [2 ** 53 - 1, '2023-01-01T00:00:00.000Z', randomUUID()]],
      ['a negative support count beyond int4', [-(2 ** 53 - 1), '2023-01-01T00:00:00.000Z', randomUUID()]],
      ['year 0000', [1, '0000-01-01T00:00:00Z', randomUUID()]],
    ])('a crafted needs cursor (%s) is BAD_USER_INPUT or an empty page, never a 500', async (_label, key) => {
      const res = await t.gql(NEEDS, { id: A, after: cursorOf(key) }, M.token);
      expectNoInternals(res);
      if (res.errors) expect(res.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    });

    it("another thread's post cursor reads only this thread's posts", async () => {
      const other = await readThread(M.token, tFin);
      const cursor = other.posts!.edges[0].cursor!;
      const res = await t.ok<{ thread: ThreadNode }>(THREAD, { id: tOpen, after: cursor }, M2.token);
      for (const { node } of res.thread.posts!.edges) expect(node.threadId).toBe(tOpen);
      expect(JSON.stringify(res)).not.toContain('zqfinreply');
    });
  });

  // ------------------------------------------------------------------ concurrency and aliases

  describe('concurrency and aliases', () => {
    it('concurrent replies are all counted once', async () => {
      const thread = await start(M.token, open, 'Busy zqbusy', 'b');
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          t.gql(REPLY, { input: { threadId: thread, body: `r${i}` } }, [M, M2, F][i % 3].token),
        ),
      );
      expect(results.every((r) => r.errors === undefined)).toBe(true);
      expect((await threadRow(thread)).replyCount).toBe(25);
      expect(await t.dataSource.getRepository(PostEntity).countBy({ threadId: thread })).toBe(25);
    });

    it('a lock racing with replies leaves no reply after the lock and a true count', async () => {
      const thread = await start(M.token, open, 'Race zqrace', 'b');
      const replies = Array.from({ length: 12 }, (_, i) =>
        t.gql(REPLY, { input: { threadId: thread, body: `race ${i}` } }, [M, M2][i % 2].token),
      );
      const lock = t.ok(LOCK, { id: thread }, F.token);
      const results = await Promise.all(replies);
      await lock;
      for (const r of results) {
        if (r.errors) expect(r.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'THREAD_LOCKED' });
      }
      const stored = await t.dataSource.getRepository(PostEntity).countBy({ threadId: thread });
      expect(stored).toBe(results.filter((r) => !r.errors).length);
      expect((await threadRow(thread)).replyCount).toBe(stored);
      expect(codes(await t.gql(REPLY, { input: { threadId: thread, body: 'late' } }, F.token))).toEqual(['CONFLICT']);
      await t.ok(UNLOCK, { id: thread }, F.token);
    });

    it('within one document, a lock is in force for the aliased reply after it', async () => {
      const thread = await start(M.token, open, 'Alias zqalias', 'b');
      const res = await t.gql(
        `mutation ($id: ID!) { a: lockThread(threadId: $id) { id locked }
          b: reply(input: { threadId: $id, body: "after lock" }) { id } }`,
        { id: thread },
        F.token,
      );
      expect(res.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([['b', 'CONFLICT']]);
      expect(await t.dataSource.getRepository(PostEntity).countBy({ threadId: thread })).toBe(0);
    });

    it('aliased reads by a vendor leak nothing, and a hundred are refused outright', async () => {
      const fields = (n: number) =>
        Array.from({ length: n }, (_, i) =>
          i % 2 ? `a${i}: thread(id: "${tOpen}") { title body }` : `a${i}: need(id: "${needA}") { title }`,
        ).join(' ');
      const res = await t.gql(`query { ${fields(15)} }`, {}, V.token);
      expect(res.data ?? null).toBeNull();
      expect(new Set(codes(res))).toEqual(new Set(['NOT_FOUND']));
      expect(JSON.stringify(res)).not.toMatch(/zqopen|zqneeda/);
      const hundred = await t.gql(`query { ${fields(100)} }`, {}, V.token);
      expect(codes(hundred)).toContain('BAD_USER_INPUT');
      expect(JSON.stringify(hundred)).not.toMatch(/zqopen|zqneeda/);
    });

    it('aliased supports of one need in one document count once', async () => {
      const need = await submitNeed(M.token, A, 'Alias zqneedalias');
      const res = await t.gql(
        `mutation ($id: ID!) { a: supportNeed(input: { needId: $id }) { supportCount }
          b: supportNeed(input: { needId: $id }) { supportCount } c: supportNeed(input: { needId: $id }) { supportCount } }`,
        { id: need },
        M2.token,
      );
      expect(res.errors).toBeUndefined();
      expect((await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: need })).supportCount).toBe(1);
    });

    it('concurrent support and withdrawal keep the count equal to the supports', async () => {
      const need = await submitNeed(M.token, A, 'Race zqneedrace');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.gql(i % 2 ? UNSUPPORT : SUPPORT, { input: { needId: need } }, [M, M2, F, FAB][i % 4].token),
        ),
      );
      const rows = await t.dataSource.getRepository(NeedSupportEntity).countBy({ needId: need });
      expect((await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: need })).supportCount).toBe(rows);
    });
  });
});
