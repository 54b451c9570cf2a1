import { CohortEntity } from '../src/cohorts/cohort.entity.js';
import { InvitationEntity } from '../src/cohorts/invitation.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { RetentionService } from '../src/charter/retention.service.js';
import { NeedEntity } from '../src/needs/need.entity.js';
import { SessionEntity, SessionState } from '../src/sessions/session.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { PostEntity, PostReactionEntity } from '../src/threads/post.entity.js';
import { ThreadEntity } from '../src/threads/thread.entity.js';
import { NormProposalEntity, NormVoteEntity } from '../src/charter/charter.entity.js';
import { newCohort, newMember, newSpace, type TestMember } from './harness/factories.js';
import { type Actors, actorsIn, OUTSIDERS, type RoleOperation, row, roleTable } from './harness/role-table.js';
import { eventually, openSockets, settle } from './harness/sockets.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

const CONCLUDE = `mutation ($input: ConcludeCohortInput!) {
  concludeCohort(input: $input) { id status concludedAt alumniSpaceId archiveProposalId } }`;
const ARCHIVE = 'mutation ($id: ID!) { archiveCohort(cohortId: $id) { id status archivedAt } }';
const COHORT = 'query ($id: ID!) { cohort(id: $id) { id status alumniSpaceId archiveProposalId } }';
const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';
const REACT = 'mutation ($input: ReactInput!) { react(input: $input) { id } }';
const HIDE = 'mutation ($input: HidePostInput!) { hidePost(input: $input) { id hidden } }';
const THREAD = 'query ($id: ID!) { thread(id: $id) { id title } }';
const SESSION = 'query ($id: ID!) { session(id: $id) { id } }';
const INVITE = 'mutation ($input: InviteInput!) { invite(input: $input) { id token } }';
const ACCEPT_INVITATION =
  'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token membership { id } } }';
const CHANGE_ROLE = 'mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id role } }';
const REMOVE = 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }';
const SUBMIT_NEED = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { id } }';
const CREATE_SPACE = 'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }';
const SCHEDULE = 'mutation ($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }';
const PROPOSE = 'mutation ($input: ProposeNormInput!) { proposeNorm(input: $input) { id } }';
const PROPOSALS = `query ($id: ID!) { normProposals(cohortId: $id) { edges { node {
  id title text status policyChange { retentionDays } } } } }`;
const VOTE = 'mutation ($input: VoteOnNormInput!) { voteOnNorm(input: $input) { id } }';
const WITHDRAW = 'mutation ($id: ID!) { withdrawNorm(proposalId: $id) { id status } }';
const RATIFY =
  'mutation ($input: RatifyCharterInput!) { ratifyCharter(input: $input) { version policy { retentionDays } } }';
const ACCEPT_CHARTER = 'mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { id } }';

const reasonOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => ({
  code: res.errors?.[0]?.extensions?.code,
  reason: res.errors?.[0]?.extensions?.reason,
});

/** A cohort with one person of each role, a space with a thread and a reply, and guests granted what they may see. */
async function programme(t: TestApp) {
  const cohortId = (await newCohort(t)).id;
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
  const threadId = (
    await t.ok<{ startThread: { id: string } }>(
      START,
      { input: { spaceId, title: 'Device procurement', body: 'Who bought tablets at scale?', kind: 'QUESTION' } },
      member.token,
    )
  ).startThread.id;
  const postId = (await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body: 'We did.' } }, peer.token))
    .reply.id;
  const now = Date.now();
  const session = await t.dataSource.getRepository(SessionEntity).save({
    cohortId,
    title: 'Procurement clinic',
    abstract: 'What went wrong',
    startsAt: new Date(now - 2 * 3_600_000),
    endsAt: new Date(now - 3_600_000),
    state: SessionState.ENDED,
    expertMembershipIds: [vendor.membershipId],
    createdById: facilitator.id,
  });
  const memberships = t.dataSource.getRepository(MembershipEntity);
  await memberships.update({ id: scholar.membershipId }, { grantedSpaceIds: [spaceId] });
  await memberships.update({ id: vendor.membershipId }, { grantedSessionIds: [session.id] });
  return {
    cohortId,
    facilitator,
    member,
    peer,
    scholar,
    vendor,
    observer,
    spaceId,
    threadId,
    postId,
    sessionId: session.id,
  };
}

