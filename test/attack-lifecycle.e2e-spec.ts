/**
 * Attacks on the cohort lifecycle (ACTIVE → CONCLUDED → ARCHIVED), as a vendor, an observer, a
 * scholar, a member of another cohort, the platform admin, and as a member writing where the stage
 * says no. The holes these found are fixed (writes racing a stage change, moving a thread out of
 * the alumni space, the order of locks when an invitation is accepted during a conclusion).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Permission } from '../src/charter/charter-policy.js';
import {
  CharterVersionEntity,
  NormProposalCommentEntity,
  NormProposalEntity,
  NormVoteEntity,
} from '../src/charter/charter.entity.js';
import { CohortEntity } from '../src/cohorts/cohort.entity.js';
import { InvitationEntity } from '../src/cohorts/invitation.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { NeedEntity, NeedSupportEntity } from '../src/needs/need.entity.js';
import { CalendarFeedEntity } from '../src/sessions/calendar-feed.entity.js';
import { QuestionEntity, QuestionVoteEntity } from '../src/sessions/question.entity.js';
import { SessionEntity, SessionRsvpEntity, SessionState } from '../src/sessions/session.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { PostEntity, PostReactionEntity } from '../src/threads/post.entity.js';
import { ThreadEntity } from '../src/threads/thread.entity.js';
import { adminToken, newCohort, newMember, newSpace, type TestMember } from './harness/factories.js';
import { eventually, openSockets, settle, type TestSocket } from './harness/sockets.js';
import { type GqlResponse, startTestApp, type TestApp } from './harness/test-app.js';
import { testServerUrl } from './setup/test-database.js';

/** Races hold a row while two requests wait: more connections than the embedded database's pool. */
const withServer = testServerUrl() ? describe : describe.skip;

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------
const CONCLUDE = `mutation ($input: ConcludeCohortInput!) {
  concludeCohort(input: $input) { id status concludedAt alumniSpaceId archiveProposalId } }`;
const ARCHIVE = 'mutation ($id: ID!) { archiveCohort(cohortId: $id) { id status } }';

const Q = {
  cohort: 'query ($id: ID!) { cohort(id: $id) { id status } }',
  thread: 'query ($id: ID!) { thread(id: $id) { id title posts { edges { node { id body } } } } }',
  threads: 'query ($id: ID!) { threads(spaceId: $id) { edges { node { id } } } }',
  space: 'query ($id: ID!) { space(id: $id) { id } }',
  spaces: 'query ($id: ID!) { spaces(cohortId: $id) { edges { node { id } } } }',
  session: 'query ($id: ID!) { session(id: $id) { id title } }',
  sessions: 'query ($id: ID!) { sessions(cohortId: $id) { edges { node { id } } } }',
  need: 'query ($id: ID!) { need(id: $id) { id } }',
  needs: 'query ($id: ID!) { needs(cohortId: $id) { edges { node { id } } } }',
  search: 'query ($id: ID!) { search(cohortId: $id, query: "tablets") { edges { snippet } } }',
  exportThread: 'query ($id: ID!) { exportThread(threadId: $id) }',
  charter: 'query ($id: ID!) { charter(cohortId: $id) { version } }',
  normProposals: 'query ($id: ID!) { normProposals(cohortId: $id) { edges { node { id } } } }',
  me: 'query { me { memberships { id cohort { id } } } }',
};

const M = {
  start: 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }',
  reply: 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }',
  edit: 'mutation ($input: EditPostInput!) { editPost(input: $input) { id } }',
  del: 'mutation ($id: ID!) { deletePost(postId: $id) { id } }',
  react: 'mutation ($input: ReactInput!) { react(input: $input) { id } }',
  unreact: 'mutation ($input: ReactInput!) { unreact(input: $input) { id } }',
  hide: 'mutation ($input: HidePostInput!) { hidePost(input: $input) { id } }',
  lock: 'mutation ($id: ID!) { lockThread(threadId: $id) { id locked } }',
  unlock: 'mutation ($id: ID!) { unlockThread(threadId: $id) { id locked } }',
  resolve: 'mutation ($input: ResolveThreadInput!) { resolveThread(input: $input) { id status } }',
  insight: 'mutation ($input: MarkInsightInput!) { markInsight(input: $input) { id } }',
  move: 'mutation ($input: MoveThreadInput!) { moveThread(input: $input) { id spaceId } }',
  submitNeed: 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { id } }',
  support: 'mutation ($input: SupportNeedInput!) { supportNeed(input: $input) { id } }',
  unsupport: 'mutation ($input: SupportNeedInput!) { unsupportNeed(input: $input) { id } }',
  linkThread:
    'mutation ($needId: ID!, $threadId: ID!) { linkNeedToThread(needId: $needId, threadId: $threadId) { id } }',
  linkSession: 'mutation ($input: LinkNeedToSessionInput!) { linkNeedToSession(input: $input) { id } }',
  rsvp: 'mutation ($input: RsvpInput!) { rsvp(input: $input) { id } }',
  ask: 'mutation ($input: AskQuestionInput!) { askQuestion(input: $input) { id } }',
  upvote: 'mutation ($input: UpvoteQuestionInput!) { upvoteQuestion(input: $input) { id } }',
  hideQuestion: 'mutation ($input: HideQuestionInput!) { hideQuestion(input: $input) { id } }',
  answer: 'mutation ($input: MarkQuestionAnsweredInput!) { markQuestionAnswered(input: $input) { id } }',
  updateSession: 'mutation ($input: UpdateSessionInput!) { updateSession(input: $input) { id } }',
  setState: 'mutation ($input: SetSessionStateInput!) { setSessionState(input: $input) { id } }',
  setRecording: 'mutation ($input: SetRecordingInput!) { setRecording(input: $input) { id } }',
  outcome: 'mutation ($input: RecordSessionOutcomeInput!) { recordSessionOutcome(input: $input) { id } }',
  createFeed: 'mutation ($id: ID!) { createCalendarFeed(cohortId: $id) { url } }',
  revokeFeed: 'mutation ($id: ID!) { revokeCalendarFeed(cohortId: $id) }',
  acceptCharter: 'mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { id } }',
  propose: 'mutation ($input: ProposeNormInput!) { proposeNorm(input: $input) { id } }',
  vote: 'mutation ($input: VoteOnNormInput!) { voteOnNorm(input: $input) { id } }',
  comment: 'mutation ($input: CommentOnProposalInput!) { commentOnProposal(input: $input) { id } }',
  withdraw: 'mutation ($id: ID!) { withdrawNorm(proposalId: $id) { id status } }',
  ratify: 'mutation ($input: RatifyCharterInput!) { ratifyCharter(input: $input) { version } }',
  invite: 'mutation ($input: InviteInput!) { invite(input: $input) { id token } }',
  revokeInvitation: 'mutation ($id: ID!) { revokeInvitation(id: $id) { id } }',
  acceptInvitation:
    'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token membership { id } } }',
  changeRole: 'mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id role } }',
  remove: 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }',
};

