import ICAL from 'ical.js';
import { adminToken, newCohort, newMember, type TestMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

const SCHEDULE = `mutation ($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }`;
const SET_STATE = 'mutation ($input: SetSessionStateInput!) { setSessionState(input: $input) { id state } }';
const CREATE_FEED = 'mutation ($cohortId: ID!) { createCalendarFeed(cohortId: $cohortId) { url createdAt } }';
const REVOKE_FEED = 'mutation ($cohortId: ID!) { revokeCalendarFeed(cohortId: $cohortId) }';
const REMOVE = 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }';
const INVITE = 'mutation ($input: InviteInput!) { invite(input: $input) { token } }';
const ACCEPT_INVITATION = 'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token } }';
const ACCEPT_CHARTER = 'mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { id } }';

const HOUR = 3_600_000;
/** Commas, semicolons and line breaks must survive as text, not start new content lines. */
const COHORT_NAME = 'Digital reform, East; 2031\r\nX-INJECTED:1';

interface ParsedEvent {
  uid: string;
  summary: string;
  description: string;
  status: string;
  start: string;
  end: string;
  /** The DTSTART value as written on the wire. */
  rawStart: string;
}

function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const events: ParsedEvent[] = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      status: String(vevent.getFirstPropertyValue('status')),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      rawStart: event.startDate.toString(),
    };
  });
  return {
    prodid: calendar.getFirstPropertyValue('prodid'),
    name: calendar.getFirstPropertyValue('x-wr-calname'),
    events,
  };
}