type Programme = Awaited<ReturnType<typeof programme>>;

async function conclude(t: TestApp, p: Programme, archiveRetentionDays?: number | null) {
  const input =
    archiveRetentionDays === undefined ? { cohortId: p.cohortId } : { cohortId: p.cohortId, archiveRetentionDays };
  return (
    await t.ok<{
      concludeCohort: { status: string; concludedAt: string; alumniSpaceId: string; archiveProposalId: string };
    }>(CONCLUDE, { input }, p.facilitator.token)
  ).concludeCohort;
}

/** Agrees to the archive proposal with enough members and ratifies it; everyone accepts the new charter. */
async function ratifyArchiveProposal(t: TestApp, p: Programme, proposalId: string) {
  for (const voter of [p.facilitator, p.member, p.peer]) {
    await t.ok(VOTE, { input: { proposalId, position: 'AGREE' } }, voter.token);
  }
  const { ratifyCharter } = await t.ok<{ ratifyCharter: { version: number; policy: { retentionDays: number } } }>(
    RATIFY,
    { input: { cohortId: p.cohortId, proposalIds: [proposalId] } },
    p.facilitator.token,
  );
  for (const who of [p.facilitator, p.member, p.peer]) {
    await t.ok(ACCEPT_CHARTER, { input: { cohortId: p.cohortId, version: ratifyCharter.version } }, who.token);
  }
  return ratifyCharter;
}

