import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { BreakoutGroupEntity, BreakoutMemberEntity } from '../src/sessions/breakout.entity.js';
import { RsvpStatus, SessionEntity, SessionRsvpEntity, SessionState } from '../src/sessions/session.entity.js';
import { ratifyPolicy } from './harness/charter.js';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { type Actors, actorsIn, OUTSIDERS, type RoleOperation, row, roleTable } from './harness/role-table.js';
import { SET_STATE } from './harness/session-documents.js';
import { liveSession } from './harness/sessions.js';
import { eventually, openSockets, settle } from './harness/sockets.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

const GROUP_FIELDS = `id name memberCount mine reportBack closedAt members { id ministry country user { displayName } }
  notes { id body author { displayName ministry country } }`;
const ASSIGN = `mutation ($input: AssignBreakoutsInput!) { assignBreakouts(input: $input) { ${GROUP_FIELDS} } }`;
const CREATE = `mutation ($input: CreateBreakoutsInput!) { createBreakouts(input: $input) { ${GROUP_FIELDS} } }`;
const MOVE = `mutation ($input: MoveToBreakoutInput!) { moveToBreakout(input: $input) { ${GROUP_FIELDS} } }`;
const NOTE =
  'mutation ($input: AddBreakoutNoteInput!) { addBreakoutNote(input: $input) { id author { displayName } } }';
const REPORT = 'mutation ($input: ReportBackInput!) { reportBack(input: $input) { id reportBack } }';
const GROUP = `query ($id: ID!) { breakoutGroup(id: $id) { ${GROUP_FIELDS} } }`;
const SESSION_BREAKOUTS = `query ($id: ID!) { session(id: $id) { breakouts { ${GROUP_FIELDS} } } }`;

interface Group {
  id: string;
  name: string;
  memberCount: number;
  mine: boolean;
  reportBack: string | null;
  closedAt: string | null;
  members: { id: string; ministry: string; country: string }[];
  notes: { id: string; body: string; author: { displayName: string; ministry: string | null } | null }[];
}

