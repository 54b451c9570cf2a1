import { RetentionService } from '../src/charter/retention.service.js';
import { NeedEntity, NeedStatus } from '../src/needs/need.entity.js';
import { SessionEntity } from '../src/sessions/session.entity.js';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { ratifyPolicy } from './harness/charter.js';
import { SCHEDULE, SESSION, RSVP, ASK, UPVOTE, SET_STATE, SET_RECORDING } from './harness/session-documents.js';

const SESSIONS = `query ($cohortId: ID!, $from: DateTime, $to: DateTime) {
  sessions(cohortId: $cohortId, from: $from, to: $to) { edges { node { id title } } }
}`;
const SPACES = 'query ($cohortId: ID!) { spaces(cohortId: $cohortId) { edges { node { id } } } }';
const NEEDS = 'query ($cohortId: ID!) { needs(cohortId: $cohortId) { edges { node { id status } } } }';
const MEMBERS = 'query ($id: ID!) { cohort(id: $id) { members { edges { node { id } } } } }';

const INVITE = 'mutation ($input: InviteInput!) { invite(input: $input) { id token } }';
const ACCEPT_INVITATION = 'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token } }';

const HIDE = 'mutation ($input: HideQuestionInput!) { hideQuestion(input: $input) { id hidden } }';
const MARK_ANSWERED =
  'mutation ($input: MarkQuestionAnsweredInput!) { markQuestionAnswered(input: $input) { id answered } }';
const OUTCOME = 'mutation ($input: RecordSessionOutcomeInput!) { recordSessionOutcome(input: $input) { id } }';
const OUTCOME_READ = 'query ($id: ID!) { session(id: $id) { outcomeSummary keyTakeaways } }';
const codes = (res: { errors?: { extensions?: { code?: unknown } }[] }) =>
  res.errors?.map((e) => e.extensions?.code) ?? [];
const UPDATE = 'mutation ($input: UpdateSessionInput!) { updateSession(input: $input) { id title capacity } }';
const ACCEPT_CHARTER = 'mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { id } }';

const HOUR = 3_600_000;

interface Session {
  id: string;
  state: string;
  recordingAllowed: boolean;
  observersAllowed: boolean;
}