describe('the life of a cohort after the programme', () => {
  let t: TestApp;
  const { connect } = openSockets(() => t);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('concluding', () => {
    it('ends every guest’s access within a second on every path, their sockets included; members carry on', async () => {
      const p = await programme(t);
      const scholarSocket = await connect(p.scholar.token);
      const vendorSocket = await connect(p.vendor.token);
      const observerSocket = await connect(p.observer.token);
      const memberSocket = await connect(p.member.token);
      expect(await scholarSocket.subscribe(`thread:${p.threadId}`)).toEqual({ ok: true });
      expect(await vendorSocket.subscribe(`session:${p.sessionId}`)).toEqual({ ok: true });
      expect(await observerSocket.subscribe(`cohort:${p.cohortId}`)).toEqual({ ok: true });
      expect(await memberSocket.subscribe(`thread:${p.threadId}`)).toEqual({ ok: true });
      expect(await memberSocket.subscribe(`cohort:${p.cohortId}`)).toEqual({ ok: true });
      // Before: each guest reaches what it was granted.
      await t.ok(THREAD, { id: p.threadId }, p.scholar.token);
      await t.ok(SESSION, { id: p.sessionId }, p.vendor.token);
      await t.ok(COHORT, { id: p.cohortId }, p.observer.token);
      const feed = (
        await t.ok<{ createCalendarFeed: { url: string } }>(
          'mutation ($id: ID!) { createCalendarFeed(cohortId: $id) { url } }',
          { id: p.cohortId },
          p.vendor.token,
        )
      ).createCalendarFeed.url;
      const feedPath = new URL(feed, t.url).pathname;
      expect((await t.http().get(feedPath)).status).toBe(200);

      const concluded = await conclude(t, p);
      const sent = Date.now();
      expect(concluded.status).toBe('CONCLUDED');
      await eventually(
        () =>
          scholarSocket.revoked.includes(`thread:${p.threadId}`) &&
          vendorSocket.revoked.includes(`session:${p.sessionId}`) &&
          observerSocket.revoked.includes(`cohort:${p.cohortId}`),
        1000,
      );
      const revokedWithin = Date.now() - sent;
      expect(revokedWithin).toBeLessThan(1000);

      // Every other path answers as for a stranger.
      expect(await t.errorCode(THREAD, { id: p.threadId }, p.scholar.token)).toBe('NOT_FOUND');
      expect(await t.errorCode(SESSION, { id: p.sessionId }, p.vendor.token)).toBe('NOT_FOUND');
      expect(await t.errorCode(COHORT, { id: p.cohortId }, p.observer.token)).toBe('NOT_FOUND');
      expect((await t.http().get(feedPath)).status).toBe(404);
      expect(await scholarSocket.subscribe(`thread:${p.threadId}`)).toEqual({ ok: false, code: 'NOT_FOUND' });
      expect(await vendorSocket.subscribe(`session:${p.sessionId}`)).toEqual({ ok: false, code: 'NOT_FOUND' });
      const mine = await t.ok<{ me: { memberships: { id: string }[] } }>(
        'query { me { memberships { id } } }',
        {},
        p.vendor.token,
      );
      expect(mine.me.memberships).toEqual([]);

      // Members keep their subscriptions and hear that the cohort concluded.
      await eventually(() => memberSocket.of(`cohort:${p.cohortId}`, 'cohort.updated').length === 1);
      expect(memberSocket.of(`cohort:${p.cohortId}`, 'cohort.updated')[0].payload).toEqual({
        cohortId: p.cohortId,
        status: 'CONCLUDED',
      });
      const late = await t.gql(REPLY, { input: { threadId: p.threadId, body: 'Late' } }, p.member.token);
      expect(reasonOf(late)).toEqual({ code: 'CONFLICT', reason: 'COHORT_CONCLUDED' });
      await settle();
      expect(memberSocket.revoked).toEqual([]);
      expect(scholarSocket.of(`thread:${p.threadId}`)).toEqual([]);

      // The audit log says what happened.
      const [entry] = await t.dataSource.query<{ details: Record<string, unknown> }[]>(
        "SELECT details FROM audit_entries WHERE cohort_id = $1 AND action = 'cohort.concluded'",
        [p.cohortId],
      );
      expect(entry.details).toMatchObject({ guestsEnded: 3, alumniSpaceId: concluded.alumniSpaceId });
    });

    it('revokes pending guest invitations and admits no new guests; full members can still be invited', async () => {
      const p = await programme(t);
      const invite = (role: string, email: string) =>
        t.gql<{ invite: { id: string; token: string } }>(
          INVITE,
          { input: { cohortId: p.cohortId, email, role, ministry: 'education', country: 'KE' } },
          p.facilitator.token,
        );
      const pendingScholar = (await invite('SCHOLAR', 'scholar-pending@uni.example')).data!.invite;
      const pendingMember = (await invite('MEMBER', 'member-pending@gov.example')).data!.invite;
      const observerToBe = await newMember(t, p.cohortId, { role: 'MEMBER' });
      await conclude(t, p);

      const invitations = t.dataSource.getRepository(InvitationEntity);
      expect((await invitations.findOneByOrFail({ id: pendingScholar.id })).revokedAt).not.toBeNull();
      expect((await invitations.findOneByOrFail({ id: pendingMember.id })).revokedAt).toBeNull();
      const accepted = await t.gql(ACCEPT_INVITATION, {
        input: { token: pendingScholar.token, displayName: 'Late Scholar', password: 'a long enough passphrase' },
      });
      expect(reasonOf(accepted)).toEqual({ code: 'CONFLICT', reason: 'COHORT_CONCLUDED' });
      for (const role of ['SCHOLAR', 'VENDOR', 'OBSERVER']) {
        expect(reasonOf(await invite(role, `${role.toLowerCase()}-late@example.org`))).toEqual({
          code: 'CONFLICT',
          reason: 'COHORT_CONCLUDED',
        });
      }
      expect((await invite('MEMBER', 'successor@gov.example')).errors).toBeUndefined();
      const joined = await t.gql(ACCEPT_INVITATION, {
        input: { token: pendingMember.token, displayName: 'Successor', password: 'a long enough passphrase' },
      });
      expect(joined.errors).toBeUndefined();
      // A member cannot be turned into a guest to get around it.
      const demoted = await t.gql(
        CHANGE_ROLE,
        { input: { membershipId: observerToBe.membershipId, role: 'OBSERVER' } },
        p.facilitator.token,
      );
      expect(reasonOf(demoted)).toEqual({ code: 'CONFLICT', reason: 'COHORT_CONCLUDED' });
      expect(
        (await t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: observerToBe.membershipId })).role,
      ).toBe('MEMBER');
    });

    it('opens the alumni space to members only and closes the programme’s content to writes', async () => {
      const p = await programme(t);
      const { alumniSpaceId } = await conclude(t, p);
      const alumni = await t.dataSource.getRepository(SpaceEntity).findOneByOrFail({ id: alumniSpaceId });
      expect(alumni).toMatchObject({ cohortId: p.cohortId, audienceRoles: ['FACILITATOR', 'MEMBER'] });

      const threadId = (
        await t.ok<{ startThread: { id: string } }>(
          START,
          { input: { spaceId: alumniSpaceId, title: 'A year on', body: 'How did the rollout go?', kind: 'PRACTICE' } },
          p.member.token,
        )
      ).startThread.id;
      const postId = (
        await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body: 'Well.' } }, p.peer.token)
      ).reply.id;
      await t.ok(REACT, { input: { postId, reaction: 'THANKS' } }, p.member.token);
      await t.ok(HIDE, { input: { postId, reason: 'Off topic' } }, p.facilitator.token);
      // Guests are gone: the alumni space is not theirs either.
      expect(await t.errorCode(THREAD, { id: threadId }, p.scholar.token)).toBe('NOT_FOUND');

      const refusals = {
        startThread: await t.gql(
          START,
          { input: { spaceId: p.spaceId, title: 'Late', body: 'Late', kind: 'QUESTION' } },
          p.member.token,
        ),
        reply: await t.gql(REPLY, { input: { threadId: p.threadId, body: 'Late' } }, p.member.token),
        react: await t.gql(REACT, { input: { postId: p.postId, reaction: 'AGREE' } }, p.member.token),
        hidePost: await t.gql(HIDE, { input: { postId: p.postId, reason: 'x' } }, p.facilitator.token),
        submitNeed: await t.gql(
          SUBMIT_NEED,
          { input: { cohortId: p.cohortId, title: 'More', description: 'More', theme: 'procurement' } },
          p.member.token,
        ),
        createSpace: await t.gql(
          CREATE_SPACE,
          { input: { cohortId: p.cohortId, title: 'New', purpose: 'New' } },
          p.facilitator.token,
        ),
        scheduleSession: await t.gql(
          SCHEDULE,
          {
            input: {
              cohortId: p.cohortId,
              title: 'Late',
              abstract: 'Late',
              startsAt: new Date(Date.now() + 86_400_000).toISOString(),
              endsAt: new Date(Date.now() + 90_000_000).toISOString(),
            },
          },
          p.facilitator.token,
        ),
      };
      for (const [name, res] of Object.entries(refusals)) {
        expect({ name, ...reasonOf(res) }).toEqual({ name, code: 'CONFLICT', reason: 'COHORT_CONCLUDED' });
      }
      // The programme stays readable to its members.
      expect((await t.ok<{ thread: { id: string } }>(THREAD, { id: p.threadId }, p.member.token)).thread.id).toBe(
        p.threadId,
      );
      expect(await t.dataSource.getRepository(PostEntity).countBy({ threadId: p.threadId })).toBe(1);
      expect(await t.dataSource.getRepository(NeedEntity).countBy({ cohortId: p.cohortId })).toBe(0);
    });

    it('refuses while a session is still scheduled, and concludes only once', async () => {
      const p = await programme(t);
      const sessions = t.dataSource.getRepository(SessionEntity);
      await sessions.update({ id: p.sessionId }, { state: SessionState.SCHEDULED });
      const pending = await t.gql(CONCLUDE, { input: { cohortId: p.cohortId } }, p.facilitator.token);
      expect(reasonOf(pending)).toEqual({ code: 'CONFLICT', reason: 'SESSIONS_PENDING' });
      expect((await t.dataSource.getRepository(CohortEntity).findOneByOrFail({ id: p.cohortId })).status).toBe(
        'ACTIVE',
      );
      expect(await t.dataSource.getRepository(SpaceEntity).countBy({ cohortId: p.cohortId })).toBe(1);
      await sessions.update({ id: p.sessionId }, { state: SessionState.CANCELLED });
      await conclude(t, p);
      const again = await t.gql(CONCLUDE, { input: { cohortId: p.cohortId } }, p.facilitator.token);
      expect(reasonOf(again)).toEqual({ code: 'CONFLICT', reason: 'COHORT_NOT_ACTIVE' });
      expect(await t.dataSource.getRepository(SpaceEntity).countBy({ cohortId: p.cohortId })).toBe(2);
    });
  });

  describe('the archive proposal', () => {
    it('is put to the usual vote; archiving waits for it, then retention applies as ratified', async () => {
      const p = await programme(t);
      const { archiveProposalId } = await conclude(t, p, 90);
      const listed = await t.ok<{
        normProposals: { edges: { node: { id: string; status: string; text: string; policyChange: unknown } }[] };
      }>(PROPOSALS, { id: p.cohortId }, p.member.token);
      expect(listed.normProposals.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          id: archiveProposalId,
          status: 'OPEN',
          policyChange: { retentionDays: 90 },
          text: expect.stringContaining('90 days'),
        }),
      ]);
      const early = await t.gql(ARCHIVE, { id: p.cohortId }, p.facilitator.token);
      expect(reasonOf(early)).toEqual({ code: 'CONFLICT', reason: 'ARCHIVE_PROPOSAL_OPEN' });

      const ratified = await ratifyArchiveProposal(t, p, archiveProposalId);
      expect(ratified.policy.retentionDays).toBe(90);
      // Another proposal left open is closed by archiving: nothing can be ratified in an archive.
      const other = (
        await t.ok<{ proposeNorm: { id: string } }>(
          PROPOSE,
          { input: { cohortId: p.cohortId, title: 'Reunion', text: 'Meet once a year.' } },
          p.member.token,
        )
      ).proposeNorm.id;
      const archived = (
        await t.ok<{ archiveCohort: { status: string } }>(ARCHIVE, { id: p.cohortId }, p.facilitator.token)
      ).archiveCohort;
      expect(archived.status).toBe('ARCHIVED');
      expect((await t.dataSource.getRepository(NormProposalEntity).findOneByOrFail({ id: other })).status).toBe(
        'WITHDRAWN',
      );

      // Retention runs in the archive as ratified: 90 days on, the programme's posts are gone.
      t.clock.set(new Date(Date.now() + 91 * 86_400_000));
      try {
        const report = await t.app.get(RetentionService).purge();
        expect(report.posts).toBeGreaterThanOrEqual(1);
      } finally {
        t.clock.set(null);
      }
      expect(await t.dataSource.getRepository(PostEntity).countBy({ threadId: p.threadId })).toBe(0);
      expect(await t.dataSource.getRepository(ThreadEntity).countBy({ id: p.threadId })).toBe(0);
    });

    it('can be withdrawn by its proposer, after which the cohort can be archived', async () => {
      const p = await programme(t);
      const { archiveProposalId } = await conclude(t, p, null);
      const proposal = await t.dataSource.getRepository(NormProposalEntity).findOneByOrFail({ id: archiveProposalId });
      expect(proposal.policyChange).toEqual({ retentionDays: null });
      expect(proposal.text).toContain('without a time limit');
      expect(
        (await t.ok<{ withdrawNorm: { status: string } }>(WITHDRAW, { id: archiveProposalId }, p.facilitator.token))
          .withdrawNorm.status,
      ).toBe('WITHDRAWN');
      await t.ok(ARCHIVE, { id: p.cohortId }, p.facilitator.token);
    });
  });

  describe('an archived cohort', () => {
    let p: Programme;
    let alumniThreadId: string;
    let alumniPostId: string;

    beforeAll(async () => {
      p = await programme(t);
      const { alumniSpaceId, archiveProposalId } = await conclude(t, p);
      alumniThreadId = (
        await t.ok<{ startThread: { id: string } }>(
          START,
          { input: { spaceId: alumniSpaceId, title: 'Still here', body: 'Hello again', kind: 'PRACTICE' } },
          p.member.token,
        )
      ).startThread.id;
      alumniPostId = (
        await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId: alumniThreadId, body: 'Hi' } }, p.peer.token)
      ).reply.id;
      await t.ok(WITHDRAW, { id: archiveProposalId }, p.facilitator.token);
      await t.ok(ARCHIVE, { id: p.cohortId }, p.facilitator.token);
    });

    /** Every table a refused write could touch, counted and digested. */
    const snapshot = async () => {
      const out: Record<string, unknown> = {};
      for (const entity of [
        ThreadEntity,
        PostEntity,
        PostReactionEntity,
        NeedEntity,
        SpaceEntity,
        SessionEntity,
        NormProposalEntity,
        NormVoteEntity,
        InvitationEntity,
        MembershipEntity,
        CohortEntity,
      ]) {
        const rows = await t.dataSource.getRepository(entity).find();
        out[entity.name] = JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());
      }
      return out;
    };

    it('refuses every write with CONFLICT COHORT_ARCHIVED and changes nothing', async () => {
      const before = await snapshot();
      const writes: [string, string, Record<string, unknown>, TestMember][] = [
        ['startThread', START, { input: { spaceId: p.spaceId, title: 'x', body: 'x', kind: 'QUESTION' } }, p.member],
        ['reply (alumni)', REPLY, { input: { threadId: alumniThreadId, body: 'x' } }, p.member],
        ['react (alumni)', REACT, { input: { postId: alumniPostId, reaction: 'AGREE' } }, p.member],
        ['hidePost (alumni)', HIDE, { input: { postId: alumniPostId, reason: 'x' } }, p.facilitator],
        [
          'submitNeed',
          SUBMIT_NEED,
          { input: { cohortId: p.cohortId, title: 'x', description: 'x', theme: 'x' } },
          p.member,
        ],
        ['createSpace', CREATE_SPACE, { input: { cohortId: p.cohortId, title: 'x', purpose: 'x' } }, p.facilitator],
        ['proposeNorm', PROPOSE, { input: { cohortId: p.cohortId, title: 'x', text: 'x' } }, p.member],
        [
          'invite',
          INVITE,
          {
            input: {
              cohortId: p.cohortId,
              email: 'late@gov.example',
              role: 'MEMBER',
              ministry: 'finance',
              country: 'GH',
            },
          },
          p.facilitator,
        ],
        [
          'changeRole',
          CHANGE_ROLE,
          { input: { membershipId: p.peer.membershipId, role: 'FACILITATOR' } },
          p.facilitator,
        ],
        ['concludeCohort', CONCLUDE, { input: { cohortId: p.cohortId } }, p.facilitator],
        ['archiveCohort', ARCHIVE, { id: p.cohortId }, p.facilitator],
      ];
      for (const [name, document, variables, who] of writes) {
        expect({ name, ...reasonOf(await t.gql(document, variables, who.token)) }).toEqual({
          name,
          code: 'CONFLICT',
          reason: 'COHORT_ARCHIVED',
        });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('stays readable to its members and closed to its former guests', async () => {
      const cohort = await t.ok<{ cohort: { status: string } }>(COHORT, { id: p.cohortId }, p.member.token);
      expect(cohort.cohort.status).toBe('ARCHIVED');
      await t.ok(THREAD, { id: p.threadId }, p.member.token);
      await t.ok(THREAD, { id: alumniThreadId }, p.peer.token);
      expect(await t.errorCode(THREAD, { id: p.threadId }, p.scholar.token)).toBe('NOT_FOUND');
      expect(await t.errorCode(COHORT, { id: p.cohortId }, p.vendor.token)).toBe('NOT_FOUND');
    });

    it('still lets a facilitator remove someone', async () => {
      const res = await t.ok<{ removeMember: { status: string } }>(
        REMOVE,
        { input: { membershipId: p.peer.membershipId } },
        p.facilitator.token,
      );
      expect(res.removeMember.status).toBe('REMOVED');
    });
  });

  describe('other cohorts', () => {
    it('are untouched by one cohort concluding', async () => {
      const p = await programme(t);
      const other = (await newCohort(t)).id;
      const vendorElsewhere = await newMember(t, other, { role: 'VENDOR', user: p.vendor, accessExpiresAt: null });
      const facilitatorElsewhere = await newMember(t, other, { role: 'FACILITATOR' });
      await conclude(t, p);
      expect(
        (await t.ok<{ cohort: { status: string } }>(COHORT, { id: other }, vendorElsewhere.token)).cohort.status,
      ).toBe('ACTIVE');
      const otherSpace = await newSpace(t, other, facilitatorElsewhere);
      await t.ok(
        START,
        { input: { spaceId: otherSpace, title: 'Fine', body: 'Fine', kind: 'QUESTION' } },
        facilitatorElsewhere.token,
      );
    });
  });
});

