import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

const COHORT = `query Cohort($id: ID!) { cohort(id: $id) { id name purpose
  myMembership { id role status acceptedCharterVersion }
  charter { version ratifiedAt norms { id title text } policy { attribution recording observers vendorAccess externalSharing retentionDays } }
  members(first: 100) { edges { node { id role ministry country user { id displayName } } } pageInfo { hasNextPage endCursor } } } }`;
const PROPOSE = `mutation ProposeNorm($input: ProposeNormInput!) { proposeNorm(input: $input) { id title text
  policyChange { attribution recording observers vendorAccess externalSharing retentionDays } status } }`;
const VOTE =
  'mutation VoteOnNorm($input: VoteOnNormInput!) { voteOnNorm(input: $input) { id status tally { agree abstain disagree block } myVote } }';
const RATIFY = `mutation RatifyCharter($input: RatifyCharterInput!) { ratifyCharter(input: $input) { version ratifiedAt norms { id title }
  policy { attribution recording observers vendorAccess externalSharing retentionDays } } }`;
const ACCEPT =
  'mutation AcceptCharter($input: AcceptCharterInput!) { acceptCharter(input: $input) { id acceptedCharterVersion } }';
const PROPOSALS =
  'query NormProposals($cohortId: ID!) { normProposals(cohortId: $cohortId, first: 50) { edges { node { id title status tally { agree abstain disagree block } } } } }';

type Tally = { agree: number; abstain: number; disagree: number; block: number };