const reasonOf = (res: GqlResponse) => ({
  code: res.errors?.[0]?.extensions?.code ?? (res.errors ? 'ERROR' : 'ok'),
  reason: res.errors?.[0]?.extensions?.reason,
});
/** What a request came to: "ok", or its error code (and reason, for CONFLICT). */
const outcomeOf = (res: GqlResponse): string => {
  const { code, reason } = reasonOf(res);
  return code === 'CONFLICT' ? `CONFLICT ${String(reason)}` : String(code);
};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/**
 * A cohort with one person of each role, observers and recording allowed by its charter, two
 * programme spaces, a thread with replies by a peer, the member and the scholar, a reaction, two
 * ended sessions (the vendor speaks in the first, where the scholar asked a question), a need the
 * peer supports, and guests granted what they may see.
 */
async function world(t: TestApp) {
  const cohortId = (await newCohort(t)).id;
  await t.dataSource
    .getRepository(CharterVersionEntity)
    .update({ cohortId }, { observers: Permission.ALLOWED, recording: Permission.ALLOWED });
  const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR' });
  const member = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance' });
  const peer = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'ict' });
  const scholar = await newMember(t, cohortId, { role: 'SCHOLAR' });
  const vendor = await newMember(t, cohortId, {
    role: 'VENDOR',
    accessExpiresAt: new Date(Date.now() + 30 * 86_400_000),
  });
  const observer = await newMember(t, cohortId, { role: 'OBSERVER' });
  const spaceId = await newSpace(t, cohortId, facilitator);
  const otherSpaceId = await newSpace(t, cohortId, facilitator);
  const memberships = t.dataSource.getRepository(MembershipEntity);
  await memberships.update({ id: scholar.membershipId }, { grantedSpaceIds: [spaceId] });

  const threadId = (
    await t.ok<{ startThread: { id: string } }>(
      M.start,
      { input: { spaceId, title: 'Device procurement', body: 'Who bought tablets at scale?', kind: 'QUESTION' } },
      member.token,
    )
  ).startThread.id;
  const replyBy = async (who: TestMember, body: string) =>
    (await t.ok<{ reply: { id: string } }>(M.reply, { input: { threadId, body } }, who.token)).reply.id;
  const peerPostId = await replyBy(peer, 'We bought tablets in 2023.');
  const memberPostId = await replyBy(member, 'Thanks, which vendor?');
  const scholarPostId = await replyBy(scholar, 'Our study of tablets says this.');
  await t.ok(M.react, { input: { postId: peerPostId, reaction: 'THANKS' } }, member.token);

  const now = Date.now();
  const sessions = t.dataSource.getRepository(SessionEntity);
  const session = await sessions.save({
    cohortId,
    title: 'Procurement clinic',
    abstract: 'What went wrong',
    startsAt: new Date(now - 2 * 3_600_000),
    endsAt: new Date(now - 3_600_000),
    state: SessionState.ENDED,
    expertMembershipIds: [vendor.membershipId],
    createdById: facilitator.id,
  });
  const session2 = await sessions.save({
    cohortId,
    title: 'Follow-up clinic',
    abstract: 'What went right',
    startsAt: new Date(now - 5 * 3_600_000),
    endsAt: new Date(now - 4 * 3_600_000),
    state: SessionState.ENDED,
    expertMembershipIds: [],
    createdById: facilitator.id,
  });
  await memberships.update({ id: vendor.membershipId }, { grantedSessionIds: [session.id] });
  const question = await t.dataSource.getRepository(QuestionEntity).save({
    cohortId,
    sessionId: session.id,
    authorMembershipId: scholar.membershipId,
    authorUserId: scholar.id,
    body: 'How did you test the tablets?',
  });
  const needId = (
    await t.ok<{ submitNeed: { id: string } }>(
      M.submitNeed,
      { input: { cohortId, title: 'Tablet specs', description: 'Shared tablet specs', theme: 'procurement' } },
      member.token,
    )
  ).submitNeed.id;
  await t.ok(M.support, { input: { needId } }, peer.token);
  return {
    cohortId,
    facilitator,
    member,
    peer,
    scholar,
    vendor,
    observer,
    spaceId,
    otherSpaceId,
    threadId,
    peerPostId,
    memberPostId,
    scholarPostId,
    sessionId: session.id,
    session2Id: session2.id,
    questionId: question.id,
    needId,
  };
}
type World = Awaited<ReturnType<typeof world>>;

