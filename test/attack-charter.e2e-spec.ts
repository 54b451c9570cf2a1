import { randomUUID } from 'node:crypto';
import { RetentionService } from '../src/charter/retention.service.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { adminToken, newCohort, newMember, newUser, type Role, type TestMember } from './harness/factories.js';
import { type GqlResponse, startTestApp, type TestApp } from './harness/test-app.js';

/**
 * Security review of the co-created charter: proposals, votes, ratification, acceptance, the gate,
 * policy enforcement, retention and exports. Every test asserts the SAFE outcome: a failing test
 * is a vulnerability.
 */

const PROPOSE = 'mutation ($input: ProposeNormInput!) { proposeNorm(input: $input) { id status } }';
const VOTE =
  'mutation ($input: VoteOnNormInput!) { voteOnNorm(input: $input) { id status myVote tally { agree abstain disagree block } } }';
const RATIFY =
  'mutation ($input: RatifyCharterInput!) { ratifyCharter(input: $input) { version norms { title } policy { attribution observers vendorAccess externalSharing retentionDays } } }';
const ACCEPT = 'mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { id acceptedCharterVersion } }';
const WITHDRAW = 'mutation ($id: ID!) { withdrawNorm(proposalId: $id) { id status } }';
const COMMENT = 'mutation ($input: CommentOnProposalInput!) { commentOnProposal(input: $input) { id body } }';
const PROPOSALS = `query ($cohortId: ID!) { normProposals(cohortId: $cohortId, first: 50) {
  edges { node { id title text status myVote tally { agree abstain disagree block } comments { id body } } } } }`;
const CHARTER = 'query ($cohortId: ID!, $version: Int) { charter(cohortId: $cohortId, version: $version) { version } }';
const SPACES = 'query ($cohortId: ID!) { spaces(cohortId: $cohortId) { edges { node { id } } } }';
const SPACE = 'query ($id: ID!) { space(id: $id) { id } }';
const THREAD = 'query ($id: ID!) { thread(id: $id) { id title body posts { edges { node { id body } } } } }';
const SEARCH = `query ($cohortId: ID!, $q: String!) { search(cohortId: $cohortId, query: $q) {
  edges { snippet node { ... on Thread { id } ... on Post { id } } } } }`;
const NEEDS = 'query ($cohortId: ID!) { needs(cohortId: $cohortId) { edges { node { id } } } }';
const NEED = 'query ($id: ID!) { need(id: $id) { id } }';
const EXPORT = 'query ($id: ID!) { exportThread(threadId: $id) }';
const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';
const HIDE = 'mutation ($input: HidePostInput!) { hidePost(input: $input) { id } }';
const DELETE = 'mutation ($id: ID!) { deletePost(postId: $id) { id } }';
const EDIT = 'mutation ($input: EditPostInput!) { editPost(input: $input) { id } }';
const REACT = 'mutation ($input: ReactInput!) { react(input: $input) { id } }';
const SUBMIT_NEED = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { id } }';
const INVITE = 'mutation ($input: InviteInput!) { invite(input: $input) { id token } }';
const ACCEPT_INVITATION =
  'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { membership { id role } } }';
const CHANGE_ROLE = 'mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id role } }';
const REMOVE = 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }';
const MEMBERS = 'query ($id: ID!) { cohort(id: $id) { members(first: 100) { edges { node { id } } } } }';

type Tally = { agree: number; abstain: number; disagree: number; block: number };
type ProposalNode = {
  id: string;
  status: string;
  myVote: string | null;
  tally: Tally;
  comments: { id: string; body: string }[];
};
type Edges<T> = { edges: { node: T }[] };

const codes = (res: GqlResponse) => res.errors?.map((e) => e.extensions?.code);
const codeAt = (res: GqlResponse, path: string) => res.errors?.find((e) => e.path?.[0] === path)?.extensions?.code;