describe('the co-created charter', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A cohort with a facilitator and `members` members, all having accepted version 1. */
  const cohortWith = async (members: number) => {
    const cohortId = (await newCohort(t)).id;
    const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR' });
    const others: TestMember[] = [];
    for (let i = 0; i < members; i++) others.push(await newMember(t, cohortId, { role: 'MEMBER' }));
    return { cohortId, facilitator, members: others };
  };
  const propose = async (cohortId: string, by: TestMember, extra: Record<string, unknown> = {}) =>
    (
      await t.ok<{ proposeNorm: { id: string } }>(
        PROPOSE,
        { input: { cohortId, title: 'Norm', text: 'We agree to…', ...extra } },
        by.token,
      )
    ).proposeNorm.id;
  const vote = (proposalId: string, by: TestMember, position: string) =>
    t.ok<{ voteOnNorm: { tally: Tally; myVote: string } }>(
      VOTE,
      { input: { proposalId, position, reason: 'because' } },
      by.token,
    );
  const ratify = (cohortId: string, by: TestMember, proposalIds: string[]) =>
    t.gql(RATIFY, { input: { cohortId, proposalIds } }, by.token);

  it('starts at version 1 with the default policy and norms, readable by the admin too', async () => {
    const { cohortId, facilitator } = await cohortWith(0);
    const data = await t.ok<{
      cohort: { charter: { version: number; norms: { title: string }[]; policy: Record<string, unknown> } };
    }>(COHORT, { id: cohortId }, facilitator.token);
    expect(data.cohort.charter.version).toBe(1);
    expect(data.cohort.charter.policy).toEqual({
      attribution: 'CHATHAM_HOUSE',
      recording: 'FORBIDDEN',
      observers: 'FORBIDDEN',
      vendorAccess: 'SESSIONS_ONLY',
      externalSharing: 'WITHOUT_ATTRIBUTION',
      retentionDays: null,
    });
    expect(data.cohort.charter.norms.length).toBeGreaterThanOrEqual(3);
    const created = await t.ok<{ createCohort: { charter: { version: number } } }>(
      'mutation CreateCohort($input: CreateCohortInput!) { createCohort(input: $input) { id name purpose charter { version } } }',
      { input: { name: 'Budget reformers', purpose: 'Programme budgeting' } },
      await t.adminToken(),
    );
    expect(created.createCohort.charter.version).toBe(1);
  });

  it('tallies votes, lets members change them, and ratifies version 2 with the norm and policy change', async () => {
    const { cohortId, facilitator, members } = await cohortWith(2);
    const proposalId = await propose(cohortId, members[0], { policyChange: { attribution: 'NAMED' } });
    await vote(proposalId, members[0], 'DISAGREE');
    await vote(proposalId, members[0], 'AGREE');
    const { voteOnNorm } = await vote(proposalId, members[1], 'ABSTAIN');
    expect(voteOnNorm.tally).toEqual({ agree: 1, abstain: 1, disagree: 0, block: 0 });
    const ratified = await ratify(cohortId, facilitator, [proposalId]);
    expect(ratified.errors).toBeUndefined();
    const charter = (
      ratified.data as {
        ratifyCharter: { version: number; norms: { title: string }[]; policy: { attribution: string } };
      }
    ).ratifyCharter;
    expect(charter.version).toBe(2);
    expect(charter.policy.attribution).toBe('NAMED');
    expect(charter.norms.at(-1)?.title).toBe('Norm');
    const list = await t.ok<{ normProposals: { edges: { node: { status: string } }[] } }>(
      PROPOSALS,
      { cohortId },
      members[1].token,
    );
    expect(list.normProposals.edges.map((e) => e.node.status)).toEqual(['ADOPTED']);
    const older = await t.ok<{ charter: { version: number; policy: { attribution: string } } }>(
      'query ($id: ID!) { charter(cohortId: $id, version: 1) { version policy { attribution } } }',
      { id: cohortId },
      members[1].token,
    );
    expect(older.charter).toEqual({ version: 1, policy: { attribution: 'CHATHAM_HOUSE' } });
  });

  it.each([
    ['no quorum', [], 'NO_QUORUM'],
    ['a block', ['AGREE', 'BLOCK', 'AGREE'], 'BLOCKED'],
    ['a tie', ['AGREE', 'DISAGREE'], 'NOT_ENOUGH_AGREEMENT'],
    ['more disagreement', ['DISAGREE', 'DISAGREE', 'AGREE'], 'NOT_ENOUGH_AGREEMENT'],
  ])('refuses to ratify with %s, changing nothing', async (_case, positions, reason) => {
    const { cohortId, facilitator, members } = await cohortWith(3);
    const proposalId = await propose(cohortId, members[0]);
    for (const [i, position] of positions.entries()) await vote(proposalId, members[i], position);
    const res = await ratify(cohortId, facilitator, [proposalId]);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason });
    const after = await t.ok<{ cohort: { charter: { version: number } } }>(COHORT, { id: cohortId }, facilitator.token);
    expect(after.cohort.charter.version).toBe(1);
  });

  it('refuses two proposals that set the same policy differently', async () => {
    const { cohortId, facilitator, members } = await cohortWith(2);
    const named = await propose(cohortId, members[0], { policyChange: { attribution: 'NAMED' } });
    const anonymous = await propose(cohortId, members[1], { policyChange: { attribution: 'ANONYMOUS' } });
    for (const id of [named, anonymous]) for (const m of members) await vote(id, m, 'AGREE');
    const res = await ratify(cohortId, facilitator, [named, anonymous]);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CONFLICTING_CHANGES' });
  });

  it('refuses a stale policy change after the charter moved on that field', async () => {
    const { cohortId, facilitator, members } = await cohortWith(2);
    const first = await propose(cohortId, members[0], { policyChange: { observers: 'ALLOWED' } });
    const stale = await propose(cohortId, members[1], { policyChange: { observers: 'FORBIDDEN' } });
    for (const id of [first, stale]) for (const m of members) await vote(id, m, 'AGREE');
    expect((await ratify(cohortId, facilitator, [first])).errors).toBeUndefined();
    await t.ok(ACCEPT, { input: { cohortId, version: 2 } }, facilitator.token);
    const res = await ratify(cohortId, facilitator, [stale]);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_PROPOSAL' });
  });

  it('lets only full members propose and vote, and only facilitators ratify', async () => {
    const { cohortId, members } = await cohortWith(1);
    const scholar = await newMember(t, cohortId, { role: 'SCHOLAR' });
    const vendor = await newMember(t, cohortId, { role: 'VENDOR' });
    expect(await t.errorCode(PROPOSE, { input: { cohortId, title: 'x', text: 'y' } }, scholar.token)).toBe('FORBIDDEN');
    const proposalId = await propose(cohortId, members[0]);
    expect(await t.errorCode(VOTE, { input: { proposalId, position: 'AGREE' } }, vendor.token)).toBe('NOT_FOUND');
    expect((await ratify(cohortId, members[0], [proposalId])).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.errorCode(RATIFY, { input: { cohortId, proposalIds: [proposalId] } }, await t.adminToken())).toBe(
      'FORBIDDEN',
    );
  });

  it('lets the proposer withdraw, after which nobody can vote', async () => {
    const { cohortId, members } = await cohortWith(2);
    const proposalId = await propose(cohortId, members[0]);
    expect(
      await t.errorCode(
        'mutation ($id: ID!) { withdrawNorm(proposalId: $id) { id } }',
        { id: proposalId },
        members[1].token,
      ),
    ).toBe('FORBIDDEN');
    await t.ok(
      'mutation ($id: ID!) { withdrawNorm(proposalId: $id) { id status } }',
      { id: proposalId },
      members[0].token,
    );
    const res = await t.gql(VOTE, { input: { proposalId, position: 'AGREE' } }, members[1].token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROPOSAL_CLOSED' });
  });

  it('can set a retention period and lift it again with an explicit null', async () => {
    const { cohortId, facilitator, members } = await cohortWith(1);
    const policyAfter = async (policyChange: Record<string, unknown>) => {
      const id = await propose(cohortId, members[0], { policyChange });
      await vote(id, members[0], 'AGREE');
      const res = await ratify(cohortId, facilitator, [id]);
      for (const m of [facilitator, ...members]) {
        const version = (res.data as { ratifyCharter: { version: number } }).ratifyCharter.version;
        await t.ok(ACCEPT, { input: { cohortId, version } }, m.token);
      }
      return (res.data as { ratifyCharter: { policy: { retentionDays: number | null; attribution: string } } })
        .ratifyCharter.policy;
    };
    expect((await policyAfter({ retentionDays: 90 })).retentionDays).toBe(90);
    expect(await policyAfter({ retentionDays: null, attribution: null })).toMatchObject({
      retentionDays: null,
      attribution: 'CHATHAM_HOUSE',
    });
  });

  it('refuses a vendor invitation once the charter shuts vendors out', async () => {
    const { cohortId, facilitator, members } = await cohortWith(1);
    const proposalId = await propose(cohortId, members[0], { policyChange: { vendorAccess: 'NONE' } });
    await vote(proposalId, members[0], 'AGREE');
    expect((await ratify(cohortId, facilitator, [proposalId])).errors).toBeUndefined();
    const res = await t.gql(
      'mutation ($input: InviteInput!) { invite(input: $input) { id } }',
      { input: { cohortId, email: 'sales@vendor.example', role: 'VENDOR', ministry: 'private-sector', country: 'US' } },
      facilitator.token,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
  });

  it('records acceptances with the version, and only the version in force can be accepted', async () => {
    const { cohortId } = await cohortWith(0);
    const late = await newMember(t, cohortId, { role: 'MEMBER', charterAccepted: false });
    const wrong = await t.gql(ACCEPT, { input: { cohortId, version: 2 } }, late.token);
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CHARTER_VERSION_NOT_CURRENT' });
    const { acceptCharter } = await t.ok<{ acceptCharter: { acceptedCharterVersion: number } }>(
      ACCEPT,
      { input: { cohortId, version: 1 } },
      late.token,
    );
    expect(acceptCharter.acceptedCharterVersion).toBe(1);
    expect(
      (await t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: late.membershipId }))
        .acceptedCharterVersion,
    ).toBe(1);
  });
});