interface LifecycleFixture extends Actors {
  archiveProposalId: string | null;
}

const cohortStatus = (t: TestApp, f: Actors) =>
  t.dataSource
    .getRepository(CohortEntity)
    .findOneByOrFail({ id: f.cohortId })
    .then((c) => c.status);

const LIFECYCLE_OPERATIONS: RoleOperation<LifecycleFixture>[] = [
  {
    name: 'concludeCohort',
    expected: row({ FACILITATOR: 'ok', ...OUTSIDERS }, 'FORBIDDEN'),
    run: (t, f, token) => t.gql(CONCLUDE, { input: { cohortId: f.cohortId } }, token),
    state: cohortStatus,
  },
  {
    name: 'archiveCohort',
    // Concluded first: the guests are outsiders by then.
    expected: row(
      { FACILITATOR: 'ok', ...OUTSIDERS, SCHOLAR: 'NOT_FOUND', VENDOR: 'NOT_FOUND', OBSERVER: 'NOT_FOUND' },
      'FORBIDDEN',
    ),
    async prepare(t, f) {
      const facilitator = f.tokens.FACILITATOR;
      const { concludeCohort } = await t.ok<{ concludeCohort: { archiveProposalId: string } }>(
        CONCLUDE,
        { input: { cohortId: f.cohortId } },
        facilitator,
      );
      await t.ok(WITHDRAW, { id: concludeCohort.archiveProposalId }, facilitator);
    },
    run: (t, f, token) => t.gql(ARCHIVE, { id: f.cohortId }, token),
    state: cohortStatus,
  },
];

roleTable('cohort lifecycle operations by role', LIFECYCLE_OPERATIONS, async (t) => ({
  ...(await actorsIn(t)),
  archiveProposalId: null,
}));