describe('breakout groups in live sessions', () => {
  let t: TestApp;
  const sockets = openSockets(() => t);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('splits 12 attendees from 4 ministries into 3 groups, each covering the 4 ministries; guests only by hand', async () => {
    const s = await liveSession(t);
    const countries = ['KE', 'GH', 'RW'];
    const attendees: TestMember[] = [];
    for (const ministry of ['education', 'finance', 'ict', 'planning']) {
      for (const country of countries) attendees.push(await s.attendee('MEMBER', ministry, country));
    }
    const vendor = await s.attendee('VENDOR', 'private-sector', 'KE');
    const { assignBreakouts } = await t.ok<{ assignBreakouts: Group[] }>(
      ASSIGN,
      { input: { sessionId: s.sessionId, groupCount: 3 } },
      s.facilitator.token,
    );
    expect(assignBreakouts.map((g) => g.name)).toEqual(['Group 1', 'Group 2', 'Group 3']);
    for (const group of assignBreakouts) {
      expect(group.memberCount).toBe(4);
      expect(new Set(group.members.map((m) => m.ministry)).size).toBe(4);
      expect(new Set(group.members.map((m) => m.country)).size).toBe(3);
    }
    const placed = assignBreakouts.flatMap((g) => g.members.map((m) => m.id)).sort();
    expect(placed).toEqual(attendees.map((a) => a.membershipId).sort());
    expect(placed).not.toContain(vendor.membershipId);
    // A second split is refused; the facilitator moves people instead.
    const again = await t.gql(ASSIGN, { input: { sessionId: s.sessionId, groupCount: 2 } }, s.facilitator.token);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'BREAKOUTS_EXIST' });
  });

  it('keeps notes within the group, live, and follows the attribution rule; vendors only where placed', async () => {
    const s = await liveSession(t);
    const amina = await s.attendee('MEMBER', 'education', 'KE');
    const kofi = await s.attendee('MEMBER', 'finance', 'GH');
    const other = await s.attendee('MEMBER', 'ict', 'RW');
    const vendor = await s.attendee('VENDOR', 'private-sector', 'KE');
    const { createBreakouts } = await t.ok<{ createBreakouts: Group[] }>(
      CREATE,
      {
        input: {
          sessionId: s.sessionId,
          groups: [
            { name: 'Financing', membershipIds: [amina.membershipId, kofi.membershipId] },
            { name: 'Connectivity', membershipIds: [other.membershipId] },
          ],
        },
      },
      s.facilitator.token,
    );
    const [financing, connectivity] = createBreakouts;
    // The vendor sees neither group until placed in one.
    expect(await t.errorCode(GROUP, { id: financing.id }, vendor.token)).toBe('NOT_FOUND');
    expect(await t.errorCode(GROUP, { id: financing.id }, other.token)).toBe('NOT_FOUND');
    const kofiSocket = await sockets.connect(kofi.token);
    const otherSocket = await sockets.connect(other.token);
    expect(await kofiSocket.subscribe(`breakout:${financing.id}`)).toEqual({ ok: true });
    expect(await otherSocket.subscribe(`breakout:${financing.id}`)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await otherSocket.subscribe(`breakout:${connectivity.id}`)).toEqual({ ok: true });

    await t.ok(NOTE, { input: { groupId: financing.id, body: 'Our treasury pays in arrears.' } }, amina.token);
    await eventually(() => kofiSocket.of(`breakout:${financing.id}`, 'breakout.note').length === 1);
    expect(kofiSocket.of(`breakout:${financing.id}`, 'breakout.note')[0].payload).toMatchObject({
      body: 'Our treasury pays in arrears.',
      author: { displayName: amina.displayName, ministry: 'education' },
    });

    // Placed by hand, the vendor reads the group, but under CHATHAM_HOUSE not who wrote what.
    await t.ok(MOVE, { input: { groupId: financing.id, membershipId: vendor.membershipId } }, s.facilitator.token);
    const seenByVendor = await t.gql<{ breakoutGroup: Group }>(GROUP, { id: financing.id }, vendor.token);
    expect(seenByVendor.data!.breakoutGroup.notes.map((n) => n.author)).toEqual([null]);
    expect(JSON.stringify(seenByVendor)).not.toContain(amina.displayName);
    await settle();
    expect(otherSocket.of(`breakout:${financing.id}`)).toEqual([]);
    expect(otherSocket.of(`breakout:${connectivity.id}`, 'breakout.note')).toEqual([]);
  });

  it('brings the report-back to the plenary, not to vendors outside the group', async () => {
    const s = await liveSession(t);
    const amina = await s.attendee('MEMBER', 'education', 'KE');
    const other = await s.attendee('MEMBER', 'ict', 'RW');
    const vendor = await s.attendee('VENDOR', 'private-sector', 'KE');
    const {
      createBreakouts: [group],
    } = await t.ok<{ createBreakouts: Group[] }>(
      CREATE,
      { input: { sessionId: s.sessionId, groups: [{ name: 'Financing', membershipIds: [amina.membershipId] }] } },
      s.facilitator.token,
    );
    const plenary = await sockets.connect(other.token);
    expect(await plenary.subscribe(`session:${s.sessionId}`)).toEqual({ ok: true });
    await t.ok(REPORT, { input: { groupId: group.id, summary: 'Pool maintenance budgets.' } }, amina.token);
    await eventually(() =>
      plenary
        .of(`session:${s.sessionId}`, 'breakout.updated')
        .some((e) => (e.payload as unknown as Group).reportBack === 'Pool maintenance budgets.'),
    );
    const seen = (who: TestMember) =>
      t.ok<{ session: { breakouts: Group[] } }>(SESSION_BREAKOUTS, { id: s.sessionId }, who.token);
    const forOther = (await seen(other)).session.breakouts[0];
    expect(forOther).toMatchObject({ reportBack: 'Pool maintenance budgets.', mine: false, members: [], notes: [] });
    const forVendor = (await seen(vendor)).session.breakouts[0];
    expect(forVendor).toMatchObject({ name: 'Financing', reportBack: null, members: [] });
  });

  it('closes the groups when the session ends: notes stay readable and take nothing more', async () => {
    const s = await liveSession(t);
    const amina = await s.attendee('MEMBER', 'education', 'KE');
    const {
      createBreakouts: [group],
    } = await t.ok<{ createBreakouts: Group[] }>(
      CREATE,
      { input: { sessionId: s.sessionId, groups: [{ name: 'Financing', membershipIds: [amina.membershipId] }] } },
      s.facilitator.token,
    );
    await t.ok(NOTE, { input: { groupId: group.id, body: 'Before the end.' } }, amina.token);
    await t.ok(SET_STATE, { input: { sessionId: s.sessionId, state: 'ENDED' } }, s.facilitator.token);
    const late = await t.gql(NOTE, { input: { groupId: group.id, body: 'After the end.' } }, amina.token);
    expect(late.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'BREAKOUT_CLOSED' });
    const report = await t.gql(REPORT, { input: { groupId: group.id, summary: 'Too late' } }, amina.token);
    expect(report.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'BREAKOUT_CLOSED' });
    const after = await t.ok<{ breakoutGroup: Group }>(GROUP, { id: group.id }, amina.token);
    expect(after.breakoutGroup.closedAt).not.toBeNull();
    expect(after.breakoutGroup.notes.map((n) => n.body)).toEqual(['Before the end.']);
    expect(
      (await t.dataSource.getRepository(BreakoutGroupEntity).findOneByOrFail({ id: group.id })).closedAt,
    ).not.toBeNull();
  });

  it('is made only in a LIVE session, of people who may attend it', async () => {
    const scheduled = await liveSession(t, SessionState.SCHEDULED);
    const early = await t.gql(
      ASSIGN,
      { input: { sessionId: scheduled.sessionId, groupCount: 1 } },
      scheduled.facilitator.token,
    );
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SESSION_NOT_LIVE' });
    const s = await liveSession(t);
    await s.attendee('MEMBER', 'education', 'KE');
    const tooMany = await t.gql(ASSIGN, { input: { sessionId: s.sessionId, groupCount: 2 } }, s.facilitator.token);
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupCount' });
    const ungranted = await newMember(t, s.cohortId, { role: 'VENDOR' });
    const stranger = await newMember(t, (await newCohort(t)).id);
    for (const who of [ungranted, stranger]) {
      const res = await t.gql(
        CREATE,
        { input: { sessionId: s.sessionId, groups: [{ name: 'G', membershipIds: [who.membershipId] }] } },
        s.facilitator.token,
      );
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'membershipId' });
    }
    expect(await t.dataSource.getRepository(BreakoutGroupEntity).countBy({ sessionId: s.sessionId })).toBe(0);
    expect(await t.dataSource.getRepository(BreakoutMemberEntity).countBy({ sessionId: s.sessionId })).toBe(0);
  });

  it('under ANONYMOUS shows pseudonyms in a group, names to facilitators only', async () => {
    const s = await liveSession(t);
    const amina = await s.attendee('MEMBER', 'education', 'KE');
    const kofi = await s.attendee('MEMBER', 'finance', 'GH');
    await ratifyPolicy(t, s.cohortId, s.facilitator, [amina, kofi], { attribution: 'ANONYMOUS' });
    const {
      createBreakouts: [group],
    } = await t.ok<{ createBreakouts: Group[] }>(
      CREATE,
      {
        input: {
          sessionId: s.sessionId,
          groups: [{ name: 'Financing', membershipIds: [amina.membershipId, kofi.membershipId] }],
        },
      },
      s.facilitator.token,
    );
    await t.ok(NOTE, { input: { groupId: group.id, body: 'First' } }, amina.token);
    await t.ok(NOTE, { input: { groupId: group.id, body: 'Second' } }, kofi.token);
    const forKofi = await t.gql<{ breakoutGroup: Group }>(GROUP, { id: group.id }, kofi.token);
    expect(forKofi.data!.breakoutGroup.notes.map((n) => n.author?.displayName)).toEqual([
      'Participant 1',
      'Participant 2',
    ]);
    const text = JSON.stringify(forKofi.data!.breakoutGroup.notes);
    expect(text).not.toContain(amina.displayName);
    expect(text).not.toContain('education');
    const forFacilitator = await t.ok<{ breakoutGroup: Group }>(GROUP, { id: group.id }, s.facilitator.token);
    expect(forFacilitator.breakoutGroup.notes[0].author?.displayName).toBe(amina.displayName);
  });
});