describe('the charter enforced on content', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const THREAD =
    'query ($id: ID!) { thread(id: $id) { attribution author { displayName ministry country } posts { edges { node { author { displayName ministry country } } } } } }';
  type Seen = {
    thread: {
      attribution: string;
      author: { displayName: string; ministry: string | null } | null;
      posts: { edges: { node: { author: { displayName: string } | null } }[] };
    };
  };

  /** A cohort whose charter has been changed by ratification to `policyChange`. */
  const cohortUnder = async (policyChange: Record<string, unknown>) => {
    const cohortId = (await newCohort(t)).id;
    const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'ict' });
    const author = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance', country: 'KE' });
    const replier = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'education', country: 'GH' });
    const spaceId = (
      await t.ok<{ createSpace: { id: string } }>(
        'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
        { input: { cohortId, title: 'Open', purpose: 'p' } },
        facilitator.token,
      )
    ).createSpace.id;
    const proposalId = (
      await t.ok<{ proposeNorm: { id: string } }>(
        PROPOSE,
        { input: { cohortId, title: 'Policy', text: 'Change', policyChange } },
        author.token,
      )
    ).proposeNorm.id;
    for (const m of [author, replier]) await t.ok(VOTE, { input: { proposalId, position: 'AGREE' } }, m.token);
    await t.ok(RATIFY, { input: { cohortId, proposalIds: [proposalId] } }, facilitator.token);
    for (const m of [facilitator, author, replier]) await t.ok(ACCEPT, { input: { cohortId, version: 2 } }, m.token);
    const thread = async () => {
      const threadId = (
        await t.ok<{ startThread: { id: string } }>(
          'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }',
          { input: { spaceId, title: 'Payroll', body: 'b', kind: 'QUESTION' } },
          author.token,
        )
      ).startThread.id;
      await t.ok(
        'mutation ($input: ReplyInput!) { reply(input: $input) { id } }',
        { input: { threadId, body: 'r1' } },
        replier.token,
      );
      await t.ok(
        'mutation ($input: ReplyInput!) { reply(input: $input) { id } }',
        { input: { threadId, body: 'r2' } },
        author.token,
      );
      return threadId;
    };
    const scholar = await newMember(t, cohortId, { role: 'SCHOLAR' });
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: scholar.membershipId }, { grantedSpaceIds: [spaceId] });
    return { cohortId, facilitator, author, replier, scholar, thread };
  };

  it('names authors to a granted scholar after a ratified switch to NAMED', async () => {
    const c = await cohortUnder({ attribution: 'NAMED' });
    const seen = await t.ok<Seen>(THREAD, { id: await c.thread() }, c.scholar.token);
    expect(seen.thread.attribution).toBe('NAMED');
    expect(seen.thread.author).toMatchObject({ displayName: c.author.displayName, ministry: 'finance' });
  });

  it('gives stable pseudonyms within a thread and none of the affiliations under ANONYMOUS', async () => {
    const c = await cohortUnder({ attribution: 'ANONYMOUS' });
    const first = await t.ok<Seen>(THREAD, { id: await c.thread() }, c.replier.token);
    expect(first.thread.author).toEqual({ displayName: 'Participant 1', ministry: null, country: null });
    expect(first.thread.posts.edges.map((e) => e.node.author?.displayName)).toEqual(['Participant 2', 'Participant 1']);
    // In a thread the replier starts, the replier is Participant 1: pseudonyms do not carry over.
    const { spaceId } = (
      await t.ok<{ thread: { spaceId: string } }>(
        'query ($id: ID!) { thread(id: $id) { spaceId } }',
        { id: await c.thread() },
        c.replier.token,
      )
    ).thread;
    const theirs = (
      await t.ok<{ startThread: { id: string } }>(
        'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }',
        { input: { spaceId, title: 'Other', body: 'b', kind: 'QUESTION' } },
        c.replier.token,
      )
    ).startThread.id;
    await t.ok(
      'mutation ($input: ReplyInput!) { reply(input: $input) { id } }',
      { input: { threadId: theirs, body: 'r' } },
      c.author.token,
    );
    const second = await t.ok<Seen>(THREAD, { id: theirs }, c.scholar.token);
    expect(second.thread.author?.displayName).toBe('Participant 1');
    expect(second.thread.posts.edges.map((e) => e.node.author?.displayName)).toEqual(['Participant 2']);
    const asFacilitator = await t.ok<Seen>(THREAD, { id: await c.thread() }, c.facilitator.token);
    expect(asFacilitator.thread.author?.displayName).toBe(c.author.displayName);
  });

  it('admits observers to content only once the charter allows observers', async () => {
    const c = await cohortUnder({ observers: 'ALLOWED' });
    const observer = await newMember(t, c.cohortId, { role: 'OBSERVER' });
    const seen = await t.ok<Seen>(THREAD, { id: await c.thread() }, observer.token);
    expect(seen.thread.author).toBeNull();
    const closed = await cohortUnder({ externalSharing: 'FORBIDDEN' });
    const shutOut = await newMember(t, closed.cohortId, { role: 'OBSERVER' });
    expect(await t.errorCode(THREAD, { id: await closed.thread() }, shutOut.token)).toBe('NOT_FOUND');
  });

  const EXPORT = 'query ($id: ID!) { exportThread(threadId: $id) }';

  it('exports without any name, ministry or country under the default WITHOUT_ATTRIBUTION', async () => {
    const c = await cohortUnder({ attribution: 'NAMED' });
    const threadId = await c.thread();
    await t.ok(
      'mutation ($input: ReplyInput!) { reply(input: $input) { id } }',
      { input: { threadId, body: `Thanks @${c.author.displayName}` } },
      c.replier.token,
    );
    const { exportThread } = await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, c.replier.token);
    expect(exportThread).toContain('# Payroll');
    for (const hidden of [c.author.displayName, c.replier.displayName, 'finance', 'education', 'KE', 'GH'])
      expect(exportThread).not.toContain(hidden);
    expect(exportThread).toContain('Thanks a participant');
    expect(
      await t.dataSource.query('SELECT count(*)::int AS n FROM audit_entries WHERE action = $1 AND subject_id = $2', [
        'thread.exported',
        threadId,
      ]),
    ).toEqual([{ n: 1 }]);
  });

  it('refuses exports when the charter forbids external sharing, and names authors when it allows it', async () => {
    const closed = await cohortUnder({ externalSharing: 'FORBIDDEN' });
    expect(await t.errorCode(EXPORT, { id: await closed.thread() }, closed.replier.token)).toBe('FORBIDDEN');
    const open = await cohortUnder({ externalSharing: 'ALLOWED' });
    const threadId = await open.thread();
    const asMember = await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, open.replier.token);
    expect(asMember.exportThread).toContain(`${open.author.displayName} (finance, KE)`);
    // Under Chatham House a scholar sees no authors, and neither does its export.
    const asScholar = await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, open.scholar.token);
    expect(asScholar.exportThread).not.toContain(open.author.displayName);
  });

  it('deletes posts past the retention horizon for good, keeping reply counts true', async () => {
    const c = await cohortUnder({ retentionDays: 30 });
    const oldThread = await c.thread();
    const fresh = await c.thread();
    // The old thread was written 29 days ago; the clock then moves two days on, past its horizon.
    await t.dataSource.query("UPDATE posts SET created_at = created_at - interval '29 days' WHERE thread_id = $1", [
      oldThread,
    ]);
    await t.dataSource.query("UPDATE threads SET created_at = created_at - interval '29 days' WHERE id = $1", [
      oldThread,
    ]);
    const { RetentionService } = await import('../src/charter/retention.service.js');
    const retention = t.app.get(RetentionService);
    expect(await retention.purge()).toMatchObject({ posts: 0, threads: 0 });
    t.clock.advance(2 * 86_400_000);
    try {
      expect(await retention.purge()).toMatchObject({ posts: 2, threads: 1 });
    } finally {
      t.clock.set(null); // back to now, where the members' tokens are still valid
    }
    expect(await t.errorCode(THREAD, { id: oldThread }, c.author.token)).toBe('NOT_FOUND');
    const kept = await t.ok<{ thread: { replyCount: number } }>(
      'query ($id: ID!) { thread(id: $id) { replyCount } }',
      { id: fresh },
      c.author.token,
    );
    expect(kept.thread.replyCount).toBe(2);
  });
});