describe('expert sessions', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;
  let member: TestMember;

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'planning', country: 'RW' });
    member = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance', country: 'KE' });
  });
  afterAll(() => t.close());

  async function schedule(input: Record<string, unknown> = {}): Promise<Session> {
    const startsAt = new Date(t.clock.now().getTime() + 24 * HOUR);
    const data = await t.ok<{ scheduleSession: Session }>(
      SCHEDULE,
      {
        input: {
          cohortId,
          title: 'Financing school feeding',
          abstract: 'What the evidence says',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + HOUR).toISOString(),
          ...input,
        },
      },
      facilitator.token,
    );
    return data.scheduleSession;
  }

  it('schedules a session with the charter defaults: no recording, no observers', async () => {
    const session = await schedule();
    expect(session).toMatchObject({ state: 'SCHEDULED', recordingAllowed: false, observersAllowed: false });
    const read = await t.ok<{ session: { title: string; experts: unknown[] } }>(
      SESSION,
      { id: session.id },
      member.token,
    );
    expect(read.session).toMatchObject({ title: 'Financing school feeding', experts: [] });
  });

  it('refuses an end before the start, naming the field, and stores nothing', async () => {
    const before = await t.dataSource.getRepository(SessionEntity).countBy({ cohortId });
    const res = await t.gql(
      SCHEDULE,
      {
        input: {
          cohortId,
          title: 'Backwards',
          abstract: 'a',
          startsAt: '2031-01-01T10:00:00Z',
          endsAt: '2031-01-01T09:00:00Z',
        },
      },
      facilitator.token,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    expect(await t.dataSource.getRepository(SessionEntity).countBy({ cohortId })).toBe(before);
  });

  it('moves SCHEDULED → LIVE → ENDED and refuses illegal transitions with CONFLICT', async () => {
    const { id } = await schedule();
    const move = (state: string) => t.gql(SET_STATE, { input: { sessionId: id, state } }, facilitator.token);
    expect((await move('ENDED')).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await move('LIVE')).data).toEqual({ setSessionState: { id, state: 'LIVE' } });
    expect((await move('SCHEDULED')).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await move('CANCELLED')).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await move('ENDED')).data).toEqual({ setSessionState: { id, state: 'ENDED' } });
    expect((await move('LIVE')).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id })).toMatchObject({ state: 'ENDED' });
  });

  it('lets one of two concurrent last-seat RSVPs win', async () => {
    const { id } = await schedule({ capacity: 1 });
    const a = await newMember(t, cohortId);
    const b = await newMember(t, cohortId);
    const results = await Promise.all(
      [a, b].map((who) => t.gql(RSVP, { input: { sessionId: id, status: 'GOING' } }, who.token)),
    );
    const codes = results.map((res) => res.errors?.[0].extensions?.code ?? 'ok').sort();
    expect(codes).toEqual(['CONFLICT', 'ok']);
    expect(await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id })).toMatchObject({ goingCount: 1 });
    // The seat comes back when the winner changes their mind.
    const winner = results[0].errors ? b : a;
    const loser = winner === a ? b : a;
    await t.ok(RSVP, { input: { sessionId: id, status: 'NOT_GOING' } }, winner.token);
    const retry = await t.ok<{ rsvp: { status: string } }>(
      RSVP,
      { input: { sessionId: id, status: 'GOING' } },
      loser.token,
    );
    expect(retry.rsvp.status).toBe('GOING');
  });

  it('counts one seat per member however often they answer GOING', async () => {
    const { id } = await schedule({ capacity: 5 });
    const who = await newMember(t, cohortId);
    await Promise.all([1, 2, 3].map(() => t.gql(RSVP, { input: { sessionId: id, status: 'GOING' } }, who.token)));
    expect(await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id })).toMatchObject({ goingCount: 1 });
  });

  it('orders questions by votes and counts an upvote once per member', async () => {
    const { id } = await schedule();
    const first = await t.ok<{ askQuestion: { id: string } }>(
      ASK,
      { input: { sessionId: id, body: 'How was it costed?' } },
      member.token,
    );
    const second = await t.ok<{ askQuestion: { id: string; votes: number } }>(
      ASK,
      { input: { sessionId: id, body: 'Who paid for the pilot?' } },
      facilitator.token,
    );
    for (let i = 0; i < 2; i++) {
      const up = await t.ok<{ upvoteQuestion: { votes: number } }>(
        UPVOTE,
        { input: { questionId: second.askQuestion.id } },
        member.token,
      );
      expect(up.upvoteQuestion.votes).toBe(1);
    }
    const read = await t.ok<{ session: { questions: { edges: { node: { id: string } }[] } } }>(
      SESSION,
      { id },
      member.token,
    );
    expect(read.session.questions.edges.map((e) => e.node.id)).toEqual([second.askQuestion.id, first.askQuestion.id]);
  });

  it('lets a facilitator hide a question from everyone else and the speaker mark one answered', async () => {
    const speaker = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
    const bystander = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
    const { id } = await schedule({ expertMembershipIds: [speaker.membershipId, bystander.membershipId] });
    const other = await schedule({ expertMembershipIds: [bystander.membershipId] });
    const ask = async (sessionId: string, body: string) =>
      (await t.ok<{ askQuestion: { id: string } }>(ASK, { input: { sessionId, body } }, member.token)).askQuestion.id;
    const off = await ask(id, 'Off-topic remark');
    const real = await ask(id, 'What did the pilot cost?');
    const elsewhere = await ask(other.id, 'Not your session');
    await t.ok(HIDE, { input: { questionId: off, reason: 'Off topic' } }, facilitator.token);
    expect(codes(await t.gql(HIDE, { input: { questionId: real, reason: 'x' } }, member.token))).toEqual(['FORBIDDEN']);
    const ids = async (who: TestMember) =>
      (
        await t.ok<{ session: { questions: { edges: { node: { id: string } }[] } } }>(SESSION, { id }, who.token)
      ).session.questions.edges.map((e) => e.node.id);
    expect(await ids(member)).toEqual([real]);
    expect((await ids(facilitator)).sort()).toEqual([off, real].sort());
    // A hidden question cannot be upvoted by those who no longer see it.
    expect(codes(await t.gql(UPVOTE, { input: { questionId: off } }, member.token))).toEqual(['NOT_FOUND']);

    const answered = await t.ok<{ markQuestionAnswered: { answered: boolean } }>(
      MARK_ANSWERED,
      { input: { questionId: real } },
      speaker.token,
    );
    expect(answered.markQuestionAnswered.answered).toBe(true);
    // The speaker of one session is not the speaker of another, and members do not mark answers.
    expect(codes(await t.gql(MARK_ANSWERED, { input: { questionId: elsewhere } }, speaker.token))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await t.gql(MARK_ANSWERED, { input: { questionId: real } }, member.token))).toEqual(['FORBIDDEN']);
  });

  it('takes an outcome once the session has ended, and keeps it from vendors', async () => {
    const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
    const { id } = await schedule({ expertMembershipIds: [vendor.membershipId] });
    const record = () =>
      t.gql(
        OUTCOME,
        { input: { sessionId: id, summary: 'Three ministries will pilot it', keyTakeaways: ['Start small'] } },
        facilitator.token,
      );
    expect(codes(await record())).toEqual(['CONFLICT']);
    await t.ok(SET_STATE, { input: { sessionId: id, state: 'LIVE' } }, facilitator.token);
    await t.ok(SET_STATE, { input: { sessionId: id, state: 'ENDED' } }, facilitator.token);
    expect((await record()).errors).toBeUndefined();
    const seen = async (who: TestMember) =>
      (
        await t.ok<{ session: { outcomeSummary: string | null; keyTakeaways: string[] } }>(
          OUTCOME_READ,
          { id },
          who.token,
        )
      ).session;
    expect(await seen(member)).toEqual({
      outcomeSummary: 'Three ministries will pilot it',
      keyTakeaways: ['Start small'],
    });
    expect(await seen(vendor)).toEqual({ outcomeSummary: null, keyTakeaways: [] });
  });

  it('refuses recording under FORBIDDEN and allows it after a ratified change to ALLOWED', async () => {
    const local = (await newCohort(t)).id;
    const lead = await newMember(t, local, { role: 'FACILITATOR' });
    const voters = [await newMember(t, local), await newMember(t, local)];
    const startsAt = new Date(t.clock.now().getTime() + HOUR);
    const { scheduleSession } = await t.ok<{ scheduleSession: Session }>(
      SCHEDULE,
      {
        input: {
          cohortId: local,
          title: 'Recorded?',
          abstract: 'a',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + HOUR).toISOString(),
        },
      },
      lead.token,
    );
    const url = 'https://video.example.org/session-1';
    const refused = await t.gql(SET_RECORDING, { input: { sessionId: scheduleSession.id, url } }, lead.token);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const stored = await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id: scheduleSession.id });
    expect(stored.recordingUrl).toBeNull();

    await ratifyPolicy(t, local, lead, voters, { recording: 'ALLOWED' });
    const allowed = await t.ok<{ setRecording: { recordingUrl: string } }>(
      SET_RECORDING,
      { input: { sessionId: scheduleSession.id, url } },
      lead.token,
    );
    expect(allowed.setRecording.recordingUrl).toBe(url);

    // A later change back to FORBIDDEN takes the link out of view.
    await ratifyPolicy(t, local, lead, voters, { recording: 'FORBIDDEN' });
    const read = await t.ok<{ session: { recordingAllowed: boolean; recordingUrl: string | null } }>(
      SESSION,
      { id: scheduleSession.id },
      lead.token,
    );
    expect(read.session).toMatchObject({ recordingAllowed: false, recordingUrl: null });
  });

  it('marks linked needs SCHEDULED, and ADDRESSED when the session ends', async () => {
    const need = await t.dataSource.getRepository(NeedEntity).save({
      cohortId,
      title: 'Costing school meals',
      description: 'd',
      theme: 'nutrition',
      submittedByMembershipId: member.membershipId,
      submittedByUserId: member.id,
    });
    const { id } = await schedule({ needIds: [need.id] });
    const status = async () => (await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: need.id })).status;
    expect(await status()).toBe(NeedStatus.SCHEDULED);
    await t.ok(SET_STATE, { input: { sessionId: id, state: 'LIVE' } }, facilitator.token);
    await t.ok(SET_STATE, { input: { sessionId: id, state: 'ENDED' } }, facilitator.token);
    expect(await status()).toBe(NeedStatus.ADDRESSED);
  });

  it('deletes questions past the charter retention period for good, with their upvotes', async () => {
    const local = (await newCohort(t)).id;
    const lead = await newMember(t, local, { role: 'FACILITATOR' });
    const voters = [await newMember(t, local), await newMember(t, local)];
    await ratifyPolicy(t, local, lead, voters, { retentionDays: 30 });
    const startsAt = new Date(t.clock.now().getTime() + HOUR);
    const { scheduleSession } = await t.ok<{ scheduleSession: Session }>(
      SCHEDULE,
      {
        input: {
          cohortId: local,
          title: 'Kept briefly',
          abstract: 'a',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + HOUR).toISOString(),
        },
      },
      lead.token,
    );
    const ask = async (body: string) =>
      (
        await t.ok<{ askQuestion: { id: string } }>(
          ASK,
          { input: { sessionId: scheduleSession.id, body } },
          voters[0].token,
        )
      ).askQuestion.id;
    const old = await ask('An old question');
    const fresh = await ask('A fresh question');
    await t.ok(UPVOTE, { input: { questionId: old } }, voters[1].token);
    await t.dataSource.query("UPDATE session_questions SET created_at = now() - interval '31 days' WHERE id = $1", [
      old,
    ]);
    expect(await t.app.get(RetentionService).purge()).toMatchObject({ questions: 1 });
    const left = await t.dataSource.query<{ id: string }[]>('SELECT id FROM session_questions WHERE session_id = $1', [
      scheduleSession.id,
    ]);
    expect(left.map((row) => row.id)).toEqual([fresh]);
    const votes = await t.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM question_votes WHERE question_id = $1',
      [old],
    );
    expect(votes[0].n).toBe(0);
  });

  describe('vendors and scholars', () => {
    it('grants sessions by invitation: only sessions of this cohort that have not ended', async () => {
      const open = await schedule({ title: 'Open to a vendor' });
      const ended = await schedule({ title: 'Over' });
      await t.ok(SET_STATE, { input: { sessionId: ended.id, state: 'LIVE' } }, facilitator.token);
      await t.ok(SET_STATE, { input: { sessionId: ended.id, state: 'ENDED' } }, facilitator.token);
      const elsewhere = await newCohort(t);
      const elsewhereLead = await newMember(t, elsewhere.id, { role: 'FACILITATOR' });
      const foreign = await t.ok<{ scheduleSession: Session }>(
        SCHEDULE,
        {
          input: {
            cohortId: elsewhere.id,
            title: 'Elsewhere',
            abstract: 'a',
            startsAt: '2031-01-01T10:00:00Z',
            endsAt: '2031-01-01T11:00:00Z',
          },
        },
        elsewhereLead.token,
      );
      const invite = (email: string, sessionIds: string[]) =>
        t.gql(
          INVITE,
          { input: { cohortId, email, role: 'VENDOR', ministry: 'private-sector', country: 'KE', sessionIds } },
          facilitator.token,
        );
      for (const sessionIds of [[ended.id], [foreign.scheduleSession.id]]) {
        const refused = await invite('vendor-refused@example.com', sessionIds);
        expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessionIds' });
      }
      const invited = await t.ok<{ invite: { token: string } }>(
        INVITE,
        {
          input: {
            cohortId,
            email: 'vendor-ok@example.com',
            role: 'VENDOR',
            ministry: 'private-sector',
            country: 'KE',
            sessionIds: [open.id],
          },
        },
        facilitator.token,
      );
      const accepted = await t.ok<{ acceptInvitation: { token: string } }>(ACCEPT_INVITATION, {
        input: { token: invited.invite.token, displayName: 'Vendor Rep', password: 'a long enough passphrase' },
      });
      const vendorToken = accepted.acceptInvitation.token;
      expect((await t.gql(SESSIONS, { cohortId }, vendorToken)).errors?.[0].extensions?.code).toBe(
        'CHARTER_NOT_ACCEPTED',
      );
      await t.ok(ACCEPT_CHARTER, { input: { cohortId, version: 1 } }, vendorToken);
      const list = await t.ok<{ sessions: { edges: { node: { id: string } }[] } }>(SESSIONS, { cohortId }, vendorToken);
      expect(list.sessions.edges.map((e) => e.node.id)).toEqual([open.id]);
    });

    it('shows a VENDOR its session and nothing else, until its window closes', async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const other = await schedule({ title: 'Members only' });
      // Soon, so that the vendor's sign-in token is still valid when the window closes.
      const soon = t.clock.now().getTime() + 60_000;
      const granted = await schedule({
        title: 'Vendor demo',
        expertMembershipIds: [vendor.membershipId],
        startsAt: new Date(soon).toISOString(),
        endsAt: new Date(soon + HOUR).toISOString(),
      });
      const read = await t.ok<{ session: { title: string; experts: { id: string }[] } }>(
        SESSION,
        { id: granted.id },
        vendor.token,
      );
      expect(read.session.experts.map((e) => e.id)).toEqual([vendor.membershipId]);
      const list = await t.ok<{ sessions: { edges: { node: { id: string } }[] } }>(
        SESSIONS,
        { cohortId },
        vendor.token,
      );
      expect(list.sessions.edges.map((e) => e.node.id)).toEqual([granted.id]);
      expect((await t.gql(SESSION, { id: other.id }, vendor.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      // Lists of member content answer empty, as for any member the content does not admit.
      const spaces = await t.ok<{ spaces: { edges: unknown[] } }>(SPACES, { cohortId }, vendor.token);
      const needs = await t.ok<{ needs: { edges: unknown[] } }>(NEEDS, { cohortId }, vendor.token);
      expect([spaces.spaces.edges, needs.needs.edges]).toEqual([[], []]);
      // The member list holds only the vendor's own membership.
      const members = await t.ok<{ cohort: { members: { edges: { node: { id: string } }[] } } }>(
        MEMBERS,
        { id: cohortId },
        vendor.token,
      );
      expect(members.cohort.members.edges.map((e) => e.node.id)).toEqual([vendor.membershipId]);

      // One second after the session's end (no grace configured), the vendor is an outsider.
      const ends = await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id: granted.id });
      t.clock.set(new Date(ends.endsAt.getTime() + 1000));
      try {
        expect((await t.gql(SESSION, { id: granted.id }, vendor.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
        expect((await t.gql(SESSIONS, { cohortId }, vendor.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      } finally {
        t.clock.set(null);
      }
    });

    it("takes a session out of a vendor's sight when a facilitator takes the vendor off it", async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const scholar = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
      const { id } = await schedule({ expertMembershipIds: [vendor.membershipId], capacity: 3 });
      await t.ok(RSVP, { input: { sessionId: id, status: 'GOING' } }, member.token);
      await t.ok(RSVP, { input: { sessionId: id, status: 'GOING' } }, facilitator.token);
      const update = (input: Record<string, unknown>) =>
        t.gql(UPDATE, { input: { sessionId: id, ...input } }, facilitator.token);
      const tooSmall = await update({ capacity: 1 });
      expect(tooSmall.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'capacity' });
      const backwards = await update({ endsAt: '2000-01-01T00:00:00Z' });
      expect(backwards.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
      expect((await t.gql(SESSION, { id }, vendor.token)).errors).toBeUndefined();
      const swapped = await update({ title: 'Renamed', expertMembershipIds: [scholar.membershipId] });
      expect(swapped.data).toEqual({ updateSession: { id, title: 'Renamed', capacity: 3 } });
      expect(codes(await t.gql(SESSION, { id }, vendor.token))).toEqual(['NOT_FOUND']);
      expect((await t.gql(SESSION, { id }, scholar.token)).errors).toBeUndefined();
    });

    it('shows a SCHOLAR granted one session but no space only that session', async () => {
      const scholar = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
      await schedule({ title: 'Not granted' });
      const granted = await schedule({ title: 'Scholar talk', expertMembershipIds: [scholar.membershipId] });
      const list = await t.ok<{ sessions: { edges: { node: { id: string } }[] } }>(
        SESSIONS,
        { cohortId },
        scholar.token,
      );
      expect(list.sessions.edges.map((e) => e.node.id)).toEqual([granted.id]);
      const spaces = await t.ok<{ spaces: { edges: unknown[] } }>(SPACES, { cohortId }, scholar.token);
      expect(spaces.spaces.edges).toEqual([]);
      const asked = await t.gql(ASK, { input: { sessionId: granted.id, body: 'A scholar asks' } }, scholar.token);
      expect(asked.errors).toBeUndefined();
    });

    it('hides question authors from a VENDOR expert under CHATHAM_HOUSE, not from members', async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const { id } = await schedule({ expertMembershipIds: [vendor.membershipId] });
      await t.ok(ASK, { input: { sessionId: id, body: 'Can it run offline?' } }, member.token);
      type Authors = { session: { questions: { edges: { node: { author: unknown } }[] } } };
      const seen = async (who: TestMember) =>
        (await t.ok<Authors>(SESSION, { id }, who.token)).session.questions.edges.map((e) => e.node.author);
      expect(await seen(vendor)).toEqual([null]);
      expect(await seen(facilitator)).toEqual([
        { displayName: member.displayName, ministry: 'finance', country: 'KE' },
      ]);
      const other = await newMember(t, cohortId, { role: 'MEMBER' });
      expect(await seen(other)).toEqual([{ displayName: member.displayName, ministry: 'finance', country: 'KE' }]);
    });
  });
});

describe('an expert access grace period', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('keeps a vendor in for EXPERT_ACCESS_GRACE after its last session ends, and not a second longer', async () => {
    t = await startTestApp({ EXPERT_ACCESS_GRACE: '30m' });
    const cohortId = (await newCohort(t)).id;
    const lead = await newMember(t, cohortId, { role: 'FACILITATOR' });
    const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
    const startsAt = t.clock.now().getTime() + 60_000;
    const { scheduleSession } = await t.ok<{ scheduleSession: Session }>(
      SCHEDULE,
      {
        input: {
          cohortId,
          title: 'Demo',
          abstract: 'a',
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(startsAt + HOUR).toISOString(),
          expertMembershipIds: [vendor.membershipId],
        },
      },
      lead.token,
    );
    const codeAt = async (at: number) => {
      t.clock.set(new Date(at));
      try {
        return (await t.gql(SESSION, { id: scheduleSession.id }, vendor.token)).errors?.[0].extensions?.code ?? 'ok';
      } finally {
        t.clock.set(null);
      }
    };
    const endsAt = startsAt + HOUR;
    expect(await codeAt(endsAt + 29 * 60_000)).toBe('ok');
    expect(await codeAt(endsAt + 30 * 60_000 + 1000)).toBe('NOT_FOUND');
  });
});