/** No error may be a 500 or carry a stack, SQL or internal names. */
function expectNoInternals(res: GqlResponse) {
  expect(res.status).toBeLessThan(500);
  const text = JSON.stringify(res.errors ?? []);
  expect(text).not.toMatch(/stack|QueryFailed|typeorm|postgres|SELECT |INSERT |\bat \/|\.ts:\d/i);
  expect(codes(res) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
}

const OUTSIDE_ACTORS = ['ADMIN', 'OUTSIDER', 'REMOVED', 'EXPIRED'] as const;
const NON_FULL_ROLES = ['SCHOLAR', 'VENDOR', 'OBSERVER'] as const;
type Actor = (typeof OUTSIDE_ACTORS)[number] | (typeof NON_FULL_ROLES)[number];

interface World {
  cohortId: string;
  otherCohortId: string;
  spaceId: string;
  threadId: string;
  postId: string;
  needId: string;
  admin: string;
  F: TestMember; // facilitator
  F2: TestMember; // second facilitator
  M1: TestMember; // member, "Amina Odhiambo", finance, KE
  M2: TestMember; // member, "Kwame Mensah", education, GH
  S: TestMember; // scholar granted the space
  V: TestMember; // vendor granted the space
  O: TestMember; // observer
  R: TestMember; // removed member, "Fatou Diallo"
  X: TestMember; // member whose access window has closed
  OB: TestMember; // facilitator of the other cohort
  tokens: Record<Actor, string>;
}

describe('attack: the co-created charter', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const member = async (cohortId: string, role: Role, extra: Parameters<typeof newMember>[2] = {}, name?: string) =>
    newMember(t, cohortId, { role, ...extra, user: name ? await newUser(t, { displayName: name }) : undefined });

  async function world(): Promise<World> {
    const cohortId = (await newCohort(t)).id;
    const otherCohortId = (await newCohort(t)).id;
    const F = await member(cohortId, 'FACILITATOR', { ministry: 'ict', country: 'RW' });
    const F2 = await member(cohortId, 'FACILITATOR', { ministry: 'ict', country: 'RW' });
    const M1 = await member(cohortId, 'MEMBER', { ministry: 'finance', country: 'KE' }, 'Amina Odhiambo');
    const M2 = await member(cohortId, 'MEMBER', { ministry: 'education', country: 'GH' }, 'Kwame Mensah');
    const S = await member(cohortId, 'SCHOLAR', { ministry: 'academia', country: 'SN' });
    const V = await member(cohortId, 'VENDOR', { ministry: 'private-sector', country: 'US' });
    const O = await member(cohortId, 'OBSERVER', { ministry: 'other', country: 'FR' });
    const R = await member(cohortId, 'MEMBER', { status: 'REMOVED' }, 'Fatou Diallo');
    const X = await member(cohortId, 'MEMBER', { accessExpiresAt: new Date(Date.now() - 60_000) });
    const OB = await member(otherCohortId, 'FACILITATOR');
    const spaceId = (
      await t.ok<{ createSpace: { id: string } }>(
        'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
        { input: { cohortId, title: 'Open', purpose: 'p' } },
        F.token,
      )
    ).createSpace.id;
    await t.dataSource.getRepository(MembershipEntity).update({ id: S.membershipId }, { grantedSpaceIds: [spaceId] });
    await t.dataSource.getRepository(MembershipEntity).update({ id: V.membershipId }, { grantedSpaceIds: [spaceId] });
    const threadId = (
      await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId, title: 'Payroll reform', body: 'Where do we start', kind: 'QUESTION' } },
        M1.token,
      )
    ).startThread.id;
    const postId = (await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body: 'With data' } }, M2.token))
      .reply.id;
    const needId = (
      await t.ok<{ submitNeed: { id: string } }>(
        SUBMIT_NEED,
        { input: { cohortId, title: 'Payroll', description: 'Ghost workers', theme: 'payroll' } },
        M1.token,
      )
    ).submitNeed.id;
    const admin = await adminToken(t);
    const tokens: Record<Actor, string> = {
      SCHOLAR: S.token,
      VENDOR: V.token,
      OBSERVER: O.token,
      ADMIN: admin,
      OUTSIDER: OB.token,
      REMOVED: R.token,
      EXPIRED: X.token,
    };
    return {
      cohortId,
      otherCohortId,
      spaceId,
      threadId,
      postId,
      needId,
      admin,
      F,
      F2,
      M1,
      M2,
      S,
      V,
      O,
      R,
      X,
      OB,
      tokens,
    };
  }

  const propose = async (cohortId: string, by: TestMember, extra: Record<string, unknown> = {}) =>
    (
      await t.ok<{ proposeNorm: { id: string } }>(
        PROPOSE,
        { input: { cohortId, title: 'Norm', text: 'We agree to…', ...extra } },
        by.token,
      )
    ).proposeNorm.id;
  const vote = (proposalId: string, by: TestMember, position = 'AGREE') =>
    t.ok<{ voteOnNorm: { tally: Tally } }>(VOTE, { input: { proposalId, position } }, by.token);
  const ratify = (cohortId: string, by: TestMember, proposalIds: string[]) =>
    t.gql<{ ratifyCharter: { version: number; norms: { title: string }[] } }>(
      RATIFY,
      { input: { cohortId, proposalIds } },
      by.token,
    );
  const accept = (cohortId: string, version: number, tokens: string[]) =>
    Promise.all(tokens.map((token) => t.ok(ACCEPT, { input: { cohortId, version } }, token)));
  const versionOf = async (cohortId: string) =>
    (await t.dataSource.query<{ v: number }[]>('SELECT charter_version AS v FROM cohorts WHERE id = $1', [cohortId]))[0]
      .v;
  const count = async (sql: string, params: unknown[]) =>
    (await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;

  /** Ratifies a policy change agreed by the full members in force, then everyone in force accepts it. */
  async function adopt(w: World, policyChange: Record<string, unknown>): Promise<number> {
    const proposalId = await propose(w.cohortId, w.M1, { title: `Policy ${randomUUID()}`, policyChange });
    for (const m of [w.F, w.M1, w.M2]) await vote(proposalId, m);
    const res = await ratify(w.cohortId, w.F, [proposalId]);
    expect(res.errors).toBeUndefined();
    const version = res.data!.ratifyCharter.version;
    await accept(
      w.cohortId,
      version,
      [w.F, w.F2, w.M1, w.M2, w.S, w.V, w.O].map((m) => m.token),
    );
    return version;
  }

  // ---------------------------------------------------------------------------------------------
  describe('proposals, votes, tallies and comments are for full members only', () => {
    let w: World;
    let proposalId: string;
    beforeAll(async () => {
      w = await world();
      proposalId = await propose(w.cohortId, w.M1, { title: 'Secret norm', text: 'Confidential deliberation' });
      await vote(proposalId, w.M2, 'BLOCK');
      await t.ok(COMMENT, { input: { proposalId, body: 'Sensitive discussion' } }, w.M1.token);
    });

    it.each(NON_FULL_ROLES)('%s sees an empty proposal list', async (actor) => {
      const res = await t.gql<{ normProposals: Edges<ProposalNode> }>(
        PROPOSALS,
        { cohortId: w.cohortId },
        w.tokens[actor],
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.normProposals.edges).toEqual([]);
    });

    it('the platform admin sees an empty proposal list', async () => {
      const res = await t.gql<{ normProposals: Edges<ProposalNode> }>(PROPOSALS, { cohortId: w.cohortId }, w.admin);
      expect(res.errors).toBeUndefined();
      expect(res.data?.normProposals.edges).toEqual([]);
    });

    it.each(['OUTSIDER', 'REMOVED', 'EXPIRED'] as const)('%s gets NOT_FOUND for the proposal list', async (actor) => {
      const res = await t.gql(PROPOSALS, { cohortId: w.cohortId }, w.tokens[actor]);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(res.data ?? {})).not.toContain('Secret norm');
    });

    it('an observer sees no proposals even while the charter admits observers', async () => {
      const v = await world();
      await adopt(v, { observers: 'ALLOWED' });
      const hidden = await propose(v.cohortId, v.M1, { title: 'Observer-free deliberation' });
      const res = await t.gql<{ normProposals: Edges<ProposalNode> }>(PROPOSALS, { cohortId: v.cohortId }, v.O.token);
      expect(res.errors).toBeUndefined();
      expect(res.data?.normProposals.edges).toEqual([]);
      expect(codes(await t.gql(VOTE, { input: { proposalId: hidden, position: 'AGREE' } }, v.O.token))).toEqual([
        'NOT_FOUND',
      ]);
    });

    it.each([...NON_FULL_ROLES, ...OUTSIDE_ACTORS])(
      '%s cannot vote, withdraw or comment by id (NOT_FOUND), and nothing changes',
      async (actor) => {
        const votes = await count('norm_votes WHERE proposal_id = $1', [proposalId]);
        const comments = await count('norm_proposal_comments WHERE proposal_id = $1', [proposalId]);
        for (const position of ['AGREE', 'BLOCK']) {
          const res = await t.gql(VOTE, { input: { proposalId, position } }, w.tokens[actor]);
          expect(codes(res)).toEqual(['NOT_FOUND']);
        }
        expect(codes(await t.gql(WITHDRAW, { id: proposalId }, w.tokens[actor]))).toEqual(['NOT_FOUND']);
        expect(codes(await t.gql(COMMENT, { input: { proposalId, body: 'sneaky' } }, w.tokens[actor]))).toEqual([
          'NOT_FOUND',
        ]);
        expect(await count('norm_votes WHERE proposal_id = $1', [proposalId])).toBe(votes);
        expect(await count('norm_proposal_comments WHERE proposal_id = $1', [proposalId])).toBe(comments);
        expect(await count("norm_proposals WHERE id = $1 AND status = 'OPEN'", [proposalId])).toBe(1);
      },
    );

    it.each([...NON_FULL_ROLES, ...OUTSIDE_ACTORS])('%s cannot propose, and no proposal is written', async (actor) => {
      const before = await count('norm_proposals WHERE cohort_id = $1', [w.cohortId]);
      const res = await t.gql(PROPOSE, { input: { cohortId: w.cohortId, title: 'x', text: 'y' } }, w.tokens[actor]);
      expect(codes(res)).toEqual([['OUTSIDER', 'REMOVED', 'EXPIRED'].includes(actor) ? 'NOT_FOUND' : 'FORBIDDEN']);
      expect(await count('norm_proposals WHERE cohort_id = $1', [w.cohortId])).toBe(before);
    });

    it('a facilitator of another cohort cannot reach proposals, tallies or comments through any path', async () => {
      const res = await t.gql(
        `query ($a: ID!, $b: ID!) { a: normProposals(cohortId: $a) { edges { node { id } } }
           b: normProposals(cohortId: $b) { edges { node { id tally { block } comments { body } } } } }`,
        { a: w.otherCohortId, b: w.cohortId },
        w.OB.token,
      );
      expect(JSON.stringify(res.data ?? {})).not.toMatch(/Sensitive|Secret/);
      expect(codeAt(res, 'b')).toBe('NOT_FOUND');
    });

    it("a full member cannot withdraw someone else's proposal", async () => {
      expect(await t.errorCode(WITHDRAW, { id: proposalId }, w.F.token)).toBe('FORBIDDEN');
      expect(await count("norm_proposals WHERE id = $1 AND status = 'OPEN'", [proposalId])).toBe(1);
    });

    it('myVote is the caller’s own and never another member’s', async () => {
      const res = await t.ok<{ normProposals: Edges<ProposalNode> }>(PROPOSALS, { cohortId: w.cohortId }, w.M1.token);
      const node = res.normProposals.edges.find((e) => e.node.id === proposalId)!.node;
      expect(node.myVote).toBeNull();
      expect(node.tally.block).toBe(1);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('votes', () => {
    it('a member votes once however often (and however concurrently) they vote', async () => {
      const w = await world();
      const proposalId = await propose(w.cohortId, w.M1);
      await vote(proposalId, w.M2, 'AGREE');
      await vote(proposalId, w.M2, 'AGREE');
      await Promise.all(
        ['AGREE', 'AGREE', 'AGREE', 'AGREE', 'AGREE'].map((position) =>
          t.gql(VOTE, { input: { proposalId, position } }, w.M2.token),
        ),
      );
      const { tally } = (await vote(proposalId, w.M2, 'AGREE')).voteOnNorm;
      expect(tally).toEqual({ agree: 1, abstain: 0, disagree: 0, block: 0 });
      expect(await count('norm_votes WHERE proposal_id = $1', [proposalId])).toBe(1);
    });

    it('nobody can vote for someone else (no such input field)', async () => {
      const w = await world();
      const proposalId = await propose(w.cohortId, w.M1);
      for (const extra of [{ membershipId: w.M2.membershipId }, { userId: w.M2.id }]) {
        const res = await t.gql(VOTE, { input: { proposalId, position: 'AGREE', ...extra } }, w.M1.token);
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      }
      expect(await count('norm_votes WHERE proposal_id = $1', [proposalId])).toBe(0);
    });

    it('removed, expired and demoted members cannot vote, and their earlier votes lapse from tally and quorum', async () => {
      const cohortId = (await newCohort(t)).id;
      const F = await member(cohortId, 'FACILITATOR');
      const voters = [
        await member(cohortId, 'MEMBER'),
        await member(cohortId, 'MEMBER'),
        await member(cohortId, 'MEMBER'),
      ];
      const proposalId = await propose(cohortId, F);
      for (const v of voters) await vote(proposalId, v, 'AGREE');
      // One removed, one whose window closes, one demoted to observer.
      await t.ok(REMOVE, { input: { membershipId: voters[0].membershipId } }, F.token);
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: voters[1].membershipId }, { accessExpiresAt: new Date(Date.now() - 1000) });
      await t.ok(CHANGE_ROLE, { input: { membershipId: voters[2].membershipId, role: 'OBSERVER' } }, F.token);
      for (const v of voters) {
        const res = await t.gql(VOTE, { input: { proposalId, position: 'BLOCK' } }, v.token);
        expect(codes(res)).toEqual(['NOT_FOUND']);
      }
      const list = await t.ok<{ normProposals: Edges<ProposalNode> }>(PROPOSALS, { cohortId }, F.token);
      expect(list.normProposals.edges[0].node.tally).toEqual({ agree: 0, abstain: 0, disagree: 0, block: 0 });
      // Three lapsed AGREEs must not reach quorum for the one full member left (who has not voted).
      const res = await ratify(cohortId, F, [proposalId]);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'NO_QUORUM' });
      expect(await versionOf(cohortId)).toBe(1);
    });

    it('a lapsed AGREE cannot outvote a live DISAGREE', async () => {
      const cohortId = (await newCohort(t)).id;
      const F = await member(cohortId, 'FACILITATOR');
      const M = await member(cohortId, 'MEMBER');
      const gone = [await member(cohortId, 'MEMBER'), await member(cohortId, 'MEMBER')];
      const proposalId = await propose(cohortId, F);
      await vote(proposalId, F, 'AGREE');
      await vote(proposalId, M, 'DISAGREE');
      for (const g of gone) await vote(proposalId, g, 'AGREE');
      for (const g of gone) await t.ok(REMOVE, { input: { membershipId: g.membershipId } }, F.token);
      const res = await ratify(cohortId, F, [proposalId]);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOT_ENOUGH_AGREEMENT' });
    });

    it('nobody votes on an adopted or a withdrawn proposal', async () => {
      const w = await world();
      const adopted = await propose(w.cohortId, w.M1);
      for (const m of [w.F, w.M1, w.M2]) await vote(adopted, m);
      expect((await ratify(w.cohortId, w.F, [adopted])).errors).toBeUndefined();
      const withdrawn = await propose(w.cohortId, w.M1);
      await t.ok(WITHDRAW, { id: withdrawn }, w.M1.token);
      for (const proposalId of [adopted, withdrawn]) {
        const res = await t.gql(VOTE, { input: { proposalId, position: 'BLOCK' } }, w.M2.token);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROPOSAL_CLOSED' });
      }
      expect(await count("norm_votes WHERE proposal_id = ANY($1) AND position = 'BLOCK'", [[adopted, withdrawn]])).toBe(
        0,
      );
      // Withdrawing an adopted proposal does not un-adopt it.
      const res = await t.gql(WITHDRAW, { id: adopted }, w.M1.token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROPOSAL_CLOSED' });
      expect(await count("norm_proposals WHERE id = $1 AND status = 'ADOPTED'", [adopted])).toBe(1);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('ratification', () => {
    it("refuses another cohort's proposals, even adoptable ones, and changes neither cohort", async () => {
      const w = await world();
      const other = await member(w.otherCohortId, 'MEMBER');
      const foreign = await propose(w.otherCohortId, w.OB, { policyChange: { externalSharing: 'ALLOWED' } });
      await vote(foreign, w.OB);
      await vote(foreign, other);
      const res = await ratify(w.cohortId, w.F, [foreign]);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expectNoInternals(res);
      // Same answer as for an id that does not exist: nothing about the other cohort leaks.
      const unknown = await ratify(w.cohortId, w.F, [randomUUID()]);
      expect(unknown.errors?.[0].message).toBe(res.errors?.[0].message);
      expect(await versionOf(w.cohortId)).toBe(1);
      expect(await versionOf(w.otherCohortId)).toBe(1);
      expect(await count("norm_proposals WHERE id = $1 AND status = 'OPEN'", [foreign])).toBe(1);
      // And the other cohort's facilitator cannot ratify this cohort.
      const own = await propose(w.cohortId, w.M1);
      expect(codes(await ratify(w.cohortId, w.OB, [own]))).toEqual(['NOT_FOUND']);
    });

    it('counts a duplicated id once: one norm appended, one version made', async () => {
      const w = await world();
      const proposalId = await propose(w.cohortId, w.M1, { title: 'Once only' });
      for (const m of [w.F, w.M1, w.M2]) await vote(proposalId, m);
      const res = await ratify(w.cohortId, w.F, [proposalId, proposalId, proposalId]);
      expect(res.errors).toBeUndefined();
      expect(res.data!.ratifyCharter.version).toBe(2);
      expect(res.data!.ratifyCharter.norms.filter((n) => n.title === 'Once only')).toHaveLength(1);
      expect(await count('charter_versions WHERE cohort_id = $1', [w.cohortId])).toBe(2);
    });

    it('refuses withdrawn and already-adopted proposals, and a list that mixes one in', async () => {
      const w = await world();
      const good = await propose(w.cohortId, w.M1);
      const withdrawn = await propose(w.cohortId, w.M1);
      for (const id of [good, withdrawn]) for (const m of [w.F, w.M1, w.M2]) await vote(id, m);
      await t.ok(WITHDRAW, { id: withdrawn }, w.M1.token);
      const mixed = await ratify(w.cohortId, w.F, [good, withdrawn]);
      expect(mixed.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROPOSAL_CLOSED' });
      expect(await count("norm_proposals WHERE id = $1 AND status = 'OPEN'", [good])).toBe(1);
      expect(await versionOf(w.cohortId)).toBe(1);
      expect((await ratify(w.cohortId, w.F, [good])).errors).toBeUndefined();
      const again = await ratify(w.cohortId, w.F, [good]);
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROPOSAL_CLOSED' });
      expect(await versionOf(w.cohortId)).toBe(2);
    });

    it('two racing ratifications of one proposal make exactly one version', async () => {
      const w = await world();
      const proposalId = await propose(w.cohortId, w.M1, { title: 'Raced' });
      for (const m of [w.F, w.M1, w.M2]) await vote(proposalId, m);
      const results = await Promise.all([
        ratify(w.cohortId, w.F, [proposalId]),
        ratify(w.cohortId, w.F2, [proposalId]),
        ratify(w.cohortId, w.F, [proposalId]),
      ]);
      expect(results.filter((r) => !r.errors).length).toBe(1);
      for (const r of results.filter((x) => x.errors)) {
        expect(r.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROPOSAL_CLOSED' });
      }
      expect(await versionOf(w.cohortId)).toBe(2);
      expect(await count('charter_versions WHERE cohort_id = $1', [w.cohortId])).toBe(2);
      expect(
        await count(
          "charter_norms n JOIN charter_versions v ON v.id = n.charter_version_id WHERE v.cohort_id = $1 AND n.title = 'Raced'",
          [w.cohortId],
        ),
      ).toBe(1);
    });

    it('two racing ratifications that set one field differently cannot both win', async () => {
      const w = await world();
      const named = await propose(w.cohortId, w.M1, { policyChange: { attribution: 'NAMED' } });
      const anonymous = await propose(w.cohortId, w.M2, { policyChange: { attribution: 'ANONYMOUS' } });
      for (const id of [named, anonymous]) for (const m of [w.F, w.M1, w.M2]) await vote(id, m);
      const results = await Promise.all([ratify(w.cohortId, w.F, [named]), ratify(w.cohortId, w.F2, [anonymous])]);
      expect(results.filter((r) => !r.errors).length).toBe(1);
      const loser = results.find((r) => r.errors)!;
      expect(loser.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_PROPOSAL' });
      expect(await versionOf(w.cohortId)).toBe(2);
    });

    it('only a facilitator ratifies, and not through a mutation alias by a member', async () => {
      const w = await world();
      const proposalId = await propose(w.cohortId, w.M1);
      for (const m of [w.F, w.M1, w.M2]) await vote(proposalId, m);
      const res = await t.gql(
        `mutation ($i: RatifyCharterInput!) { a: ratifyCharter(input: $i) { version } }`,
        { i: { cohortId: w.cohortId, proposalIds: [proposalId] } },
        w.M1.token,
      );
      expect(codes(res)).toEqual(['FORBIDDEN']);
      for (const actor of [...NON_FULL_ROLES, ...OUTSIDE_ACTORS]) {
        const r = await t.gql(RATIFY, { input: { cohortId: w.cohortId, proposalIds: [proposalId] } }, w.tokens[actor]);
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codes(r)?.[0]);
      }
      expect(await versionOf(w.cohortId)).toBe(1);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('acceptance', () => {
    it('accepts only the version in force, for the caller only', async () => {
      const w = await world();
      await adopt(w, { attribution: 'NAMED' });
      const late = await member(w.cohortId, 'MEMBER', { charterAccepted: false });
      for (const version of [1, 3, 2147483647]) {
        const res = await t.gql(ACCEPT, { input: { cohortId: w.cohortId, version } }, late.token);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CHARTER_VERSION_NOT_CURRENT' });
      }
      expect(codes(await t.gql(SPACES, { cohortId: w.cohortId }, late.token))).toEqual(['CHARTER_NOT_ACCEPTED']);
      // No input names another member.
      const forOther = await t.gql(
        ACCEPT,
        { input: { cohortId: w.cohortId, version: 2, membershipId: w.M2.membershipId } },
        late.token,
      );
      expect(codes(forOther)).toEqual(['BAD_USER_INPUT']);
      expect(
        (await t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: late.membershipId }))
          .acceptedCharterVersion,
      ).toBe(0);
    });

    it("cannot accept another cohort's charter, nor can admin, removed or expired callers accept", async () => {
      const w = await world();
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: w.M1.membershipId }, { acceptedCharterVersion: 0 });
      // A member of this cohort, acceptance sent for the other cohort: nothing changes anywhere.
      expect(codes(await t.gql(ACCEPT, { input: { cohortId: w.otherCohortId, version: 1 } }, w.M1.token))).toEqual([
        'NOT_FOUND',
      ]);
      for (const actor of OUTSIDE_ACTORS) {
        const res = await t.gql(ACCEPT, { input: { cohortId: w.cohortId, version: 1 } }, w.tokens[actor]);
        expect(codes(res)).toEqual(['NOT_FOUND']);
      }
      const rows = await t.dataSource.getRepository(MembershipEntity).findBy({ cohortId: w.cohortId });
      expect(rows.find((m) => m.id === w.M1.membershipId)?.acceptedCharterVersion).toBe(0);
      expect(
        await count("audit_entries WHERE action = 'charter.accepted' AND cohort_id = ANY($1)", [
          [w.cohortId, w.otherCohortId],
        ]),
      ).toBe(0);
    });

    it('older charter versions of another cohort are NOT_FOUND, exactly as a missing one', async () => {
      const w = await world();
      await adopt(w, { attribution: 'NAMED' });
      const missing = await t.gql(CHARTER, { cohortId: randomUUID(), version: 1 }, w.OB.token);
      for (const actor of ['OUTSIDER', 'REMOVED', 'EXPIRED'] as const) {
        for (const version of [1, 2, null]) {
          const res = await t.gql(CHARTER, { cohortId: w.cohortId, version }, w.tokens[actor]);
          expect(codes(res)).toEqual(['NOT_FOUND']);
          expect(res.errors?.[0].message).toBe(missing.errors?.[0].message);
        }
      }
      for (const version of [0, -1, 99]) {
        const res = await t.gql(CHARTER, { cohortId: w.cohortId, version }, w.M1.token);
        expect(codes(res)).toEqual(['NOT_FOUND']);
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('the gate', () => {
    const contentProbes = (w: World) =>
      [
        [SPACES, { cohortId: w.cohortId }],
        [SPACE, { id: w.spaceId }],
        [THREAD, { id: w.threadId }],
        [SEARCH, { cohortId: w.cohortId, q: 'payroll' }],
        [NEEDS, { cohortId: w.cohortId }],
        [NEED, { id: w.needId }],
        [EXPORT, { id: w.threadId }],
        [REPLY, { input: { threadId: w.threadId, body: 'gate crash' } }],
        [START, { input: { spaceId: w.spaceId, title: 't', body: 'gate crash', kind: 'QUESTION' } }],
      ] as const;

    it('after a ratification every member, the ratifier included, is gated from content on every path', async () => {
      const w = await world();
      const proposalId = await propose(w.cohortId, w.M1, { policyChange: { externalSharing: 'ALLOWED' } });
      for (const m of [w.F, w.M1, w.M2]) await vote(proposalId, m);
      expect((await ratify(w.cohortId, w.F, [proposalId])).errors).toBeUndefined();
      const posts = await count('posts WHERE cohort_id = $1', [w.cohortId]);
      const threads = await count('threads WHERE cohort_id = $1', [w.cohortId]);
      for (const m of [w.F, w.M1, w.M2, w.S]) {
        for (const [query, variables] of contentProbes(w)) {
          const res = await t.gql(query, variables, m.token);
          expect(codes(res)).toEqual(['CHARTER_NOT_ACCEPTED']);
        }
      }
      expect(await count('posts WHERE cohort_id = $1', [w.cohortId])).toBe(posts);
      expect(await count('threads WHERE cohort_id = $1', [w.cohortId])).toBe(threads);
      expect(await count("audit_entries WHERE action = 'thread.exported' AND subject_id = $1", [w.threadId])).toBe(0);
    });

    it('aliases in one query document all stay behind the gate', async () => {
      const w = await world();
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: w.M2.membershipId }, { acceptedCharterVersion: 0 });
      const res = await t.gql(
        `query ($c: ID!, $t: ID!, $n: ID!) {
          charter(cohortId: $c) { version }
          a: spaces(cohortId: $c) { edges { node { id } } }
          b: search(cohortId: $c, query: "data") { edges { snippet } }
          c: needs(cohortId: $c) { edges { node { id } } }
          d: exportThread(threadId: $t)
          e: thread(id: $t) { body }
          f: need(id: $n) { id } }`,
        { c: w.cohortId, t: w.threadId, n: w.needId },
        w.M2.token,
      );
      // Root fields are non-null, so the first refusal nulls the whole answer: every error is the gate's.
      expect(codes(res)?.length).toBeGreaterThan(0);
      for (const code of codes(res) ?? []) expect(code).toBe('CHARTER_NOT_ACCEPTED');
      expect(JSON.stringify(res.data ?? {})).not.toMatch(/With data|Where do we start|Ghost/);
    });

    it('a ratifier cannot ratify and post in one mutation document', async () => {
      const w = await world();
      const proposalId = await propose(w.cohortId, w.M1);
      for (const m of [w.F, w.M1, w.M2]) await vote(proposalId, m);
      const threads = await count('threads WHERE cohort_id = $1', [w.cohortId]);
      const res = await t.gql(
        `mutation ($r: RatifyCharterInput!, $s: StartThreadInput!) {
          r: ratifyCharter(input: $r) { version }
          s: startThread(input: $s) { id } }`,
        {
          r: { cohortId: w.cohortId, proposalIds: [proposalId] },
          s: { spaceId: w.spaceId, title: 'after', body: 'after ratify', kind: 'QUESTION' },
        },
        w.F.token,
      );
      expect(codeAt(res, 's')).toBe('CHARTER_NOT_ACCEPTED');
      expect(await versionOf(w.cohortId)).toBe(2);
      expect(await count('threads WHERE cohort_id = $1', [w.cohortId])).toBe(threads);
    });

    it('accepting a stale version inside the same document does not open the gate', async () => {
      const w = await world();
      await adopt(w, { attribution: 'NAMED' });
      const late = await member(w.cohortId, 'MEMBER', { charterAccepted: false });
      const res = await t.gql(
        `mutation ($a: AcceptCharterInput!, $p: ReplyInput!) {
          a: acceptCharter(input: $a) { id }
          p: reply(input: $p) { id } }`,
        { a: { cohortId: w.cohortId, version: 1 }, p: { threadId: w.threadId, body: 'sneak' } },
        late.token,
      );
      expect(codeAt(res, 'a')).toBe('CONFLICT');
      // A failed non-null mutation field stops the document; if `p` ran at all it must have been gated.
      expect([undefined, 'CHARTER_NOT_ACCEPTED']).toContain(codeAt(res, 'p'));
      expect(await count("posts WHERE thread_id = $1 AND body = 'sneak'", [w.threadId])).toBe(0);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('policy flips', () => {
    it('observers ALLOWED → FORBIDDEN shuts observers out on the next request, on every read path', async () => {
      const w = await world();
      await adopt(w, { observers: 'ALLOWED' });
      const seen = await t.ok<{ thread: { id: string } }>(THREAD, { id: w.threadId }, w.O.token);
      expect(seen.thread.id).toBe(w.threadId);
      // Observers read; they never write.
      expect(
        codes(await t.gql(REPLY, { input: { threadId: w.threadId, body: 'observer speaking' } }, w.O.token)),
      ).toEqual(['FORBIDDEN']);
      const proposalId = await propose(w.cohortId, w.M1, { policyChange: { observers: 'FORBIDDEN' } });
      for (const m of [w.F, w.M1, w.M2]) await vote(proposalId, m);
      const res = await ratify(w.cohortId, w.F, [proposalId]);
      expect(res.errors).toBeUndefined();
      expect(codes(await t.gql(THREAD, { id: w.threadId }, w.O.token))).toEqual(['CHARTER_NOT_ACCEPTED']);
      await accept(w.cohortId, 3, [w.O.token]);
      for (const [query, variables] of [
        [THREAD, { id: w.threadId }],
        [SPACE, { id: w.spaceId }],
        [NEED, { id: w.needId }],
        [EXPORT, { id: w.threadId }],
      ] as const) {
        expect(codes(await t.gql(query, variables, w.O.token))).toEqual(['NOT_FOUND']);
      }
      const lists = await t.ok<{
        spaces: Edges<unknown>;
        needs: Edges<unknown>;
        search: Edges<unknown>;
      }>(
        `query ($c: ID!) { spaces(cohortId: $c) { edges { node { id } } } needs(cohortId: $c) { edges { node { id } } }
          search(cohortId: $c, query: "data") { edges { snippet } } }`,
        { c: w.cohortId },
        w.O.token,
      );
      expect([lists.spaces.edges, lists.needs.edges, lists.search.edges]).toEqual([[], [], []]);
    });

    it('vendorAccess NONE: existing vendors, even with granted spaces, read nothing', async () => {
      const w = await world();
      await adopt(w, { vendorAccess: 'NONE' });
      for (const [query, variables] of [
        [THREAD, { id: w.threadId }],
        [SPACE, { id: w.spaceId }],
        [NEED, { id: w.needId }],
        [EXPORT, { id: w.threadId }],
      ] as const) {
        expect(codes(await t.gql(query, variables, w.V.token))).toEqual(['NOT_FOUND']);
      }
      const lists = await t.ok<{ spaces: Edges<unknown>; needs: Edges<unknown>; search: Edges<unknown> }>(
        `query ($c: ID!) { spaces(cohortId: $c) { edges { node { id } } } needs(cohortId: $c) { edges { node { id } } }
          search(cohortId: $c, query: "data") { edges { snippet } } }`,
        { c: w.cohortId },
        w.V.token,
      );
      expect([lists.spaces.edges, lists.needs.edges, lists.search.edges]).toEqual([[], [], []]);
      const members = await t.ok<{ cohort: { members: Edges<{ id: string }> } }>(
        MEMBERS,
        { id: w.cohortId },
        w.V.token,
      );
      expect(members.cohort.members.edges.map((e) => e.node.id)).toEqual([w.V.membershipId]);
    });

    it('vendorAccess NONE refuses new vendor invitations, by facilitator and admin alike', async () => {
      const w = await world();
      await adopt(w, { vendorAccess: 'NONE' });
      for (const token of [w.F.token, w.admin]) {
        const res = await t.gql(
          INVITE,
          {
            input: {
              cohortId: w.cohortId,
              email: `sales-${randomUUID()}@vendor.example`,
              role: 'VENDOR',
              ministry: 'private-sector',
              country: 'US',
            },
          },
          token,
        );
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
      }
    });

    it('vendorAccess NONE: changeRole cannot turn a member into a VENDOR', async () => {
      const w = await world();
      await adopt(w, { vendorAccess: 'NONE' });
      for (const token of [w.F.token, w.admin]) {
        const res = await t.gql(CHANGE_ROLE, { input: { membershipId: w.M2.membershipId, role: 'VENDOR' } }, token);
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      }
      expect((await t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: w.M2.membershipId })).role).toBe(
        'MEMBER',
      );
    });

    it('vendorAccess NONE: a vendor invitation issued before the change cannot be accepted after it', async () => {
      const w = await world();
      const email = `sales-${randomUUID()}@vendor.example`;
      const { invite } = await t.ok<{ invite: { token: string } }>(
        INVITE,
        { input: { cohortId: w.cohortId, email, role: 'VENDOR', ministry: 'private-sector', country: 'US' } },
        w.F.token,
      );
      await adopt(w, { vendorAccess: 'NONE' });
      const res = await t.gql(ACCEPT_INVITATION, {
        input: { token: invite.token, displayName: 'Sales Rep', password: 'a long enough passphrase' },
      });
      expect(res.errors?.length).toBeGreaterThan(0);
      expectNoInternals(res);
      expect(
        await count(
          "memberships m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = $1 AND u.email = $2 AND m.status = 'ACTIVE'",
          [w.cohortId, email],
        ),
      ).toBe(0);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('retention', () => {
    const backdate = async (threadId: string, days: number) => {
      await t.dataSource.query(`UPDATE posts SET created_at = now() - interval '${days} days' WHERE thread_id = $1`, [
        threadId,
      ]);
      await t.dataSource.query(`UPDATE threads SET created_at = now() - interval '${days} days' WHERE id = $1`, [
        threadId,
      ]);
    };
    const startIn = async (spaceId: string, by: TestMember, title: string, body: string) =>
      (
        await t.ok<{ startThread: { id: string } }>(
          START,
          { input: { spaceId, title, body, kind: 'QUESTION' } },
          by.token,
        )
      ).startThread.id;
    const replyTo = async (threadId: string, by: TestMember, body: string) =>
      (await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body } }, by.token)).reply.id;
    const hits = async (cohortId: string, q: string, token: string) =>
      (await t.ok<{ search: Edges<unknown> }>(SEARCH, { cohortId, q }, token)).search.edges.length;

    it('deletes old posts with their revisions and reactions, out of search and exports, and only in that cohort', async () => {
      const w = await world();
      await adopt(w, { retentionDays: 30 });
      const old = await startIn(w.spaceId, w.M1, 'Old thread', 'opening');
      const oldReply = await replyTo(old, w.M2, 'zebraold secret figures');
      await t.ok(EDIT, { input: { postId: oldReply, body: 'zebraold revised figures' } }, w.M2.token);
      await t.ok(REACT, { input: { postId: oldReply, reaction: 'AGREE' } }, w.M1.token);
      const keep = await startIn(w.spaceId, w.M1, 'Kept thread', 'recent');
      await replyTo(keep, w.M2, 'recent words');
      const oldMixed = await replyTo(keep, w.M2, 'zebraold from the past');
      await backdate(old, 40);
      await t.dataSource.query("UPDATE posts SET created_at = now() - interval '40 days' WHERE id = $1", [oldMixed]);
      // The other cohort, with no retention, has equally old content that must survive.
      const otherSpace = (
        await t.ok<{ createSpace: { id: string } }>(
          'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
          { input: { cohortId: w.otherCohortId, title: 'B', purpose: 'p' } },
          w.OB.token,
        )
      ).createSpace.id;
      const otherThread = await startIn(otherSpace, w.OB, 'B thread', 'opening');
      await replyTo(otherThread, w.OB, 'zebraold kept in B');
      await backdate(otherThread, 400);

      expect(await hits(w.cohortId, 'zebraold', w.M1.token)).toBeGreaterThan(0);
      await t.app.get(RetentionService).purge();

      expect(await hits(w.cohortId, 'zebraold', w.M1.token)).toBe(0);
      expect(await hits(w.cohortId, 'zebraold', w.F.token)).toBe(0);
      expect(codes(await t.gql(EXPORT, { id: old }, w.M1.token))).toEqual(['NOT_FOUND']);
      const exported = await t.ok<{ exportThread: string }>(EXPORT, { id: keep }, w.M1.token);
      expect(exported.exportThread).not.toContain('zebraold');
      expect(exported.exportThread).toContain('recent words');
      expect(await count('post_revisions WHERE post_id = $1', [oldReply])).toBe(0);
      expect(await count('post_reactions WHERE post_id = $1', [oldReply])).toBe(0);
      expect(await count('posts WHERE thread_id = $1', [otherThread])).toBe(1);
      expect(await hits(w.otherCohortId, 'zebraold', w.OB.token)).toBe(1);
    });

    it('an old opening post (thread body) does not outlive the horizon because someone replied recently', async () => {
      const w = await world();
      await adopt(w, { retentionDays: 30 });
      const thread = await startIn(w.spaceId, w.M1, 'Budget leak', 'quokkaancient confidential figures');
      await backdate(thread, 40);
      await replyTo(thread, w.M2, 'a fresh reply');
      await t.app.get(RetentionService).purge();
      expect(await hits(w.cohortId, 'quokkaancient', w.M2.token)).toBe(0);
      const res = await t.gql<{ thread: { body: string } }>(THREAD, { id: thread }, w.M2.token);
      expect(JSON.stringify(res.data ?? {})).not.toContain('quokkaancient');
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('exportThread', () => {
    /** A thread by M1 with names in the text, a hidden post and a deleted post. */
    async function thread(w: World): Promise<string> {
      const threadId = (
        await t.ok<{ startThread: { id: string } }>(
          START,
          {
            input: {
              spaceId: w.spaceId,
              title: 'Reform with Kwame Mensah',
              body: 'Opening by the author',
              kind: 'QUESTION',
            },
          },
          w.M1.token,
        )
      ).startThread.id;
      for (const body of [
        'Thanks @Amina Odhiambo for this',
        'amina odhiambo agreed, and so did KWAME MENSAH',
        'As Fatou Diallo told us before she left',
      ])
        await t.ok(REPLY, { input: { threadId, body } }, w.M2.token);
      const hidden = (
        await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body: 'SECRETHIDDEN' } }, w.M2.token)
      ).reply.id;
      await t.ok(HIDE, { input: { postId: hidden, reason: 'off the record' } }, w.F.token);
      const deleted = (
        await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body: 'SECRETDELETED' } }, w.M2.token)
      ).reply.id;
      await t.ok(DELETE, { id: deleted }, w.M2.token);
      return threadId;
    }
    const bylines = (text: string) => text.split('\n').filter((line) => /^\*.*, \d{4}-\d{2}-\d{2}\*$/.test(line));

    it('WITHOUT_ATTRIBUTION (default): no names, affiliations, hidden or deleted posts, for any reader; audited', async () => {
      const w = await world();
      const threadId = await thread(w);
      for (const reader of [w.F, w.M1, w.M2, w.S]) {
        const { exportThread } = await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, reader.token);
        for (const secret of [/amina odhiambo/i, /kwame mensah/i, /fatou diallo/i, /SECRETHIDDEN/, /SECRETDELETED/])
          expect(exportThread).not.toMatch(secret);
        for (const line of bylines(exportThread)) expect(line).toMatch(/^\*A participant, /);
        expect(bylines(exportThread).length).toBe(4);
        expect(exportThread).not.toMatch(/finance|education|academia|\bKE\b|\bGH\b/);
      }
      const audit = await t.dataSource.query<{ actor_id: string }[]>(
        "SELECT actor_id FROM audit_entries WHERE action = 'thread.exported' AND subject_id = $1",
        [threadId],
      );
      expect(audit.map((a) => a.actor_id).sort()).toEqual([w.F.id, w.M1.id, w.M2.id, w.S.id].sort());
    });

    it('WITHOUT_ATTRIBUTION: a member referred to by first name is not named either', async () => {
      const w = await world();
      const threadId = await thread(w);
      await t.ok(REPLY, { input: { threadId, body: 'Amina explained the payroll audit' } }, w.M2.token);
      const { exportThread } = await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, w.M2.token);
      expect(exportThread).not.toMatch(/Amina/i);
    });

    it('ALLOWED + CHATHAM_HOUSE: a scholar’s export names nobody', async () => {
      const w = await world();
      await adopt(w, { externalSharing: 'ALLOWED' });
      const threadId = await thread(w);
      const { exportThread } = await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, w.S.token);
      for (const line of bylines(exportThread)) expect(line).toMatch(/^\*A participant, /);
      expect(exportThread).not.toMatch(/finance|education|SECRETHIDDEN|SECRETDELETED/);
    });

    it('ALLOWED + ANONYMOUS: a member’s export carries pseudonyms only; a facilitator’s omits hidden posts', async () => {
      const w = await world();
      await adopt(w, { externalSharing: 'ALLOWED', attribution: 'ANONYMOUS' });
      const threadId = await thread(w);
      const asMember = (await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, w.M2.token)).exportThread;
      for (const line of bylines(asMember)) expect(line).toMatch(/^\*Participant \d+, /);
      expect(asMember).not.toMatch(/finance|education|\(.*KE.*\)|SECRETHIDDEN|SECRETDELETED/);
      const asFacilitator = (await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, w.F.token)).exportThread;
      expect(asFacilitator).not.toMatch(/SECRETHIDDEN|SECRETDELETED|off the record/);
    });

    it('FORBIDDEN: every reader is refused, and the refused attempt is audited', async () => {
      const w = await world();
      await adopt(w, { externalSharing: 'FORBIDDEN' });
      for (const reader of [w.F, w.M1, w.S]) {
        const res = await t.gql(EXPORT, { id: w.threadId }, reader.token);
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.data?.exportThread ?? null).toBeNull();
      }
      expect(await count("audit_entries WHERE action = 'thread.exported' AND subject_id = $1", [w.threadId])).toBe(0);
      expect(
        await count("audit_entries WHERE action = 'access.denied' AND subject_id = $1 AND actor_id = $2", [
          w.threadId,
          w.M1.id,
        ]),
      ).toBeGreaterThan(0);
    });

    it.each([...OUTSIDE_ACTORS, 'VENDOR', 'OBSERVER'] as const)(
      '%s cannot export (NOT_FOUND) and no export is recorded',
      async (actor) => {
        const w = await world();
        const res = await t.gql(EXPORT, { id: w.threadId }, w.tokens[actor]);
        expect(codes(res)).toEqual(['NOT_FOUND']);
        expect(await count("audit_entries WHERE action = 'thread.exported' AND subject_id = $1", [w.threadId])).toBe(0);
      },
    );
  });

  // ---------------------------------------------------------------------------------------------
  describe('bad input never becomes a 500', () => {
    let w: World;
    let proposalId: string;
    beforeAll(async () => {
      w = await world();
      proposalId = await propose(w.cohortId, w.M1);
    });

    const badProposals: [string, Record<string, unknown>][] = [
      ['text over the limit', { text: 'x'.repeat(4001) }],
      ['title over the limit', { title: 't'.repeat(201) }],
      ['blank title', { title: '   ' }],
      ['NUL in title', { title: 'a\u0000b' }],
      ['NUL in text', { text: 'a\u0000b' }],
      ['retentionDays 0', { policyChange: { retentionDays: 0 } }],
      ['retentionDays -1', { policyChange: { retentionDays: -1 } }],
      ['retentionDays 3651', { policyChange: { retentionDays: 3651 } }],
      ['retentionDays 2^31', { policyChange: { retentionDays: 2147483648 } }],
      ['retentionDays 1.5', { policyChange: { retentionDays: 1.5 } }],
      ['retentionDays as string', { policyChange: { retentionDays: '30' } }],
      ['unknown attribution', { policyChange: { attribution: 'SECRET' } }],
      ['unknown policy field', { policyChange: { deleteEverything: true } }],
      ['lower-case enum', { policyChange: { observers: 'allowed' } }],
    ];

    it.each(badProposals)('proposeNorm with %s is BAD_USER_INPUT and writes nothing', async (_name, extra) => {
      const before = await count('norm_proposals WHERE cohort_id = $1', [w.cohortId]);
      const res = await t.gql(
        PROPOSE,
        { input: { cohortId: w.cohortId, title: 'Norm', text: 'Text', ...extra } },
        w.M1.token,
      );
      expectNoInternals(res);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(await count('norm_proposals WHERE cohort_id = $1', [w.cohortId])).toBe(before);
    });

    it('a 2 MB proposal is refused without a 500', async () => {
      const res = await t.gql(
        PROPOSE,
        { input: { cohortId: w.cohortId, title: 'Norm', text: 'x'.repeat(2_000_000) } },
        w.M1.token,
      );
      expectNoInternals(res);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    });

    it.each([
      ['vote reason with NUL', VOTE, () => ({ input: { proposalId, position: 'AGREE', reason: 'a\u0000' } })],
      [
        'vote reason over the limit',
        VOTE,
        () => ({ input: { proposalId, position: 'AGREE', reason: 'r'.repeat(2001) } }),
      ],
      ['unknown vote position', VOTE, () => ({ input: { proposalId, position: 'VETO' } })],
      ['vote on a non-uuid', VOTE, () => ({ input: { proposalId: 'not-a-uuid', position: 'AGREE' } })],
      ['comment with NUL', COMMENT, () => ({ input: { proposalId, body: 'a\u0000' } })],
      ['comment over the limit', COMMENT, () => ({ input: { proposalId, body: 'c'.repeat(4001) } })],
      ['blank comment', COMMENT, () => ({ input: { proposalId, body: ' \n ' } })],
      ['ratify with no ids', RATIFY, () => ({ input: { cohortId: w.cohortId, proposalIds: [] } })],
      [
        'ratify with 51 ids',
        RATIFY,
        () => ({ input: { cohortId: w.cohortId, proposalIds: Array.from({ length: 51 }, () => randomUUID()) } }),
      ],
      ['ratify with a non-uuid', RATIFY, () => ({ input: { cohortId: w.cohortId, proposalIds: ["' OR 1=1 --"] } })],
      ['ratify with a NUL id', RATIFY, () => ({ input: { cohortId: w.cohortId, proposalIds: ['a\u0000'] } })],
      ['accept version 0', ACCEPT, () => ({ input: { cohortId: w.cohortId, version: 0 } })],
      ['accept version 2^31', ACCEPT, () => ({ input: { cohortId: w.cohortId, version: 2147483648 } })],
      ['accept with a non-uuid cohort', ACCEPT, () => ({ input: { cohortId: 'x', version: 1 } })],
      ['charter version 2^31', CHARTER, () => ({ cohortId: w.cohortId, version: 2147483648 })],
    ] as [string, string, () => Record<string, unknown>][])('%s is BAD_USER_INPUT', async (_name, query, variables) => {
      const token = query === RATIFY ? w.F.token : w.M1.token;
      const res = await t.gql(query, variables(), token);
      expectNoInternals(res);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    });

    it.each([
      ['a forged cursor', { after: 'not-a-cursor' }],
      ['a cursor with SQL', { after: Buffer.from(JSON.stringify(["'; DROP TABLE x; --", 'x'])).toString('base64url') }],
      ['a huge page', { first: 100000 }],
      ['a negative page', { first: -1 }],
      ['an unknown status', { status: 'DELETED' }],
    ])('normProposals with %s is BAD_USER_INPUT', async (_name, args) => {
      const res = await t.gql(
        `query ($c: ID!, $after: String, $first: Int, $status: ProposalStatus) {
          normProposals(cohortId: $c, after: $after, first: $first, status: $status) { edges { node { id } } } }`,
        { c: w.cohortId, ...args },
        w.M1.token,
      );
      expectNoInternals(res);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    });
  });
});
