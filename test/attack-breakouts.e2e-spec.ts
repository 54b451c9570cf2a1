import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { RetentionService } from '../src/charter/retention.service.js';
import { BreakoutGroupEntity, BreakoutMemberEntity } from '../src/sessions/breakout.entity.js';
import { SessionsService } from '../src/sessions/sessions.service.js';
import { ratifyPolicy } from './harness/charter.js';
import { adminToken, newCohort, newMember, newSpace, type TestMember } from './harness/factories.js';
import { SET_STATE } from './harness/session-documents.js';
import { eventually, openSockets, settle } from './harness/sockets.js';
import { liveSession as liveSessionOf } from './harness/sessions.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

/**
 * Attacks on breakout groups and named contributors: guests, other groups, other cohorts, the
 * platform admin, people who left, and readers the attribution rule keeps from knowing who.
 * The defects these found are fixed: retention of breakout notes and report-backs, expired members
 * listed in a group, a split racing the session's end, placing guests the charter or their grants
 * do not admit.
 */

const GROUP_FIELDS = `id sessionId name memberCount mine reportBack reportedAt closedAt
  members { id role ministry country user { displayName } }
  notes { id body author { displayName ministry country } }`;
const CREATE = `mutation ($input: CreateBreakoutsInput!) { createBreakouts(input: $input) { ${GROUP_FIELDS} } }`;
const ASSIGN = `mutation ($input: AssignBreakoutsInput!) { assignBreakouts(input: $input) { ${GROUP_FIELDS} } }`;
const MOVE = `mutation ($input: MoveToBreakoutInput!) { moveToBreakout(input: $input) { id memberCount } }`;
const NOTE =
  'mutation ($input: AddBreakoutNoteInput!) { addBreakoutNote(input: $input) { id author { displayName } } }';
const REPORT = 'mutation ($input: ReportBackInput!) { reportBack(input: $input) { id reportBack } }';
const GROUP = `query ($id: ID!) { breakoutGroup(id: $id) { ${GROUP_FIELDS} } }`;
const SESSION_BREAKOUTS = `query ($id: ID!) { session(id: $id) { breakouts { ${GROUP_FIELDS} } } }`;
const REMOVE = 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }';
const INVITE = `mutation ($input: InviteContributorInput!) { inviteContributor(input: $input) {
  id title contributor { displayName ministry country } } }`;
const SESSION_CONTRIBUTIONS = `query ($id: ID!) { session(id: $id) { contributions {
  title contributor { displayName ministry country } } } }`;
const THREAD_CONTRIBUTIONS = `query ($id: ID!) { thread(id: $id) { contributions {
  title contributor { displayName ministry country } } } }`;
const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';

interface Group {
  id: string;
  name: string;
  memberCount: number;
  mine: boolean;
  reportBack: string | null;
  reportedAt: string | null;
  closedAt: string | null;
  members: { id: string; role: string; ministry: string; country: string; user: { displayName: string } }[];
  notes: { id: string; body: string; author: { displayName: string; ministry: string | null } | null }[];
}
type Contributions = { title: string; contributor: { displayName: string; ministry: string | null } | null }[];

