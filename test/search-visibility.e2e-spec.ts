import fc from 'fast-check';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { newCohort, newMember, ROLES, type Role, type TestMember } from './harness/factories.js';
import type { GqlResponse } from './harness/test-app.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

/**
 * Search never returns a thread or post the viewer could not open directly, and misses none that
 * they could: for random viewers, the hits of `search` are exactly the matching threads they can
 * open with `thread(id)` and the matching, visible replies in those threads, all of one cohort.
 */
const WORD = 'procurement';
const NUM_RUNS = 100;
const DAY = 86_400_000;
const MINISTRIES = ['finance', 'education', 'ict'] as const;
type Ministry = (typeof MINISTRIES)[number];
type Cohort = 'A' | 'B';

interface SpacePlan {
  label: string;
  audienceRoles: ('MEMBER' | 'SCHOLAR')[];
  audienceMinistries: Ministry[];
}

/** The searched cohort: every kind of audience, roles and ministries each empty, one or two. */
const PLAN_A: SpacePlan[] = [
  { label: 'A0', audienceRoles: [], audienceMinistries: [] },
  { label: 'A1', audienceRoles: ['MEMBER'], audienceMinistries: [] },
  { label: 'A2', audienceRoles: ['SCHOLAR'], audienceMinistries: [] },
  { label: 'A3', audienceRoles: ['MEMBER', 'SCHOLAR'], audienceMinistries: ['ict'] },
  { label: 'A4', audienceRoles: [], audienceMinistries: ['finance'] },
  { label: 'A5', audienceRoles: [], audienceMinistries: ['education', 'ict'] },
  { label: 'A6', audienceRoles: ['MEMBER'], audienceMinistries: ['finance', 'education'] },
  { label: 'A7', audienceRoles: ['SCHOLAR'], audienceMinistries: ['finance'] },
];

/** Another cohort with matching content that no search of cohort A may return. */
const PLAN_B: SpacePlan[] = [
  { label: 'B0', audienceRoles: [], audienceMinistries: [] },
  { label: 'B1', audienceRoles: ['MEMBER'], audienceMinistries: ['finance'] },
  { label: 'B2', audienceRoles: ['SCHOLAR'], audienceMinistries: [] },
];

/** Replies hidden by a facilitator; search must never return them, not even to facilitators. */
const HIDDEN = ['A1.0.r1', 'A3.1.r0', 'B0.0.r0'];
/** A thread whose own title and body do not match, though its replies do. */
const QUIET_THREAD = 'A1.1';

interface Space extends SpacePlan {
  id: string;
  cohort: Cohort;
}

interface Thread {
  id: string;
  label: string;
  space: Space;
  matches: boolean;
}

interface Post {
  id: string;
  label: string;
  thread: Thread;
  matches: boolean;
  hidden: boolean;
}

interface Viewer {
  role: Role;
  ministry: Ministry;
  status: 'ACTIVE' | 'REMOVED';
  /** No end date, an end date tomorrow, or one that passed yesterday. */
  window: 'none' | 'open' | 'closed';
  /** Labels of spaces (of either cohort) put in `grantedSpaceIds`. */
  grants: string[];
  /** A second, active membership in cohort B, so that rules of another cohort are in the ability. */
  roleInB: Role | null;
}

const inForce = (viewer: Viewer) => viewer.status === 'ACTIVE' && viewer.window !== 'closed';

/** The Space audience rules as specified, for a viewer whose (first) membership is in the space's cohort. */
function mayEnter(viewer: Viewer, space: Space): boolean {
  if (!inForce(viewer)) return false;
  switch (viewer.role) {
    case 'FACILITATOR':
      return true;
    case 'MEMBER':
      return (
        (space.audienceRoles.length === 0 || space.audienceRoles.includes('MEMBER')) &&
        (space.audienceMinistries.length === 0 || space.audienceMinistries.includes(viewer.ministry))
      );
    case 'SCHOLAR':
      return viewer.grants.includes(space.label);
    case 'VENDOR':
    case 'OBSERVER':
      return false;
  }
}