interface BreakoutFixture extends Actors {
  sessionId: string;
  groupId: string | null;
}

/** A group with the MEMBER placed in it (so MEMBER reads it; the other roles are not in it). */
async function withGroup(t: TestApp, f: BreakoutFixture) {
  const { createBreakouts } = await t.ok<{ createBreakouts: { id: string }[] }>(
    CREATE,
    { input: { sessionId: f.sessionId, groups: [{ name: 'G', membershipIds: [f.memberships.MEMBER!] }] } },
    f.tokens.FACILITATOR,
  );
  f.groupId = createBreakouts[0].id;
}

const groupCount = (t: TestApp, f: BreakoutFixture) =>
  t.dataSource.getRepository(BreakoutGroupEntity).countBy({ sessionId: f.sessionId });

const BREAKOUT_OPERATIONS: RoleOperation<BreakoutFixture>[] = [
  {
    name: 'assignBreakouts',
    // MEMBER reads the session but may not split it; guests were not granted it; observers are not admitted.
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN', ...OUTSIDERS }, 'NOT_FOUND'),
    run: (t, f, token) => t.gql(ASSIGN, { input: { sessionId: f.sessionId, groupCount: 1 } }, token),
    state: groupCount,
  },
  {
    name: 'breakoutGroup',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok' }, 'NOT_FOUND'),
    prepare: withGroup,
    run: (t, f, token) => t.gql(GROUP, { id: f.groupId }, token),
  },
  {
    name: 'addBreakoutNote',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok' }, 'NOT_FOUND'),
    prepare: withGroup,
    run: (t, f, token) => t.gql(NOTE, { input: { groupId: f.groupId, body: 'A note' } }, token),
    state: (t, f) =>
      t.dataSource.query('SELECT count(*)::int AS n FROM breakout_notes WHERE group_id = $1', [f.groupId]),
  },
  {
    name: 'createBreakouts',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN', ...OUTSIDERS }, 'NOT_FOUND'),
    run: (t, f, token) =>
      t.gql(
        CREATE,
        { input: { sessionId: f.sessionId, groups: [{ name: 'G', membershipIds: [f.memberships.MEMBER] }] } },
        token,
      ),
    state: groupCount,
  },
  {
    name: 'reportBack',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok' }, 'NOT_FOUND'),
    prepare: withGroup,
    run: (t, f, token) => t.gql(REPORT, { input: { groupId: f.groupId, summary: 'Pool budgets' } }, token),
    state: (t, f) => t.dataSource.getRepository(BreakoutGroupEntity).findOneByOrFail({ id: f.groupId! }),
  },
  {
    name: 'moveToBreakout',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, 'NOT_FOUND'),
    prepare: withGroup,
    run: (t, f, token) =>
      t.gql(MOVE, { input: { groupId: f.groupId, membershipId: f.memberships.FACILITATOR } }, token),
    state: (t, f) => t.dataSource.getRepository(BreakoutMemberEntity).countBy({ groupId: f.groupId! }),
  },
];

roleTable('breakout operations by role', BREAKOUT_OPERATIONS, async (t) => {
  const actors = await actorsIn(t);
  const facilitator = await t.dataSource
    .getRepository(MembershipEntity)
    .findOneByOrFail({ id: actors.memberships.FACILITATOR! });
  const session = await t.dataSource.getRepository(SessionEntity).save({
    cohortId: actors.cohortId,
    title: 'Clinic',
    abstract: 'Live',
    startsAt: new Date(Date.now() - 600_000),
    endsAt: new Date(Date.now() + 3_000_000),
    state: SessionState.LIVE,
    createdById: facilitator.userId,
  });
  await t.dataSource.getRepository(SessionRsvpEntity).save({
    cohortId: actors.cohortId,
    sessionId: session.id,
    membershipId: actors.memberships.MEMBER!,
    status: RsvpStatus.GOING,
  });
  return { ...actors, sessionId: session.id, groupId: null };
});