describe('attacks on breakout groups and named contributors', () => {
  let t: TestApp;
  const sockets = openSockets(() => t);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A LIVE session in a new cohort, with `split` to make its groups by hand. */
  async function liveSession() {
    const { cohortId, facilitator, sessionId, attendee } = await liveSessionOf(t);
    const session = { id: sessionId };
    const split = async (groups: { name: string; membershipIds: string[] }[]) =>
      (
        await t.ok<{ createBreakouts: Group[] }>(
          CREATE,
          { input: { sessionId: session.id, groups } },
          facilitator.token,
        )
      ).createBreakouts;
    return { cohortId, facilitator, sessionId: session.id, attendee, split };
  }

  const readGroup = (id: string, who: TestMember) => t.gql<{ breakoutGroup: Group }>(GROUP, { id }, who.token);
  const plenaryView = async (sessionId: string, who: TestMember) =>
    (await t.ok<{ session: { breakouts: Group[] } }>(SESSION_BREAKOUTS, { id: sessionId }, who.token)).session
      .breakouts;

  // ---------------------------------------------------------------------------------------------
  describe('guests', () => {
    it('a vendor granted the session but not placed sees names and sizes only, by query and on the session topic', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const vendor = await s.attendee('VENDOR', 'private-sector', 'KE');
      const [group] = await s.split([{ name: 'Financing', membershipIds: [amina.membershipId] }]);
      const socket = await sockets.connect(vendor.token);
      expect(await socket.subscribe(`session:${s.sessionId}`)).toEqual({ ok: true });
      expect(await socket.subscribe(`breakout:${group.id}`)).toEqual({ ok: false, code: 'NOT_FOUND' });

      await t.ok(NOTE, { input: { groupId: group.id, body: 'Treasury pays late.' } }, amina.token);
      await t.ok(REPORT, { input: { groupId: group.id, summary: 'Pool budgets.' } }, amina.token);
      await eventually(() => socket.of(`session:${s.sessionId}`, 'breakout.updated').length >= 1);
      await settle();
      const wire = JSON.stringify(socket.events);
      expect(wire).not.toContain('Treasury pays late.');
      expect(wire).not.toContain('Pool budgets.');
      expect(wire).not.toContain(amina.displayName);

      expect((await readGroup(group.id, vendor)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const [seen] = await plenaryView(s.sessionId, vendor);
      expect(seen).toMatchObject({ name: 'Financing', memberCount: 1, mine: false, members: [], notes: [] });
      expect(seen.reportBack).toBeNull();
      expect(seen.reportedAt).toBeNull();
      for (const write of [
        t.gql(NOTE, { input: { groupId: group.id, body: 'x' } }, vendor.token),
        t.gql(REPORT, { input: { groupId: group.id, summary: 'x' } }, vendor.token),
        t.gql(MOVE, { input: { groupId: group.id, membershipId: vendor.membershipId } }, vendor.token),
      ]) {
        expect((await write).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      }
    });

    it('a vendor placed in a group sees only itself in the member list, and no author under CHATHAM_HOUSE, live too', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const kofi = await s.attendee('MEMBER', 'finance', 'GH');
      const vendor = await s.attendee('VENDOR', 'private-sector', 'KE');
      const [group] = await s.split([
        { name: 'Financing', membershipIds: [amina.membershipId, kofi.membershipId, vendor.membershipId] },
      ]);
      const socket = await sockets.connect(vendor.token);
      expect(await socket.subscribe(`breakout:${group.id}`)).toEqual({ ok: true });
      await t.ok(NOTE, { input: { groupId: group.id, body: 'Our arrears are 90 days.' } }, amina.token);
      await t.ok(REPORT, { input: { groupId: group.id, summary: 'Arrears summary' } }, kofi.token);
      await eventually(
        () =>
          socket.of(`breakout:${group.id}`, 'breakout.note').length === 1 &&
          socket.of(`breakout:${group.id}`, 'breakout.updated').length >= 1,
      );
      const read = (await readGroup(group.id, vendor)).data!.breakoutGroup;
      expect(read.memberCount).toBe(3);
      expect(read.members.map((m) => m.id)).toEqual([vendor.membershipId]);
      expect(read.notes.map((n) => n.author)).toEqual([null]);
      expect(read.reportBack).toBe('Arrears summary');
      const wire = JSON.stringify(socket.events) + JSON.stringify(read);
      for (const official of [amina, kofi]) {
        expect(wire).not.toContain(official.displayName);
        expect(wire).not.toContain(official.membershipId);
      }
      // Its own note it may write; moving people stays with facilitators.
      await t.ok(NOTE, { input: { groupId: group.id, body: 'We can supply.' } }, vendor.token);
      const move = await t.gql(MOVE, { input: { groupId: group.id, membershipId: kofi.membershipId } }, vendor.token);
      expect(move.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('observers (admitted by the charter) read only a group they were placed in, and never write', async () => {
      const s = await liveSession();
      const voter = await s.attendee('MEMBER', 'finance', 'GH');
      await ratifyPolicy(t, s.cohortId, s.facilitator, [voter], { observers: 'ALLOWED' });
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const placed = await s.attendee('OBSERVER', 'audit', 'KE');
      const outside = await s.attendee('OBSERVER', 'audit', 'GH');
      const [group] = await s.split([{ name: 'G', membershipIds: [amina.membershipId, placed.membershipId] }]);
      await t.ok(NOTE, { input: { groupId: group.id, body: 'Said inside.' } }, amina.token);
      await t.ok(REPORT, { input: { groupId: group.id, summary: 'For the plenary' } }, amina.token);

      const read = (await readGroup(group.id, placed)).data!.breakoutGroup;
      expect(read.notes).toEqual([expect.objectContaining({ body: 'Said inside.', author: null })]);
      expect(
        (await t.gql(NOTE, { input: { groupId: group.id, body: 'x' } }, placed.token)).errors?.[0].extensions,
      ).toMatchObject({ code: 'FORBIDDEN' });
      const report = await t.gql(REPORT, { input: { groupId: group.id, summary: 'x' } }, placed.token);
      expect(report.errors?.[0].extensions?.code).toBe('FORBIDDEN');

      expect((await readGroup(group.id, outside)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const socket = await sockets.connect(outside.token);
      expect(await socket.subscribe(`breakout:${group.id}`)).toEqual({ ok: false, code: 'NOT_FOUND' });
      // The plenary (observers read outcomes while admitted) hears the report-back, nothing else.
      const [seen] = await plenaryView(s.sessionId, outside);
      expect(seen).toMatchObject({ reportBack: 'For the plenary', members: [], notes: [] });
    });

    it('a scholar not granted the session reaches nothing; a granted one placed sees no author under CHATHAM_HOUSE', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const granted = await s.attendee('SCHOLAR', 'university', 'KE');
      const ungranted = await newMember(t, s.cohortId, { role: 'SCHOLAR' });
      const [group] = await s.split([{ name: 'G', membershipIds: [amina.membershipId, granted.membershipId] }]);
      await t.ok(NOTE, { input: { groupId: group.id, body: 'Inside.' } }, amina.token);
      const read = (await readGroup(group.id, granted)).data!.breakoutGroup;
      expect(read.notes.map((n) => n.author)).toEqual([null]);
      expect(JSON.stringify(read.notes)).not.toContain(amina.displayName);
      expect((await readGroup(group.id, ungranted)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(await t.errorCode(SESSION_BREAKOUTS, { id: s.sessionId }, ungranted.token)).toBe('NOT_FOUND');
      const socket = await sockets.connect(ungranted.token);
      expect(await socket.subscribe(`breakout:${group.id}`)).toEqual({ ok: false, code: 'NOT_FOUND' });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('other groups, cohorts and the admin', () => {
    it("a member of another group gets NOT_FOUND, and neither the session topic nor its replay carry the group's notes or members", async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const kofi = await s.attendee('MEMBER', 'finance', 'GH');
      const [one, two] = await s.split([
        { name: 'One', membershipIds: [amina.membershipId] },
        { name: 'Two', membershipIds: [kofi.membershipId] },
      ]);
      const live = await sockets.connect(kofi.token);
      expect(await live.subscribe(`session:${s.sessionId}`)).toEqual({ ok: true });
      expect(await live.subscribe(`breakout:${one.id}`)).toEqual({ ok: false, code: 'NOT_FOUND' });
      await t.ok(NOTE, { input: { groupId: one.id, body: 'zebra secret figure' } }, amina.token);
      await t.ok(REPORT, { input: { groupId: one.id, summary: 'Plenary summary' } }, amina.token);
      await eventually(() =>
        live
          .of(`session:${s.sessionId}`, 'breakout.updated')
          .some((e) => (e.payload as unknown as Group).reportBack === 'Plenary summary'),
      );
      // A replay of the whole session topic, and of the other group's topic.
      const replay = await sockets.connect(kofi.token);
      expect(await replay.subscribe(`session:${s.sessionId}`, 0)).toEqual({ ok: true });
      expect(await replay.subscribe(`breakout:${one.id}`, 0)).toEqual({ ok: false, code: 'NOT_FOUND' });
      await eventually(() => replay.of(`session:${s.sessionId}`, 'breakout.updated').length >= 2);
      await settle();
      const wire = JSON.stringify(live.events) + JSON.stringify(replay.events);
      expect(wire).not.toContain('zebra secret figure');
      expect(wire).not.toContain(amina.displayName);
      expect(wire).not.toContain(amina.membershipId);
      expect(replay.events.every((e) => e.type !== 'breakout.note')).toBe(true);

      expect((await readGroup(one.id, kofi)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const views = await plenaryView(s.sessionId, kofi);
      expect(views.find((g) => g.id === one.id)).toMatchObject({ members: [], notes: [], mine: false });
      expect(views.find((g) => g.id === two.id)).toMatchObject({ mine: true, memberCount: 1 });
      for (const write of [
        t.gql(NOTE, { input: { groupId: one.id, body: 'x' } }, kofi.token),
        t.gql(REPORT, { input: { groupId: one.id, summary: 'x' } }, kofi.token),
      ]) {
        expect((await write).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      }
    });

    it('another cohort (even its facilitator) and the platform admin reach nothing, and cannot be placed', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const [group] = await s.split([{ name: 'G', membershipIds: [amina.membershipId] }]);
      await t.ok(NOTE, { input: { groupId: group.id, body: 'Inside.' } }, amina.token);
      const otherCohort = (await newCohort(t)).id;
      const foreignLead = await newMember(t, otherCohort, { role: 'FACILITATOR' });
      const foreignMember = await newMember(t, otherCohort, { role: 'MEMBER' });
      const admin = await adminToken(t);
      for (const token of [foreignLead.token, admin]) {
        for (const res of [
          await t.gql(GROUP, { id: group.id }, token),
          await t.gql(NOTE, { input: { groupId: group.id, body: 'x' } }, token),
          await t.gql(REPORT, { input: { groupId: group.id, summary: 'x' } }, token),
          await t.gql(MOVE, { input: { groupId: group.id, membershipId: foreignMember.membershipId } }, token),
          await t.gql(SESSION_BREAKOUTS, { id: s.sessionId }, token),
        ]) {
          expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
        }
        const socket = await sockets.connect(token);
        expect(await socket.subscribe(`breakout:${group.id}`)).toEqual({ ok: false, code: 'NOT_FOUND' });
      }
      const move = await t.gql(
        MOVE,
        { input: { groupId: group.id, membershipId: foreignMember.membershipId } },
        s.facilitator.token,
      );
      expect(move.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'membershipId' });
      expect(await t.dataSource.getRepository(BreakoutMemberEntity).countBy({ groupId: group.id })).toBe(1);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('people who leave', () => {
    it('someone moved out of a group is revoked from its topic and hears nothing more of it', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const kofi = await s.attendee('MEMBER', 'finance', 'GH');
      const [one, two] = await s.split([
        { name: 'One', membershipIds: [amina.membershipId, kofi.membershipId] },
        { name: 'Two', membershipIds: [] },
      ]);
      const socket = await sockets.connect(kofi.token);
      expect(await socket.subscribe(`breakout:${one.id}`)).toEqual({ ok: true });
      await t.ok(MOVE, { input: { groupId: two.id, membershipId: kofi.membershipId } }, s.facilitator.token);
      await eventually(() => socket.revoked.includes(`breakout:${one.id}`));
      await t.ok(NOTE, { input: { groupId: one.id, body: 'After kofi left' } }, amina.token);
      await settle();
      expect(JSON.stringify(socket.events)).not.toContain('After kofi left');
      expect((await readGroup(one.id, kofi)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(await socket.subscribe(`breakout:${one.id}`, 0)).toEqual({ ok: false, code: 'NOT_FOUND' });
    });

    it('a removed member loses the group at once (topic revoked); an expired one reads nothing', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const kofi = await s.attendee('MEMBER', 'finance', 'GH');
      const ama = await s.attendee('MEMBER', 'ict', 'GH');
      const [group] = await s.split([
        { name: 'G', membershipIds: [amina.membershipId, kofi.membershipId, ama.membershipId] },
      ]);
      const socket = await sockets.connect(kofi.token);
      expect(await socket.subscribe(`breakout:${group.id}`)).toEqual({ ok: true });
      await t.ok(REMOVE, { input: { membershipId: kofi.membershipId } }, s.facilitator.token);
      await eventually(() => socket.revoked.includes(`breakout:${group.id}`));
      await t.ok(NOTE, { input: { groupId: group.id, body: 'After removal' } }, amina.token);
      await settle();
      expect(JSON.stringify(socket.events)).not.toContain('After removal');
      expect((await readGroup(group.id, kofi)).errors?.[0].extensions?.code).toBe('NOT_FOUND');

      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: ama.membershipId }, { accessExpiresAt: new Date(Date.now() - 1000) });
      expect((await readGroup(group.id, ama)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const late = await t.gql(NOTE, { input: { groupId: group.id, body: 'x' } }, ama.token);
      expect(late.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    });

    it('a member whose access window closed leaves the group member list, as the member list drops them', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const kofi = await s.attendee('MEMBER', 'finance', 'GH');
      const [group] = await s.split([{ name: 'G', membershipIds: [amina.membershipId, kofi.membershipId] }]);
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: kofi.membershipId }, { accessExpiresAt: new Date(Date.now() - 1000) });
      const list = await t.ok<{ cohort: { members: { edges: { node: { id: string } }[] } } }>(
        'query ($id: ID!) { cohort(id: $id) { members(first: 50) { edges { node { id } } } } }',
        { id: s.cohortId },
        amina.token,
      );
      expect(list.cohort.members.edges.map((e) => e.node.id)).not.toContain(kofi.membershipId);
      const read = (await readGroup(group.id, amina)).data!.breakoutGroup;
      expect(read.members.map((m) => m.id)).not.toContain(kofi.membershipId);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('attribution', () => {
    it('under ANONYMOUS members and guests in a group get pseudonyms everywhere, live and on replay; facilitators names', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const kofi = await s.attendee('MEMBER', 'finance', 'GH');
      await ratifyPolicy(t, s.cohortId, s.facilitator, [amina, kofi], { attribution: 'ANONYMOUS' });
      const scholar = await s.attendee('SCHOLAR', 'university', 'RW');
      const [group] = await s.split([
        { name: 'G', membershipIds: [amina.membershipId, kofi.membershipId, scholar.membershipId] },
      ]);
      const live = await sockets.connect(kofi.token);
      expect(await live.subscribe(`breakout:${group.id}`)).toEqual({ ok: true });
      expect(await live.subscribe(`session:${s.sessionId}`)).toEqual({ ok: true });
      const mine = await t.ok<{ addBreakoutNote: { author: { displayName: string } } }>(
        NOTE,
        { input: { groupId: group.id, body: 'First' } },
        amina.token,
      );
      expect(mine.addBreakoutNote.author.displayName).toBe('Participant 1');
      await t.ok(NOTE, { input: { groupId: group.id, body: 'Second' } }, kofi.token);
      await t.ok(REPORT, { input: { groupId: group.id, summary: 'Sum' } }, kofi.token);
      await eventually(() => live.of(`breakout:${group.id}`, 'breakout.note').length === 2);
      const replay = await sockets.connect(scholar.token);
      expect(await replay.subscribe(`breakout:${group.id}`, 0)).toEqual({ ok: true });
      await eventually(() => replay.of(`breakout:${group.id}`, 'breakout.note').length === 2);
      await settle();
      const notesOnWire = [...live.events, ...replay.events].filter((e) => e.type === 'breakout.note');
      expect(notesOnWire.map((e) => (e.payload as { author: unknown }).author)).toEqual([
        { displayName: 'Participant 1', ministry: null, country: null },
        { displayName: 'Participant 2', ministry: null, country: null },
        { displayName: 'Participant 1', ministry: null, country: null },
        { displayName: 'Participant 2', ministry: null, country: null },
      ]);
      for (const who of [kofi, scholar]) {
        const read = (await readGroup(group.id, who)).data!.breakoutGroup;
        const notes = JSON.stringify(read.notes);
        expect(notes).not.toContain(amina.displayName);
        expect(notes).not.toContain('education');
        expect(notes).not.toContain('KE');
      }
      const forLead = (await readGroup(group.id, s.facilitator)).data!.breakoutGroup;
      expect(forLead.notes.map((n) => n.author?.displayName)).toEqual([amina.displayName, kofi.displayName]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('closing, races and input', () => {
    it('after the session ends, nothing is written and nobody is moved; notes racing the end land before it or are refused', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const kofi = await s.attendee('MEMBER', 'finance', 'GH');
      const [one, two] = await s.split([
        { name: 'One', membershipIds: [amina.membershipId] },
        { name: 'Two', membershipIds: [kofi.membershipId] },
      ]);
      const notes = Array.from({ length: 12 }, (_, i) =>
        t.gql(NOTE, { input: { groupId: one.id, body: `race ${i}` } }, amina.token),
      );
      const end = t.gql(SET_STATE, { input: { sessionId: s.sessionId, state: 'ENDED' } }, s.facilitator.token);
      const results = await Promise.all(notes);
      expect((await end).errors).toBeUndefined();
      for (const res of results) {
        if (res.errors) expect(res.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'BREAKOUT_CLOSED' });
      }
      // Every note answered OK is stored, and the group is closed: a note holding the group row lands
      // before the close commits; one arriving after it is refused.
      const stored = await t.dataSource.query<{ body: string }[]>(
        'SELECT body FROM breakout_notes WHERE group_id = $1',
        [one.id],
      );
      expect(stored.length).toBe(results.filter((res) => !res.errors).length);
      expect((await readGroup(one.id, amina)).data!.breakoutGroup.closedAt).not.toBeNull();
      const move = await t.gql(
        MOVE,
        { input: { groupId: two.id, membershipId: amina.membershipId } },
        s.facilitator.token,
      );
      expect(move.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'BREAKOUT_CLOSED' });
      const again = await t.gql(
        CREATE,
        { input: { sessionId: s.sessionId, groups: [{ name: 'Late', membershipIds: [] }] } },
        s.facilitator.token,
      );
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SESSION_NOT_LIVE' });
    });

    it('a split racing the end of the session leaves no open group in an ENDED session', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const sessions = t.app.get(SessionsService);
      const original = sessions.loadAuthorized.bind(sessions);
      let armed = true;
      // The end commits between the split's LIVE check and its transaction, as a concurrent request may.
      sessions.loadAuthorized = async (...args: Parameters<SessionsService['loadAuthorized']>) => {
        const found = await original(...args);
        if (armed && args[1] === 'moderate') {
          armed = false;
          await t.ok(SET_STATE, { input: { sessionId: s.sessionId, state: 'ENDED' } }, s.facilitator.token);
        }
        return found;
      };
      try {
        await t.gql(
          CREATE,
          { input: { sessionId: s.sessionId, groups: [{ name: 'G', membershipIds: [amina.membershipId] }] } },
          s.facilitator.token,
        );
      } finally {
        sessions.loadAuthorized = original;
      }
      expect(armed).toBe(false);
      const [{ open }] = await t.dataSource.query<{ open: number }[]>(
        `SELECT count(*)::int AS open FROM breakout_groups g JOIN sessions s ON s.id = g.session_id
          WHERE g.session_id = $1 AND g.closed_at IS NULL AND s.state <> 'LIVE'`,
        [s.sessionId],
      );
      expect(open).toBe(0);
    });

    it('refuses duplicate memberships (also differing in case), too many groups or members, and non-ids; allows empty groups', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const create = (groups: unknown) =>
        t.gql(CREATE, { input: { sessionId: s.sessionId, groups } }, s.facilitator.token);
      const dup = await create([
        { name: 'A', membershipIds: [amina.membershipId] },
        { name: 'B', membershipIds: [amina.membershipId.toUpperCase()] },
      ]);
      expect(dup.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const same = await create([{ name: 'A', membershipIds: [amina.membershipId, amina.membershipId] }]);
      expect(same.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const tooMany = await create(Array.from({ length: 51 }, (_, i) => ({ name: `G${i}`, membershipIds: [] })));
      expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const huge = await create([{ name: 'A', membershipIds: Array.from({ length: 201 }, () => amina.membershipId) }]);
      expect(huge.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const notIds = await create([{ name: 'A', membershipIds: ["x' OR 1=1 --"] }]);
      expect(notIds.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const blank = await create([{ name: '   ', membershipIds: [] }]);
      expect(blank.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const none = await create([]);
      expect(none.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(await t.dataSource.getRepository(BreakoutGroupEntity).countBy({ sessionId: s.sessionId })).toBe(0);
      const empty = await t.ok<{ createBreakouts: Group[] }>(
        CREATE,
        { input: { sessionId: s.sessionId, groups: [{ name: 'Empty', membershipIds: [] }] } },
        s.facilitator.token,
      );
      expect(empty.createBreakouts[0]).toMatchObject({ memberCount: 0, members: [] });
      const long = await t.gql(
        NOTE,
        { input: { groupId: empty.createBreakouts[0].id, body: 'x'.repeat(20_001) } },
        s.facilitator.token,
      );
      expect(long.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('automatic assignment leaves out a scholar whose grant of the session was withdrawn', async () => {
      const s = await liveSession();
      await s.attendee('MEMBER', 'education', 'KE');
      await s.attendee('MEMBER', 'finance', 'GH');
      const scholar = await s.attendee('SCHOLAR', 'university', 'RW');
      // The grant goes after the RSVP; the RSVP stays GOING.
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: scholar.membershipId }, { grantedSessionIds: [] });
      const { assignBreakouts } = await t.ok<{ assignBreakouts: Group[] }>(
        ASSIGN,
        { input: { sessionId: s.sessionId, groupCount: 1 } },
        s.facilitator.token,
      );
      expect(assignBreakouts.flatMap((g) => g.members.map((m) => m.id))).not.toContain(scholar.membershipId);
    });

    it('an observer cannot be placed in a group while the charter does not admit observers', async () => {
      const s = await liveSession();
      const observer = await newMember(t, s.cohortId, { role: 'OBSERVER' });
      // Default charter: observers FORBIDDEN, so the observer cannot attend the session at all.
      expect(await t.errorCode(SESSION_BREAKOUTS, { id: s.sessionId }, observer.token)).toBe('NOT_FOUND');
      const res = await t.gql(
        CREATE,
        { input: { sessionId: s.sessionId, groups: [{ name: 'G', membershipIds: [observer.membershipId] }] } },
        s.facilitator.token,
      );
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'membershipId' });
    });

    it('breakout notes and report-backs go with the retention period, as posts and questions do', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      await ratifyPolicy(t, s.cohortId, s.facilitator, [amina], { retentionDays: 30 });
      const [group] = await s.split([{ name: 'G', membershipIds: [amina.membershipId] }]);
      const { addBreakoutNote } = await t.ok<{ addBreakoutNote: { id: string } }>(
        NOTE,
        { input: { groupId: group.id, body: 'quokka old confidential figure' } },
        amina.token,
      );
      await t.ok(REPORT, { input: { groupId: group.id, summary: 'quokka report' } }, amina.token);
      await t.dataSource.query("UPDATE breakout_notes SET created_at = now() - interval '40 days' WHERE id = $1", [
        addBreakoutNote.id,
      ]);
      await t.dataSource.query(
        "UPDATE breakout_groups SET created_at = now() - interval '40 days', reported_at = now() - interval '40 days' WHERE id = $1",
        [group.id],
      );
      await t.app.get(RetentionService).purge();
      const read = (await readGroup(group.id, amina)).data!.breakoutGroup;
      expect(JSON.stringify(read)).not.toContain('quokka');
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('named contributors', () => {
    it('only facilitators invite, only full members in force of the same cohort who can read the target', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const vendor = await s.attendee('VENDOR', 'private-sector', 'KE');
      const scholar = await s.attendee('SCHOLAR', 'university', 'KE');
      const removed = await newMember(t, s.cohortId, { role: 'MEMBER', status: 'REMOVED' });
      const expired = await newMember(t, s.cohortId, { accessExpiresAt: new Date(Date.now() - 1000) });
      const observer = await newMember(t, s.cohortId, { role: 'OBSERVER' });
      const otherCohort = (await newCohort(t)).id;
      const foreign = await newMember(t, otherCohort, { role: 'MEMBER' });
      const foreignLead = await newMember(t, otherCohort, { role: 'FACILITATOR' });
      const narrow = await newSpace(t, s.cohortId, s.facilitator, ['finance']);
      const { startThread } = await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId: narrow, title: 'Budgets', body: 'For finance only', kind: 'QUESTION' } },
        s.facilitator.token,
      );
      const invite = (membershipId: string, target: Record<string, string>, token = s.facilitator.token) =>
        t.gql(INVITE, { input: { membershipId, title: 'Segment', ...target } }, token);
      for (const who of [vendor, scholar, removed, expired, observer, foreign]) {
        const res = await invite(who.membershipId, { sessionId: s.sessionId });
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'membershipId' });
      }
      const outsideSpace = await invite(amina.membershipId, { threadId: startThread.id });
      expect(outsideSpace.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'membershipId' });
      expect(
        (await invite(amina.membershipId, { sessionId: s.sessionId }, amina.token)).errors?.[0].extensions?.code,
      ).toBe('FORBIDDEN');
      // Guests granted the session read it, so they are refused as such; outsiders learn nothing.
      for (const token of [vendor.token, scholar.token]) {
        const res = await invite(amina.membershipId, { sessionId: s.sessionId }, token);
        expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
      for (const token of [foreignLead.token, await adminToken(t)]) {
        const res = await invite(amina.membershipId, { sessionId: s.sessionId }, token);
        expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      }
      const both = await invite(amina.membershipId, { sessionId: s.sessionId, threadId: startThread.id });
      expect(both.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const [{ n }] = await t.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM contributions WHERE cohort_id = $1',
        [s.cohortId],
      );
      expect(n).toBe(0);
    });

    it('contributors are hidden from vendors, nameless to guests under CHATHAM_HOUSE and to members under ANONYMOUS', async () => {
      const s = await liveSession();
      const amina = await s.attendee('MEMBER', 'education', 'KE');
      const kofi = await s.attendee('MEMBER', 'finance', 'GH');
      const voter = await s.attendee('MEMBER', 'ict', 'RW');
      await ratifyPolicy(t, s.cohortId, s.facilitator, [amina, kofi, voter], { observers: 'ALLOWED' });
      const vendor = await s.attendee('VENDOR', 'private-sector', 'KE');
      const scholar = await s.attendee('SCHOLAR', 'university', 'KE');
      const observer = await s.attendee('OBSERVER', 'audit', 'KE');
      const space = await newSpace(t, s.cohortId, s.facilitator);
      const { startThread } = await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId: space, title: 'Budgets', body: 'Open to all', kind: 'QUESTION' } },
        s.facilitator.token,
      );
      await t.ok(
        INVITE,
        { input: { membershipId: amina.membershipId, sessionId: s.sessionId, title: 'Framework' } },
        s.facilitator.token,
      );
      await t.ok(
        INVITE,
        { input: { membershipId: amina.membershipId, threadId: startThread.id, title: 'Budgets' } },
        s.facilitator.token,
      );
      const inSession = async (who: TestMember) =>
        (
          await t.ok<{ session: { contributions: Contributions } }>(
            SESSION_CONTRIBUTIONS,
            { id: s.sessionId },
            who.token,
          )
        ).session.contributions;
      const inThread = async (who: TestMember) =>
        (
          await t.ok<{ thread: { contributions: Contributions } }>(
            THREAD_CONTRIBUTIONS,
            { id: startThread.id },
            who.token,
          )
        ).thread.contributions;
      expect(await inSession(vendor)).toEqual([]);
      expect(await t.errorCode(THREAD_CONTRIBUTIONS, { id: startThread.id }, vendor.token)).toBe('NOT_FOUND');
      for (const guest of [scholar, observer]) {
        expect(await inSession(guest)).toEqual([{ title: 'Framework', contributor: null }]);
      }
      expect(await inThread(observer)).toEqual([{ title: 'Budgets', contributor: null }]);
      expect((await inSession(kofi))[0].contributor?.displayName).toBe(amina.displayName);

      await ratifyPolicy(t, s.cohortId, s.facilitator, [amina, kofi, voter], { attribution: 'ANONYMOUS' }, [
        scholar,
        observer,
        vendor,
      ]);
      for (const who of [kofi, scholar, observer]) {
        const text = JSON.stringify(await inSession(who)) + JSON.stringify(await inThread(who).catch(() => []));
        expect(text).not.toContain(amina.displayName);
        expect(text).not.toContain('education');
      }
      expect((await inThread(kofi))[0].contributor).toEqual({
        displayName: 'A contributor',
        ministry: null,
        country: null,
      });
      expect((await inSession(s.facilitator))[0].contributor?.displayName).toBe(amina.displayName);
    });
  });
});