describe('per-member iCalendar feed', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t, COHORT_NAME)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR' });
  });
  afterAll(() => t.close());

  async function schedule(lead: TestMember, cohort: string, input: Record<string, unknown> = {}): Promise<string> {
    const startsAt = Math.floor((t.clock.now().getTime() + 24 * HOUR) / 1000) * 1000;
    const data = await t.ok<{ scheduleSession: { id: string } }>(
      SCHEDULE,
      {
        input: {
          cohortId: cohort,
          title: 'A session',
          abstract: 'About it',
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(startsAt + HOUR).toISOString(),
          ...input,
        },
      },
      lead.token,
    );
    return data.scheduleSession.id;
  }

  async function feedUrl(who: TestMember, cohort = cohortId): Promise<string> {
    return (await t.ok<{ createCalendarFeed: { url: string } }>(CREATE_FEED, { cohortId: cohort }, who.token))
      .createCalendarFeed.url;
  }

  const get = (url: string) => t.http().get(url);
  const uids = async (url: string) => {
    const res = await get(url);
    expect(res.status).toBe(200);
    return parseFeed(res.text)
      .events.map((event) => event.uid)
      .sort();
  };
  const at = (...ids: string[]) => ids.map((id) => `${id}@convene`).sort();

  it('holds exactly the sessions each viewer may see, and none of another cohort', async () => {
    const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
    const member = await newMember(t, cohortId);
    const granted = await schedule(facilitator, cohortId, { expertMembershipIds: [vendor.membershipId] });
    const membersOnly = await schedule(facilitator, cohortId);
    // The member also belongs to another cohort: its sessions stay out of this cohort's feed.
    const other = (await newCohort(t)).id;
    const otherLead = await newMember(t, other, { role: 'FACILITATOR' });
    await newMember(t, other, { user: member });
    const foreign = await schedule(otherLead, other);

    const all = await t.dataSource.query<{ id: string }[]>('SELECT id FROM sessions WHERE cohort_id = $1', [cohortId]);
    const memberSees = await uids(await feedUrl(member));
    expect(memberSees).toEqual(at(...all.map((row) => row.id)));
    expect(memberSees).toEqual(expect.arrayContaining(at(granted, membersOnly)));
    expect(await uids(await feedUrl(vendor))).toEqual(at(granted));
    expect(await uids(await feedUrl(member, other))).toEqual(at(foreign));
  });

  it('serves text/calendar, never cached, exact UTC times, and text that cannot break out of its line', async () => {
    const member = await newMember(t, cohortId);
    const id = await schedule(facilitator, cohortId, {
      title: 'Costing, school; meals',
      abstract: 'Line one\r\nLine two\rBEGIN:VEVENT',
      startsAt: '2031-03-04T05:06:07Z',
      endsAt: '2031-03-04T06:36:07Z',
      timeZone: 'Africa/Nairobi',
    });
    const res = await get(await feedUrl(member));
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, no-store');
    const feed = parseFeed(res.text);
    expect(feed).toMatchObject({
      prodid: '-//Convene//Sessions//EN',
      name: 'Digital reform, East; 2031\nX-INJECTED:1',
    });
    expect(res.text).not.toMatch(/^X-INJECTED/m);
    expect(feed.events.find((event) => event.uid === `${id}@convene`)).toEqual({
      uid: `${id}@convene`,
      summary: 'Costing, school; meals',
      description: 'Line one\nLine two\nBEGIN:VEVENT',
      status: 'CONFIRMED',
      start: '2031-03-04T05:06:07.000Z',
      end: '2031-03-04T06:36:07.000Z',
      rawStart: '2031-03-04T05:06:07Z',
    });
    expect(res.text).toContain('\r\nDTSTART:20310304T050607Z\r\n');
  });

  it('marks a cancelled session CANCELLED and leaves out sessions over for more than 90 days', async () => {
    const member = await newMember(t, cohortId);
    const cancelled = await schedule(facilitator, cohortId);
    await t.ok(SET_STATE, { input: { sessionId: cancelled, state: 'CANCELLED' } }, facilitator.token);
    const old = await schedule(facilitator, cohortId);
    await t.dataSource.query(
      "UPDATE sessions SET starts_at = now() - interval '92 days', ends_at = now() - interval '91 days' WHERE id = $1",
      [old],
    );
    const events = parseFeed((await get(await feedUrl(member))).text).events;
    expect(events.find((event) => event.uid === `${cancelled}@convene`)?.status).toBe('CANCELLED');
    expect(events.map((event) => event.uid)).not.toContain(`${old}@convene`);
  });

  it('kills the old URL when the feed is made again, and any URL once revoked', async () => {
    const member = await newMember(t, cohortId);
    const first = await feedUrl(member);
    const second = await feedUrl(member);
    expect(first).toMatch(/^\/calendar\/cal_[\w-]{43}\.ics$/);
    expect(second).not.toBe(first);
    expect((await get(first)).status).toBe(404);
    expect((await get(second)).status).toBe(200);

    const revoke = () => t.ok<{ revokeCalendarFeed: boolean }>(REVOKE_FEED, { cohortId }, member.token);
    expect(await revoke()).toEqual({ revokeCalendarFeed: true });
    expect(await revoke()).toEqual({ revokeCalendarFeed: true });
    expect((await get(second)).status).toBe(404);
    const audit = await t.dataSource.query<{ action: string }[]>(
      'SELECT action FROM audit_entries WHERE subject_id = $1 ORDER BY at',
      [member.membershipId],
    );
    expect(audit.map((row) => row.action)).toEqual([
      'calendar_feed.created',
      'calendar_feed.created',
      'calendar_feed.revoked',
    ]);
  });

  it('answers 404 once the member is removed, and still after they are invited back', async () => {
    const member = await newMember(t, cohortId);
    const url = await feedUrl(member);
    await t.ok(REMOVE, { input: { membershipId: member.membershipId } }, facilitator.token);
    const gone = await get(url);
    expect([gone.status, gone.headers['content-type'], gone.text]).toEqual([
      404,
      'text/plain; charset=utf-8',
      'Calendar feed not found\n',
    ]);

    const invite = { cohortId, email: member.email, role: 'MEMBER', ministry: 'education', country: 'KE' };
    const { invite: invitation } = await t.ok<{ invite: { token: string } }>(
      INVITE,
      { input: invite },
      facilitator.token,
    );
    await t.ok(ACCEPT_INVITATION, { input: { token: invitation.token } }, member.token);
    await t.ok(ACCEPT_CHARTER, { input: { cohortId, version: 1 } }, member.token);
    expect((await get(url)).status).toBe(404);
    expect((await get(await feedUrl(member))).status).toBe(200);
  });

  it('answers 404 once the access window has closed', async () => {
    const member = await newMember(t, cohortId, { accessExpiresAt: new Date(t.clock.now().getTime() + HOUR) });
    const url = await feedUrl(member);
    expect((await get(url)).status).toBe(200);
    t.clock.advance(HOUR + 1000);
    try {
      expect((await get(url)).status).toBe(404);
    } finally {
      t.clock.set(null);
    }
    expect((await get(url)).status).toBe(200);
  });

  it('answers 404 while the member has not accepted the charter in force', async () => {
    const member = await newMember(t, cohortId);
    const url = await feedUrl(member);
    await t.dataSource.query('UPDATE memberships SET accepted_charter_version = 0 WHERE id = $1', [
      member.membershipId,
    ]);
    expect((await get(url)).status).toBe(404);
    expect(await t.errorCode(CREATE_FEED, { cohortId }, member.token)).toBe('CHARTER_NOT_ACCEPTED');
    await t.ok(ACCEPT_CHARTER, { input: { cohortId, version: 1 } }, member.token);
    expect((await get(url)).status).toBe(200);
  });

  it('gives outsiders NOT_FOUND, the platform admin FORBIDDEN, and stores no feed for them', async () => {
    const outsider = await newMember(t, (await newCohort(t)).id);
    const removed = await newMember(t, cohortId, { status: 'REMOVED' });
    expect(await t.errorCode(CREATE_FEED, { cohortId }, outsider.token)).toBe('NOT_FOUND');
    expect(await t.errorCode(CREATE_FEED, { cohortId }, removed.token)).toBe('NOT_FOUND');
    expect(await t.errorCode(CREATE_FEED, { cohortId: 'not-an-id' }, outsider.token)).toBe('NOT_FOUND');
    expect(await t.errorCode(CREATE_FEED, { cohortId })).toBe('UNAUTHENTICATED');
    // The platform admin reads the cohort but is no member of it.
    expect(await t.errorCode(CREATE_FEED, { cohortId }, await adminToken(t))).toBe('FORBIDDEN');
    const stored = await t.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM calendar_feeds WHERE membership_id = ANY($1)',
      [[outsider.membershipId, removed.membershipId]],
    );
    expect(stored[0].n).toBe(0);
  });

  it('answers a plain 404, never a 500, for unknown or malformed secrets', async () => {
    const member = await newMember(t, cohortId);
    const secret = (await feedUrl(member)).slice('/calendar/'.length, -'.ics'.length);
    const unknown = `cal_${'A'.repeat(43)}`;
    const paths = [
      `/calendar/${unknown}.ics`,
      `/calendar/${secret}`,
      `/calendar/${secret}.ics.ics`,
      `/calendar/${secret.toUpperCase()}.ics`,
      '/calendar/garbage.ics',
      '/calendar/.ics',
      `/calendar/${'x'.repeat(5000)}.ics`,
      '/calendar/%00%27%3B--.ics',
      `/calendar/${encodeURIComponent(`${secret}\n`)}.ics`,
    ];
    for (const path of paths) {
      const res = await get(path);
      expect([path, res.status, res.text]).toEqual([path, 404, 'Calendar feed not found\n']);
    }
    // Broken percent-encoding is refused by the router before any handler runs: a 400, not a 500.
    expect((await get('/calendar/%E0%A4%A.ics')).status).toBe(400);
    expect((await get(`/calendar/${secret}.ics`)).status).toBe(200);
  });
});