async function conclude(t: TestApp, w: World) {
  return (
    await t.ok<{ concludeCohort: { concludedAt: string; alumniSpaceId: string; archiveProposalId: string } }>(
      CONCLUDE,
      { input: { cohortId: w.cohortId } },
      w.facilitator.token,
    )
  ).concludeCohort;
}

/** A thread in the alumni space by the member, with a reply by the peer that the member reacted to. */
async function alumniThread(t: TestApp, w: World, alumniSpaceId: string, title = 'A year on') {
  const threadId = (
    await t.ok<{ startThread: { id: string } }>(
      M.start,
      { input: { spaceId: alumniSpaceId, title, body: 'How did the tablet rollout go?', kind: 'PRACTICE' } },
      w.member.token,
    )
  ).startThread.id;
  const postId = (await t.ok<{ reply: { id: string } }>(M.reply, { input: { threadId, body: 'Well.' } }, w.peer.token))
    .reply.id;
  await t.ok(M.react, { input: { postId, reaction: 'AGREE' } }, w.member.token);
  return { threadId, postId };
}

/** Every table a refused write could touch, digested, for "nothing changed". */
async function snapshot(t: TestApp) {
  const out: Record<string, string> = {};
  for (const entity of [
    ThreadEntity,
    PostEntity,
    PostReactionEntity,
    NeedEntity,
    NeedSupportEntity,
    SpaceEntity,
    SessionEntity,
    SessionRsvpEntity,
    QuestionEntity,
    QuestionVoteEntity,
    NormProposalEntity,
    NormVoteEntity,
    NormProposalCommentEntity,
    InvitationEntity,
    MembershipEntity,
    CohortEntity,
    CalendarFeedEntity,
  ]) {
    const rows = await t.dataSource.getRepository(entity).find();
    out[entity.name] = JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());
  }
  return out;
}

/** Holds a thread's row lock in its own transaction, so a reply to it waits inside its transaction. */
async function holdThreadRow(t: TestApp, threadId: string) {
  const runner = t.dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  await runner.query('SELECT id FROM threads WHERE id = $1 FOR UPDATE', [threadId]);
  return async () => {
    await runner.commitTransaction();
    await runner.release();
  };
}

/** Waits until some statement of this database waits for a lock on the threads table. */
async function untilWaitingOnThreads(t: TestApp): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    const [row] = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%UPDATE "threads"%'`,
    );
    if (row.n > 0) return;
    if (Date.now() > until) throw new Error('The reply never waited on the thread row');
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------