const CREATE_SPACE = 'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }';
const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';
const HIDE = 'mutation ($input: HidePostInput!) { hidePost(input: $input) { id hidden } }';
const THREAD = 'query ($id: ID!) { thread(id: $id) { id spaceId } }';
const SEARCH = `query ($cohortId: ID!, $query: String!) { search(cohortId: $cohortId, query: $query, first: 50) {
  edges { node { __typename ... on Thread { id spaceId } ... on Post { id threadId hidden body } } }
  pageInfo { hasNextPage } } }`;

type Node =
  | { __typename: 'Thread'; id: string; spaceId: string }
  | { __typename: 'Post'; id: string; threadId: string; hidden: boolean; body: string | null };
type SearchData = { search: { edges: { node: Node }[]; pageInfo: { hasNextPage: boolean } } };

describe('search visibility', () => {
  let t: TestApp;
  const cohortIds = {} as Record<Cohort, string>;
  const spaces: Space[] = [];
  const threads: Thread[] = [];
  const posts: Post[] = [];
  const threadsById = new Map<string, Thread>();
  const postsById = new Map<string, Post>();
  let cases = 0;
  const seen = { roles: new Set<Role>(), notFound: 0, withResults: 0 };

  /** An author: an active member with no end date. */
  const author = (role: Role, ministry: Ministry): Viewer => ({
    role,
    ministry,
    status: 'ACTIVE',
    window: 'none',
    grants: [],
    roleInB: null,
  });

  /** Creates spaces, threads and replies in one cohort, each written by someone who may post there. */
  async function fill(cohort: Cohort, plan: SpacePlan[]) {
    const cohortId = cohortIds[cohort];
    const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'ict' });
    const authors: { member: TestMember; viewer: Viewer }[] = [
      { member: facilitator, viewer: author('FACILITATOR', 'ict') },
    ];
    for (const ministry of MINISTRIES) {
      authors.push({
        member: await newMember(t, cohortId, { role: 'MEMBER', ministry }),
        viewer: author('MEMBER', ministry),
      });
    }
    const scholar = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'finance' });
    const spaceIds: string[] = [];
    for (const spacePlan of plan) {
      const { audienceRoles, audienceMinistries } = spacePlan;
      const created = await t.ok<{ createSpace: { id: string } }>(
        CREATE_SPACE,
        {
          input: {
            cohortId,
            title: `Space ${spacePlan.label}`,
            purpose: 'Search fixture',
            audienceRoles,
            audienceMinistries,
          },
        },
        facilitator.token,
      );
      const space: Space = { ...spacePlan, id: created.createSpace.id, cohort };
      spaces.push(space);
      spaceIds.push(space.id);
    }
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: scholar.membershipId }, { grantedSpaceIds: spaceIds });
    authors.push({ member: scholar, viewer: { ...author('SCHOLAR', 'finance'), grants: plan.map((s) => s.label) } });

    for (const [i, space] of spaces.filter((s) => s.cohort === cohort).entries()) {
      const eligible = authors.filter((a) => mayEnter(a.viewer, space)).map((a) => a.member);
      for (let j = 0; j < 1 + (i % 2); j++) {
        const label = `${space.label}.${j}`;
        const matches = label !== QUIET_THREAD;
        const input = matches
          ? { title: `Pooled ${WORD} in ${label}`, body: `What we learnt about ${WORD} of laptops.` }
          : { title: `Quiet thread ${label}`, body: 'Nothing to see in the opening post.' };
        const started = await t.ok<{ startThread: { id: string } }>(
          START,
          { input: { spaceId: space.id, kind: 'PRACTICE', ...input } },
          eligible[(i + j) % eligible.length].token,
        );
        const thread: Thread = { id: started.startThread.id, label, space, matches };
        threads.push(thread);
        threadsById.set(thread.id, thread);
        const replies = 1 + ((i + j) % 3);
        for (let k = 0; k <= replies; k++) {
          // The last reply of each thread does not mention the word.
          const postMatches = k < replies;
          const body = postMatches ? `Reply ${k}: our ${WORD} tender took months.` : `Reply ${k}: unrelated aside.`;
          const replied = await t.ok<{ reply: { id: string } }>(
            REPLY,
            { input: { threadId: thread.id, body } },
            eligible[(i + j + k + 1) % eligible.length].token,
          );
          const post: Post = {
            id: replied.reply.id,
            label: `${label}.r${k}`,
            thread,
            matches: postMatches,
            hidden: false,
          };
          posts.push(post);
          postsById.set(post.id, post);
        }
      }
    }
    for (const post of posts.filter((p) => p.thread.space.cohort === cohort && HIDDEN.includes(p.label))) {
      await t.ok(HIDE, { input: { postId: post.id, reason: 'Names a supplier' } }, facilitator.token);
      post.hidden = true;
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    cohortIds.A = (await newCohort(t)).id;
    cohortIds.B = (await newCohort(t)).id;
    await fill('A', PLAN_A);
    await fill('B', PLAN_B);
  }, 120_000);
  afterAll(() => t.close());

  it('has content in every space, some of it hidden, and fits in one page of results', () => {
    expect(spaces.filter((s) => s.cohort === 'A')).toHaveLength(PLAN_A.length);
    for (const space of spaces) expect(threads.some((th) => th.space === space)).toBe(true);
    expect(posts.filter((p) => p.hidden).map((p) => p.label)).toEqual(HIDDEN);
    expect(threads.filter((th) => !th.matches).map((th) => th.label)).toEqual([QUIET_THREAD]);
    const everything = threads.filter((th) => th.space.cohort === 'A' && th.matches).length;
    const visiblePosts = posts.filter((p) => p.thread.space.cohort === 'A' && p.matches && !p.hidden).length;
    expect(everything + visiblePosts).toBeLessThan(50);
  });

  const viewerArbitrary = (): fc.Arbitrary<Viewer> =>
    fc.record({
      role: fc.constantFrom(...ROLES),
      ministry: fc.constantFrom(...MINISTRIES),
      status: fc.oneof({ weight: 4, arbitrary: fc.constant('ACTIVE' as const) }, fc.constant('REMOVED' as const)),
      window: fc.constantFrom('none' as const, 'open' as const, 'closed' as const),
      grants: fc.subarray([...PLAN_A, ...PLAN_B].map((s) => s.label)),
      roleInB: fc.option(fc.constantFrom(...ROLES), { nil: null, freq: 2 }),
    });

  async function createViewer(viewer: Viewer): Promise<TestMember> {
    const now = t.clock.now().getTime();
    const member = await newMember(t, cohortIds.A, {
      role: viewer.role,
      ministry: viewer.ministry,
      status: viewer.status,
      accessExpiresAt: { none: null, open: new Date(now + DAY), closed: new Date(now - DAY) }[viewer.window],
    });
    if (viewer.grants.length) {
      const grantedSpaceIds = spaces.filter((s) => viewer.grants.includes(s.label)).map((s) => s.id);
      await t.dataSource.getRepository(MembershipEntity).update({ id: member.membershipId }, { grantedSpaceIds });
    }
    if (viewer.roleInB)
      await newMember(t, cohortIds.B, { role: viewer.roleInB, ministry: viewer.ministry, user: member });
    return member;
  }

  /** The threads of cohort A that this viewer can open directly; anything but success or NOT_FOUND fails. */
  async function openable(token: string): Promise<Set<Thread>> {
    const opened = new Set<Thread>();
    for (const thread of threads.filter((th) => th.space.cohort === 'A')) {
      const res = await t.gql<{ thread: { id: string; spaceId: string } }>(THREAD, { id: thread.id }, token);
      if (res.errors?.length) {
        expect({ thread: thread.label, codes: res.errors.map((e) => e.extensions?.code) }).toEqual({
          thread: thread.label,
          codes: ['NOT_FOUND'],
        });
      } else {
        expect(res.data?.thread).toEqual({ id: thread.id, spaceId: thread.space.id });
        opened.add(thread);
      }
    }
    return opened;
  }

  /** Why a search hit should not be there, or null if it should. */
  function wrongHit(node: Node, opened: Set<Thread>): string | null {
    if (node.__typename === 'Thread') {
      const thread = threadsById.get(node.id);
      if (!thread) return `Thread ${node.id} (unknown)`;
      const name = `Thread ${thread.label}`;
      if (thread.space.cohort !== 'A') return `${name} (other cohort)`;
      if (!opened.has(thread)) return `${name} (thread(id) is NOT_FOUND)`;
      if (!thread.matches) return `${name} (does not match)`;
      if (node.spaceId !== thread.space.id) return `${name} (wrong spaceId)`;
      return null;
    }
    const post = postsById.get(node.id);
    if (!post) return `Post ${node.id} (unknown)`;
    const name = `Post ${post.label}`;
    if (post.thread.space.cohort !== 'A') return `${name} (other cohort)`;
    if (!opened.has(post.thread)) return `${name} (its thread is NOT_FOUND)`;
    if (post.hidden || node.hidden) return `${name} (hidden)`;
    if (!post.matches) return `${name} (does not match)`;
    if (node.threadId !== post.thread.id) return `${name} (wrong threadId)`;
    if (node.body === null) return `${name} (no body)`;
    return null;
  }

  it(`returns exactly the matching threads and posts the viewer can open (${NUM_RUNS} viewers)`, async () => {
    const property = fc.asyncProperty(viewerArbitrary(), async (viewer) => {
      cases++;
      seen.roles.add(viewer.role);
      const member = await createViewer(viewer);
      const res: GqlResponse<SearchData> = await t.gql<SearchData>(
        SEARCH,
        { cohortId: cohortIds.A, query: WORD },
        member.token,
      );
      const opened = await openable(member.token);
      // The oracle itself follows the specified audience rules.
      const expectedOpen = threads.filter((th) => th.space.cohort === 'A' && mayEnter(viewer, th.space));
      expect([...opened].map((th) => th.label).sort()).toEqual(expectedOpen.map((th) => th.label).sort());

      if (!inForce(viewer)) {
        seen.notFound++;
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
        expect(res.data ?? null).toBeNull();
        return;
      }
      expect(res.errors).toBeUndefined();
      const search = res.data!.search;
      expect(search.pageInfo.hasNextPage).toBe(false);
      const nodes = search.edges.map((e) => e.node);
      if (nodes.length) seen.withResults++;

      const leaked = nodes.map((node) => wrongHit(node, opened)).filter((why) => why !== null);
      const returned = new Set(nodes.map((node) => node.id));
      const expected = [
        ...threads
          .filter((th) => opened.has(th) && th.matches)
          .map((th) => ({ id: th.id, name: `Thread ${th.label}` })),
        ...posts
          .filter((p) => opened.has(p.thread) && p.matches && !p.hidden)
          .map((p) => ({ id: p.id, name: `Post ${p.label}` })),
      ];
      const missing = expected.filter((hit) => !returned.has(hit.id)).map((hit) => hit.name);
      const duplicates = nodes.length - returned.size;
      expect({ leaked, missing, duplicates }).toEqual({ leaked: [], missing: [], duplicates: 0 });
    });
    await fc.assert(property, { numRuns: NUM_RUNS });
    expect(cases).toBe(NUM_RUNS);
    // Not vacuous: every role was tried, some viewers were refused, some found something.
    expect([...seen.roles].sort()).toEqual([...ROLES].sort());
    expect(seen.notFound).toBeGreaterThan(0);
    expect(seen.withResults).toBeGreaterThan(0);
  }, 120_000);
});