describe('attacks on the cohort lifecycle', () => {
  let t: TestApp;
  const { connect } = openSockets(() => t);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  // -------------------------------------------------------------------------------------------
  describe('guests (scholar, vendor, observer) after conclusion', () => {
    let w: World;
    let alumni: { threadId: string; postId: string };
    let alumniSpaceId: string;
    let archiveProposalId: string;
    const feeds: Record<string, string> = {};
    const readsBefore: Record<string, string[]> = {};

    const reads = (
      cohortId: string,
      w: World,
      alumniThreadId?: string,
    ): [string, string, Record<string, unknown>][] => [
      ['cohort', Q.cohort, { id: cohortId }],
      ['thread', Q.thread, { id: w.threadId }],
      ['threads', Q.threads, { id: w.spaceId }],
      ['space', Q.space, { id: w.spaceId }],
      ['spaces', Q.spaces, { id: cohortId }],
      ['session', Q.session, { id: w.sessionId }],
      ['sessions', Q.sessions, { id: cohortId }],
      ['need', Q.need, { id: w.needId }],
      ['needs', Q.needs, { id: cohortId }],
      ['search', Q.search, { id: cohortId }],
      ['exportThread', Q.exportThread, { id: w.threadId }],
      ['charter', Q.charter, { id: cohortId }],
      ['normProposals', Q.normProposals, { id: cohortId }],
      ...(alumniThreadId
        ? ([['alumni thread', Q.thread, { id: alumniThreadId }]] as [string, string, Record<string, unknown>][])
        : []),
    ];

    beforeAll(async () => {
      w = await world(t);
      for (const guest of [w.scholar, w.vendor, w.observer]) {
        readsBefore[guest.role] = [];
        for (const [name, doc, vars] of reads(w.cohortId, w)) {
          if (!(await t.gql(doc, vars, guest.token)).errors) readsBefore[guest.role].push(name);
        }
        const { createCalendarFeed } = await t.ok<{ createCalendarFeed: { url: string } }>(
          M.createFeed,
          { id: w.cohortId },
          guest.token,
        );
        feeds[guest.role] = new URL(createCalendarFeed.url, t.url).pathname;
      }
      ({ alumniSpaceId, archiveProposalId } = await conclude(t, w));
      alumni = await alumniThread(t, w, alumniSpaceId);
    });

    it('could read what they were granted before (so the refusals below are real)', () => {
      expect(readsBefore.SCHOLAR).toEqual(expect.arrayContaining(['cohort', 'thread', 'search', 'exportThread']));
      expect(readsBefore.VENDOR).toEqual(expect.arrayContaining(['cohort', 'session', 'sessions']));
      expect(readsBefore.OBSERVER).toEqual(expect.arrayContaining(['cohort', 'thread', 'need', 'needs', 'session']));
    });

    it('get NOT_FOUND on every GraphQL read that takes a cohort, space, thread, session or need id', async () => {
      const got: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const guest of [w.scholar, w.vendor, w.observer]) {
        for (const [name, doc, vars] of reads(w.cohortId, w, alumni.threadId)) {
          got[`${guest.role} ${name}`] = outcomeOf(await t.gql(doc, vars, guest.token));
          expected[`${guest.role} ${name}`] = 'NOT_FOUND';
        }
      }
      expect(got).toEqual(expected);
    });

    it('no longer list the cohort in me { memberships }, and their calendar feeds answer 404', async () => {
      for (const guest of [w.scholar, w.vendor, w.observer]) {
        const me = await t.ok<{ me: { memberships: { cohort: { id: string } }[] } }>(Q.me, {}, guest.token);
        expect({ role: guest.role, cohorts: me.me.memberships.map((m) => m.cohort.id) }).toEqual({
          role: guest.role,
          cohorts: [],
        });
        expect({ role: guest.role, status: (await t.http().get(feeds[guest.role])).status }).toEqual({
          role: guest.role,
          status: 404,
        });
      }
    });

    it('get NOT_FOUND (never CONFLICT, which would tell them the stage) on every write, and change nothing', async () => {
      const before = await snapshot(t);
      const writes: [string, string, Record<string, unknown>, TestMember][] = [
        ['scholar reply', M.reply, { input: { threadId: w.threadId, body: 'x' } }, w.scholar],
        [
          'scholar startThread',
          M.start,
          { input: { spaceId: w.spaceId, title: 'x', body: 'x', kind: 'QUESTION' } },
          w.scholar,
        ],
        [
          'scholar startThread (alumni)',
          M.start,
          { input: { spaceId: alumniSpaceId, title: 'x', body: 'x', kind: 'QUESTION' } },
          w.scholar,
        ],
        ['scholar reply (alumni)', M.reply, { input: { threadId: alumni.threadId, body: 'x' } }, w.scholar],
        ['scholar editPost (own)', M.edit, { input: { postId: w.scholarPostId, body: 'edited' } }, w.scholar],
        ['scholar deletePost (own)', M.del, { id: w.scholarPostId }, w.scholar],
        ['scholar react', M.react, { input: { postId: w.peerPostId, reaction: 'AGREE' } }, w.scholar],
        ['scholar unreact', M.unreact, { input: { postId: w.peerPostId, reaction: 'THANKS' } }, w.scholar],
        ['scholar askQuestion', M.ask, { input: { sessionId: w.sessionId, body: 'x' } }, w.scholar],
        ['scholar upvoteQuestion', M.upvote, { input: { questionId: w.questionId } }, w.scholar],
        ['vendor markQuestionAnswered', M.answer, { input: { questionId: w.questionId, answered: true } }, w.vendor],
        ['vendor rsvp', M.rsvp, { input: { sessionId: w.sessionId, status: 'GOING' } }, w.vendor],
        ['observer rsvp', M.rsvp, { input: { sessionId: w.sessionId, status: 'GOING' } }, w.observer],
        ['observer supportNeed', M.support, { input: { needId: w.needId } }, w.observer],
        ['observer proposeNorm', M.propose, { input: { cohortId: w.cohortId, title: 'x', text: 'x' } }, w.observer],
        ['scholar voteOnNorm', M.vote, { input: { proposalId: archiveProposalId, position: 'BLOCK' } }, w.scholar],
        ['scholar commentOnProposal', M.comment, { input: { proposalId: archiveProposalId, body: 'x' } }, w.scholar],
      ];
      for (const guest of [w.scholar, w.vendor, w.observer]) {
        writes.push(
          [`${guest.role} acceptCharter`, M.acceptCharter, { input: { cohortId: w.cohortId, version: 1 } }, guest],
          [`${guest.role} createCalendarFeed`, M.createFeed, { id: w.cohortId }, guest],
          [`${guest.role} revokeCalendarFeed`, M.revokeFeed, { id: w.cohortId }, guest],
          [`${guest.role} concludeCohort`, CONCLUDE, { input: { cohortId: w.cohortId } }, guest],
          [`${guest.role} archiveCohort`, ARCHIVE, { id: w.cohortId }, guest],
        );
      }
      const got: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const [name, doc, vars, who] of writes) {
        got[name] = outcomeOf(await t.gql(doc, vars, who.token));
        expected[name] = 'NOT_FOUND';
      }
      expect(got).toEqual(expected);
      expect(await snapshot(t)).toEqual(before);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('guests’ sockets at conclusion', () => {
    it('every open subscription of every guest is revoked within a second; no resubscription or replay', async () => {
      const w = await world(t);
      const scholar = await connect(w.scholar.token);
      const vendor = await connect(w.vendor.token);
      const observer = await connect(w.observer.token);
      const member = await connect(w.member.token);
      const subscriptions: [TestSocket, string][] = [
        [scholar, `cohort:${w.cohortId}`],
        [scholar, `thread:${w.threadId}`],
        [vendor, `cohort:${w.cohortId}`],
        [vendor, `session:${w.sessionId}`],
        [observer, `cohort:${w.cohortId}`],
        [observer, `thread:${w.threadId}`],
        [observer, `session:${w.sessionId}`],
      ];
      for (const [socket, topic] of subscriptions)
        expect({ topic, ack: await socket.subscribe(topic) }).toEqual({ topic, ack: { ok: true } });
      expect(await member.subscribe(`thread:${w.threadId}`)).toEqual({ ok: true });
      // Something happens on the thread before, so a replay from 0 would have something to give.
      await t.ok(M.reply, { input: { threadId: w.threadId, body: 'Before the end' } }, w.peer.token);
      await eventually(
        () => member.of(`thread:${w.threadId}`).length === 1 && observer.of(`thread:${w.threadId}`).length === 1,
      );

      const { alumniSpaceId } = await conclude(t, w);
      const sent = Date.now();
      await eventually(() => subscriptions.every(([socket, topic]) => socket.revoked.includes(topic)), 1000);
      expect(Date.now() - sent).toBeLessThan(1000);
      const heard = [scholar, vendor, observer].map((s) => s.events.length);

      // Again, with and without replay: refused as for a stranger.
      for (const [socket, topic] of subscriptions) {
        expect({ topic, ack: await socket.subscribe(topic, 0) }).toEqual({
          topic,
          ack: { ok: false, code: 'NOT_FOUND' },
        });
        expect({ topic, ack: await socket.subscribe(topic) }).toEqual({ topic, ack: { ok: false, code: 'NOT_FOUND' } });
      }
      // The alumni space's traffic reaches members, never former guests.
      const alumni = await alumniThread(t, w, alumniSpaceId);
      for (const socket of [scholar, vendor, observer]) {
        expect(await socket.subscribe(`thread:${alumni.threadId}`, 0)).toEqual({ ok: false, code: 'NOT_FOUND' });
      }
      await settle();
      expect([scholar, vendor, observer].map((s) => s.events.length)).toEqual(heard);
      expect(member.revoked).toEqual([]);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('members writing in a concluded cohort', () => {
    let w: World;
    let alumniSpaceId: string;
    let alumni: { threadId: string; postId: string };

    beforeAll(async () => {
      w = await world(t);
      ({ alumniSpaceId } = await conclude(t, w));
      alumni = await alumniThread(t, w, alumniSpaceId);
    });

    it('every content write outside the alumni space is CONFLICT COHORT_CONCLUDED and changes nothing', async () => {
      const before = await snapshot(t);
      const f = w.facilitator;
      const writes: [string, string, Record<string, unknown>, TestMember][] = [
        ['editPost', M.edit, { input: { postId: w.memberPostId, body: 'edited' } }, w.member],
        ['deletePost', M.del, { id: w.memberPostId }, w.member],
        ['unreact', M.unreact, { input: { postId: w.peerPostId, reaction: 'THANKS' } }, w.member],
        ['lockThread', M.lock, { id: w.threadId }, f],
        ['unlockThread', M.unlock, { id: w.threadId }, f],
        ['resolveThread', M.resolve, { input: { threadId: w.threadId, acceptedPostId: w.peerPostId } }, w.member],
        ['markInsight', M.insight, { input: { postId: w.peerPostId, isInsight: true } }, w.member],
        ['moveThread (programme → alumni)', M.move, { input: { threadId: w.threadId, spaceId: alumniSpaceId } }, f],
        ['moveThread (programme → programme)', M.move, { input: { threadId: w.threadId, spaceId: w.otherSpaceId } }, f],
        ['supportNeed', M.support, { input: { needId: w.needId } }, w.member],
        ['unsupportNeed', M.unsupport, { input: { needId: w.needId } }, w.peer],
        ['linkNeedToThread', M.linkThread, { needId: w.needId, threadId: w.threadId }, f],
        ['linkNeedToThread (alumni thread)', M.linkThread, { needId: w.needId, threadId: alumni.threadId }, f],
        ['linkNeedToSession', M.linkSession, { input: { needId: w.needId, sessionId: w.session2Id } }, f],
        ['rsvp', M.rsvp, { input: { sessionId: w.sessionId, status: 'GOING' } }, w.member],
        ['askQuestion', M.ask, { input: { sessionId: w.sessionId, body: 'x' } }, w.member],
        ['upvoteQuestion', M.upvote, { input: { questionId: w.questionId } }, w.member],
        ['hideQuestion', M.hideQuestion, { input: { questionId: w.questionId, reason: 'x' } }, f],
        ['markQuestionAnswered', M.answer, { input: { questionId: w.questionId, answered: true } }, f],
        ['updateSession', M.updateSession, { input: { sessionId: w.sessionId, title: 'Renamed' } }, f],
        ['setSessionState', M.setState, { input: { sessionId: w.sessionId, state: 'CANCELLED' } }, f],
        ['setRecording', M.setRecording, { input: { sessionId: w.sessionId, url: 'https://video.example/x' } }, f],
        ['recordSessionOutcome', M.outcome, { input: { sessionId: w.sessionId, summary: 'Late' } }, f],
      ];
      const got: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const [name, doc, vars, who] of writes) {
        got[name] = outcomeOf(await t.gql(doc, vars, who.token));
        expected[name] = 'CONFLICT COHORT_CONCLUDED';
      }
      expect(got).toEqual(expected);
      expect(await snapshot(t)).toEqual(before);
    });

    it('members carry on in the alumni space: edit, unreact, resolve, mark insight, lock and unlock', async () => {
      const f = w.facilitator;
      const writes: [string, string, Record<string, unknown>, TestMember][] = [
        ['editPost', M.edit, { input: { postId: alumni.postId, body: 'Very well.' } }, w.peer],
        ['unreact', M.unreact, { input: { postId: alumni.postId, reaction: 'AGREE' } }, w.member],
        ['markInsight', M.insight, { input: { postId: alumni.postId, isInsight: true } }, w.member],
        ['resolveThread', M.resolve, { input: { threadId: alumni.threadId, acceptedPostId: alumni.postId } }, w.member],
        ['lockThread', M.lock, { id: alumni.threadId }, f],
        ['unlockThread', M.unlock, { id: alumni.threadId }, f],
      ];
      const got: Record<string, string> = {};
      for (const [name, doc, vars, who] of writes) got[name] = outcomeOf(await t.gql(doc, vars, who.token));
      expect(got).toEqual(Object.fromEntries(writes.map(([name]) => [name, 'ok'])));
      expect((await t.dataSource.getRepository(PostEntity).findOneByOrFail({ id: alumni.postId })).body).toBe(
        'Very well.',
      );
    });

    it('a facilitator cannot move an alumni thread into a closed programme space', async () => {
      const moved = await alumniThread(t, w, alumniSpaceId, 'To be moved');
      const res = await t.gql(M.move, { input: { threadId: moved.threadId, spaceId: w.spaceId } }, w.facilitator.token);
      const after = await t.dataSource.getRepository(ThreadEntity).findOneByOrFail({ id: moved.threadId });
      expect({ outcome: outcomeOf(res), spaceId: after.spaceId }).toEqual({
        outcome: 'CONFLICT COHORT_CONCLUDED',
        spaceId: alumniSpaceId,
      });
    });

    it('a former guest holding a member invitation issued before the conclusion is not let back in', async () => {
      const v = await world(t);
      const email = `dual-${Date.now()}@uni.example`;
      const invite = async (role: string, extra: Record<string, unknown> = {}) =>
        (
          await t.ok<{ invite: { token: string } }>(
            M.invite,
            { input: { cohortId: v.cohortId, email, role, ministry: 'education', country: 'KE', ...extra } },
            v.facilitator.token,
          )
        ).invite.token;
      const asScholar = await invite('SCHOLAR', { spaceIds: [v.spaceId] });
      const asMember = await invite('MEMBER');
      const joined = await t.ok<{ acceptInvitation: { token: string } }>(M.acceptInvitation, {
        input: { token: asScholar, displayName: 'Dual Scholar', password: 'a long enough passphrase' },
      });
      const token = joined.acceptInvitation.token;
      await t.ok(M.acceptCharter, { input: { cohortId: v.cohortId, version: 1 } }, token);
      await t.ok(Q.thread, { id: v.threadId }, token);
      await conclude(t, v);
      const late = await t.gql(M.acceptInvitation, { input: { token: asMember } }, token);
      expect(late.errors).toBeDefined();
      expect(await t.errorCode(Q.thread, { id: v.threadId }, token)).toBe('NOT_FOUND');
      expect(await t.errorCode(Q.cohort, { id: v.cohortId }, token)).toBe('NOT_FOUND');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('an archived cohort', () => {
    let w: World;
    let alumni: { threadId: string; postId: string };
    let alumniSpaceId: string;
    let archiveProposalId: string;
    let openProposalId: string;
    let pendingInvitationId: string;
    let late: TestMember;

    beforeAll(async () => {
      w = await world(t);
      late = await newMember(t, w.cohortId, { role: 'MEMBER', charterAccepted: false });
      ({ alumniSpaceId, archiveProposalId } = await conclude(t, w));
      alumni = await alumniThread(t, w, alumniSpaceId);
      openProposalId = (
        await t.ok<{ proposeNorm: { id: string } }>(
          M.propose,
          { input: { cohortId: w.cohortId, title: 'Reunion', text: 'Meet once a year.' } },
          w.member.token,
        )
      ).proposeNorm.id;
      pendingInvitationId = (
        await t.ok<{ invite: { id: string } }>(
          M.invite,
          {
            input: {
              cohortId: w.cohortId,
              email: `successor-${Date.now()}@gov.example`,
              role: 'MEMBER',
              ministry: 'finance',
              country: 'GH',
            },
          },
          w.facilitator.token,
        )
      ).invite.id;
      await t.ok(M.withdraw, { id: archiveProposalId }, w.facilitator.token);
      await t.ok(ARCHIVE, { id: w.cohortId }, w.facilitator.token);
    });

    it('refuses every other write with CONFLICT COHORT_ARCHIVED and changes nothing', async () => {
      const before = await snapshot(t);
      const f = w.facilitator;
      const writes: [string, string, Record<string, unknown>, TestMember][] = [
        ['editPost (alumni)', M.edit, { input: { postId: alumni.postId, body: 'edited' } }, w.peer],
        ['deletePost (alumni)', M.del, { id: alumni.postId }, w.peer],
        ['unreact (alumni)', M.unreact, { input: { postId: alumni.postId, reaction: 'AGREE' } }, w.member],
        ['lockThread (alumni)', M.lock, { id: alumni.threadId }, f],
        ['resolveThread (alumni)', M.resolve, { input: { threadId: alumni.threadId } }, w.member],
        ['markInsight (alumni)', M.insight, { input: { postId: alumni.postId, isInsight: true } }, w.member],
        ['moveThread (alumni → programme)', M.move, { input: { threadId: alumni.threadId, spaceId: w.spaceId } }, f],
        ['voteOnNorm', M.vote, { input: { proposalId: openProposalId, position: 'AGREE' } }, w.member],
        ['commentOnProposal', M.comment, { input: { proposalId: openProposalId, body: 'x' } }, w.member],
        ['withdrawNorm', M.withdraw, { id: openProposalId }, w.member],
        ['ratifyCharter', M.ratify, { input: { cohortId: w.cohortId, proposalIds: [openProposalId] } }, f],
        ['supportNeed', M.support, { input: { needId: w.needId } }, w.member],
        ['unsupportNeed', M.unsupport, { input: { needId: w.needId } }, w.peer],
        ['rsvp', M.rsvp, { input: { sessionId: w.sessionId, status: 'GOING' } }, w.member],
        ['hideQuestion', M.hideQuestion, { input: { questionId: w.questionId, reason: 'x' } }, f],
        ['recordSessionOutcome', M.outcome, { input: { sessionId: w.sessionId, summary: 'Late' } }, f],
      ];
      const got: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const [name, doc, vars, who] of writes) {
        got[name] = outcomeOf(await t.gql(doc, vars, who.token));
        expected[name] = 'CONFLICT COHORT_ARCHIVED';
      }
      expect(got).toEqual(expected);
      expect(await snapshot(t)).toEqual(before);
    });

    // Documented exceptions: consent to the charter (without it a member could never read the
    // archive) and one's own calendar feed URL are personal, and stay open in an archive.
    it('still lets a member accept the charter in force, so the archive can be read', async () => {
      const res = await t.gql(M.acceptCharter, { input: { cohortId: w.cohortId, version: 1 } }, late.token);
      const row = await t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: late.membershipId });
      expect({ outcome: outcomeOf(res), acceptedCharterVersion: row.acceptedCharterVersion }).toEqual({
        outcome: 'ok',
        acceptedCharterVersion: 1,
      });
    });

    it('still lets a member make their own calendar feed URL', async () => {
      const res = await t.gql(M.createFeed, { id: w.cohortId }, w.member.token);
      expect({
        outcome: outcomeOf(res),
        feeds: await t.dataSource.getRepository(CalendarFeedEntity).countBy({ membershipId: w.member.membershipId }),
      }).toEqual({ outcome: 'ok', feeds: 1 });
    });

    it('members who may not act get FORBIDDEN, not the stage; outsiders and former guests get NOT_FOUND', async () => {
      const outsider = await newMember(t, (await newCohort(t)).id, { role: 'FACILITATOR' });
      const attempts: [string, string, Record<string, unknown>, TestMember, string][] = [
        ['member concludeCohort', CONCLUDE, { input: { cohortId: w.cohortId } }, w.member, 'FORBIDDEN'],
        ['member archiveCohort', ARCHIVE, { id: w.cohortId }, w.member, 'FORBIDDEN'],
        ['member hidePost', M.hide, { input: { postId: alumni.postId, reason: 'x' } }, w.member, 'FORBIDDEN'],
        ['member lockThread', M.lock, { id: alumni.threadId }, w.member, 'FORBIDDEN'],
      ];
      for (const who of [outsider, w.vendor, w.scholar, w.observer]) {
        const as = who === outsider ? 'outsider' : who.role;
        attempts.push(
          [`${as} cohort`, Q.cohort, { id: w.cohortId }, who, 'NOT_FOUND'],
          [`${as} reply (alumni)`, M.reply, { input: { threadId: alumni.threadId, body: 'x' } }, who, 'NOT_FOUND'],
          [`${as} concludeCohort`, CONCLUDE, { input: { cohortId: w.cohortId } }, who, 'NOT_FOUND'],
          [`${as} archiveCohort`, ARCHIVE, { id: w.cohortId }, who, 'NOT_FOUND'],
          [
            `${as} proposeNorm`,
            M.propose,
            { input: { cohortId: w.cohortId, title: 'x', text: 'x' } },
            who,
            'NOT_FOUND',
          ],
          [
            `${as} invite`,
            M.invite,
            {
              input: {
                cohortId: w.cohortId,
                email: 'x@gov.example',
                role: 'MEMBER',
                ministry: 'finance',
                country: 'GH',
              },
            },
            who,
            'NOT_FOUND',
          ],
          [`${as} acceptCharter`, M.acceptCharter, { input: { cohortId: w.cohortId, version: 1 } }, who, 'NOT_FOUND'],
          [`${as} createCalendarFeed`, M.createFeed, { id: w.cohortId }, who, 'NOT_FOUND'],
          [`${as} revokeInvitation`, M.revokeInvitation, { id: pendingInvitationId }, who, 'NOT_FOUND'],
        );
      }
      const got: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const [name, doc, vars, who, outcome] of attempts) {
        got[name] = outcomeOf(await t.gql(doc, vars, who.token));
        expected[name] = outcome;
      }
      expect(got).toEqual(expected);
    });

    it('the platform admin: no invitations or role changes; may revoke an invitation and remove a member', async () => {
      const admin = await adminToken(t);
      const got = {
        invite: outcomeOf(
          await t.gql(
            M.invite,
            {
              input: {
                cohortId: w.cohortId,
                email: 'y@gov.example',
                role: 'MEMBER',
                ministry: 'finance',
                country: 'GH',
              },
            },
            admin,
          ),
        ),
        changeRole: outcomeOf(
          await t.gql(M.changeRole, { input: { membershipId: w.peer.membershipId, role: 'FACILITATOR' } }, admin),
        ),
        concludeCohort: outcomeOf(await t.gql(CONCLUDE, { input: { cohortId: w.cohortId } }, admin)),
        archiveCohort: outcomeOf(await t.gql(ARCHIVE, { id: w.cohortId }, admin)),
        alumniThread: outcomeOf(await t.gql(Q.thread, { id: alumni.threadId }, admin)),
        acceptCharter: outcomeOf(await t.gql(M.acceptCharter, { input: { cohortId: w.cohortId, version: 1 } }, admin)),
        revokeInvitation: outcomeOf(await t.gql(M.revokeInvitation, { id: pendingInvitationId }, admin)),
        removeMember: outcomeOf(await t.gql(M.remove, { input: { membershipId: w.peer.membershipId } }, admin)),
      };
      expect(got).toEqual({
        invite: 'CONFLICT COHORT_ARCHIVED',
        changeRole: 'CONFLICT COHORT_ARCHIVED',
        concludeCohort: 'FORBIDDEN',
        archiveCohort: 'FORBIDDEN',
        alumniThread: 'NOT_FOUND',
        acceptCharter: 'NOT_FOUND',
        revokeInvitation: 'ok',
        removeMember: 'ok',
      });
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the platform admin in a concluded cohort', () => {
    it('manages full members but admits no guest, reads no content, and cannot conclude or archive', async () => {
      const w = await world(t);
      const { alumniSpaceId } = await conclude(t, w);
      const alumni = await alumniThread(t, w, alumniSpaceId);
      const admin = await adminToken(t);
      const invite = (role: string) =>
        t.gql(
          M.invite,
          {
            input: {
              cohortId: w.cohortId,
              email: `${role.toLowerCase()}-${Date.now()}@x.example`,
              role,
              ministry: 'finance',
              country: 'GH',
            },
          },
          admin,
        );
      const got = {
        SCHOLAR: outcomeOf(await invite('SCHOLAR')),
        VENDOR: outcomeOf(await invite('VENDOR')),
        OBSERVER: outcomeOf(await invite('OBSERVER')),
        MEMBER: outcomeOf(await invite('MEMBER')),
        'member → OBSERVER': outcomeOf(
          await t.gql(M.changeRole, { input: { membershipId: w.member.membershipId, role: 'OBSERVER' } }, admin),
        ),
        'ex-vendor → SCHOLAR': outcomeOf(
          await t.gql(M.changeRole, { input: { membershipId: w.vendor.membershipId, role: 'SCHOLAR' } }, admin),
        ),
        alumniSpace: outcomeOf(await t.gql(Q.space, { id: alumniSpaceId }, admin)),
        alumniThread: outcomeOf(await t.gql(Q.thread, { id: alumni.threadId }, admin)),
        reply: outcomeOf(await t.gql(M.reply, { input: { threadId: alumni.threadId, body: 'x' } }, admin)),
        createCalendarFeed: outcomeOf(await t.gql(M.createFeed, { id: w.cohortId }, admin)),
        concludeCohort: outcomeOf(await t.gql(CONCLUDE, { input: { cohortId: w.cohortId } }, admin)),
        archiveCohort: outcomeOf(await t.gql(ARCHIVE, { id: w.cohortId }, admin)),
      };
      expect(got).toEqual({
        SCHOLAR: 'CONFLICT COHORT_CONCLUDED',
        VENDOR: 'CONFLICT COHORT_CONCLUDED',
        OBSERVER: 'CONFLICT COHORT_CONCLUDED',
        MEMBER: 'ok',
        'member → OBSERVER': 'CONFLICT COHORT_CONCLUDED',
        'ex-vendor → SCHOLAR': 'CONFLICT COHORT_CONCLUDED',
        alumniSpace: 'NOT_FOUND',
        alumniThread: 'NOT_FOUND',
        reply: 'NOT_FOUND',
        createCalendarFeed: 'FORBIDDEN',
        concludeCohort: 'FORBIDDEN',
        archiveCohort: 'FORBIDDEN',
      });
    });
  });

  // -------------------------------------------------------------------------------------------
  withServer('races', () => {
    /**
     * The reply is authorized, then waits inside its transaction (the thread row is held); the
     * stage changes and returns meanwhile; then the reply is let go. A write may land only if it
     * committed before the stage changed, never after.
     */
    async function race(t: TestApp, threadId: string, writer: TestMember, change: () => Promise<GqlResponse>) {
      const order: string[] = [];
      const release = await holdThreadRow(t, threadId);
      let replying: Promise<unknown> | undefined;
      let changing: Promise<unknown> | undefined;
      try {
        replying = t
          .gql(M.reply, { input: { threadId, body: 'Written while the stage changed' } }, writer.token)
          .then((res) => order.push(`reply ${outcomeOf(res)}`));
        await untilWaitingOnThreads(t);
        changing = change().then((res) => order.push(`stage changed: ${outcomeOf(res)}`));
        // Long enough for the change to finish if nothing makes it wait for the reply.
        await Promise.race([changing, sleep(1500)]);
      } finally {
        await release();
      }
      await Promise.all([replying, changing]);
      return order;
    }

    it('a scholar’s reply in flight when the cohort concludes does not land after the conclusion', async () => {
      const w = await world(t);
      const order = await race(t, w.threadId, w.scholar, () =>
        t.gql(CONCLUDE, { input: { cohortId: w.cohortId } }, w.facilitator.token),
      );
      expect(order).toContain('stage changed: ok');
      expect(order.slice(order.indexOf('stage changed: ok'))).not.toContain('reply ok');
    });

    it('a member’s alumni reply in flight when the cohort is archived does not land in the archive', async () => {
      const w = await world(t);
      const { alumniSpaceId, archiveProposalId } = await conclude(t, w);
      const alumni = await alumniThread(t, w, alumniSpaceId);
      await t.ok(M.withdraw, { id: archiveProposalId }, w.facilitator.token);
      const order = await race(t, alumni.threadId, w.member, () =>
        t.gql(ARCHIVE, { id: w.cohortId }, w.facilitator.token),
      );
      expect(order).toContain('stage changed: ok');
      expect(order.slice(order.indexOf('stage changed: ok'))).not.toContain('reply ok');
    });
  });
});
