/**
 * Attacks on the expertise directory, "who could help", askForHelp and notifications: as a vendor,
 * an observer, a scholar, a member of another cohort, the platform admin, a removed or expired
 * member, and a member under the ANONYMOUS attribution rule trying to learn who was asked.
 *
 * The cases under "holes" were leaks under ANONYMOUS (fixed: suggestions carry nothing the directory
 * could match back to a person); the others held from the start.
 */
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { ratifyPolicy } from './harness/charter.js';
import { adminToken, newCohort, newMember, newSpace, newThread, type TestMember } from './harness/factories.js';
import { eventually, openSockets, settle } from './harness/sockets.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

const UPDATE = `mutation ($input: UpdateProfileInput!) { updateMyProfile(input: $input) {
  membership { id } areas { code } expertiseNotes updatedAt } }`;
const DIRECTORY = `query ($cohortId: ID!, $query: String, $area: String, $language: String) {
  expertiseDirectory(cohortId: $cohortId, query: $query, area: $area, language: $language, first: 50) {
    edges { node {
      membership { id role accessExpiresAt acceptedCharterVersion grantedSpaceIds grantedSessionIds
        user { id displayName email } }
      areas { code } expertiseNotes experience languages } } } }`;
const WHO = `query ($threadId: ID, $needId: ID, $first: Int) {
  whoCouldHelp(threadId: $threadId, needId: $needId, first: $first) {
    id score alreadyAsked matchedAreas { code } member { id } } }`;
const ASK = 'mutation ($input: AskForHelpInput!) { askForHelp(input: $input) }';
const NOTIFICATIONS = `query { notifications(first: 50) { edges { node { id cohortId kind targetKind targetId readAt } } } }`;
const MARK_READ =
  'mutation ($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { id readAt } }';
const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const SUBMIT_NEED = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { id } }';
const REMOVE = 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }';

interface Suggestion {
  id: string;
  score: number;
  alreadyAsked: boolean;
  matchedAreas: { code: string }[];
  member: { id: string } | null;
}

interface DirectoryNode {
  membership: {
    id: string;
    role: string;
    accessExpiresAt: string | null;
    acceptedCharterVersion: number | null;
    grantedSpaceIds: string[];
    grantedSessionIds: string[];
    user: { id: string; displayName: string; email: string | null };
  };
  areas: { code: string }[];
}

/** The vocabulary areas the fixture's thread speaks of ("procurement", "tender"). */
const THREAD_AREAS = ['procurement'];

const profile = (t: TestApp, who: TestMember, cohortId: string, input: Record<string, unknown>) =>
  t.ok(
    UPDATE,
    { input: { cohortId, expertiseNotes: '', experience: [], languages: [], areas: [], ...input } },
    who.token,
  );

const who = async (t: TestApp, vars: Record<string, unknown>, token: string) =>
  (await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, vars, token)).whoCouldHelp;

const directory = async (t: TestApp, cohortId: string, token: string, filter: Record<string, string> = {}) =>
  (
    await t.ok<{ expertiseDirectory: { edges: { node: DirectoryNode }[] } }>(DIRECTORY, { cohortId, ...filter }, token)
  ).expertiseDirectory.edges.map((e) => e.node);

const notificationCount = async (t: TestApp, cohortId: string) =>
  (
    await t.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM notifications WHERE cohort_id = $1',
      [cohortId],
    )
  )[0].count;

describe('attacks on expertise, who could help and notifications', () => {
  let t: TestApp;
  const sockets = openSockets(() => t);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function world() {
    const cohortId = (await newCohort(t)).id;
    const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'planning' });
    const asker = await newMember(t, cohortId, { ministry: 'education' });
    const procurer = await newMember(t, cohortId, { ministry: 'finance', country: 'GH' });
    const teacher = await newMember(t, cohortId, { ministry: 'education', country: 'RW' });
    const wordsOnly = await newMember(t, cohortId, { ministry: 'ict', country: 'KE' });
    const curious = await newMember(t, cohortId, { ministry: 'education' });
    const scholar = await newMember(t, cohortId, { role: 'SCHOLAR' });
    const vendor = await newMember(t, cohortId, { role: 'VENDOR' });
    const observer = await newMember(t, cohortId, { role: 'OBSERVER' });
    const removed = await newMember(t, cohortId, { status: 'REMOVED' });
    const expired = await newMember(t, cohortId, { accessExpiresAt: new Date(Date.now() - 60_000) });
    await profile(t, asker, cohortId, { areas: ['curriculum'] });
    await profile(t, procurer, cohortId, {
      areas: ['procurement', 'budgeting'],
      experience: ['led national device procurement, 2021'],
    });
    await profile(t, teacher, cohortId, { areas: ['curriculum', 'teacher-workforce'] });
    await profile(t, wordsOnly, cohortId, { expertiseNotes: 'Framework agreements for tablets and their maintenance' });
    const otherCohort = (await newCohort(t)).id;
    const stranger = await newMember(t, otherCohort, { role: 'FACILITATOR', ministry: 'finance' });
    await profile(t, stranger, otherCohort, { areas: ['procurement'] });
    const spaceId = await newSpace(t, cohortId, facilitator);
    const threadId = await newThread(t, spaceId, asker, {
      title: 'Tablet procurement for schools',
      body: 'How did you run the tender, and who paid for maintenance of the tablets?',
    });
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: scholar.membershipId }, { grantedSpaceIds: [spaceId] });
    return {
      cohortId,
      otherCohort,
      facilitator,
      asker,
      procurer,
      teacher,
      wordsOnly,
      curious,
      scholar,
      vendor,
      observer,
      removed,
      expired,
      stranger,
      spaceId,
      threadId,
    };
  }
  type World = Awaited<ReturnType<typeof world>>;

  const anonymous = (w: World) =>
    ratifyPolicy(
      t,
      w.cohortId,
      w.facilitator,
      [w.asker, w.procurer, w.teacher, w.curious],
      { attribution: 'ANONYMOUS' },
      [w.wordsOnly],
    );

  /** The asker asks the procurer (the first suggestion, the one tagged procurement). */
  async function askProcurer(w: World): Promise<void> {
    // Under ANONYMOUS the asker cannot tell which suggestion is the procurer: they ask them all.
    const seen = await who(t, { threadId: w.threadId }, w.asker.token);
    await t.ok(ASK, { input: { threadId: w.threadId, suggestionIds: seen.map((s) => s.id) } }, w.asker.token);
    const got = await t.ok<{ notifications: { edges: unknown[] } }>(NOTIFICATIONS, {}, w.procurer.token);
    expect(got.notifications.edges).toHaveLength(1);
  }

  describe('holes', () => {
    it('ANONYMOUS: alreadyAsked, with the directory, tells members and facilitators WHO was asked', async () => {
      const w = await world();
      await anonymous(w);
      await askProcurer(w);
      for (const viewer of [w.curious, w.facilitator]) {
        const seen = await who(t, { threadId: w.threadId }, viewer.token);
        expect(seen.every((s) => s.member === null)).toBe(true);
        // The attacker's reasoning: the asked suggestion matched these areas; who in the directory tagged them?
        const people = await directory(t, w.cohortId, viewer.token);
        const asked = seen.filter((s) => s.alreadyAsked);
        const pinned = asked.map((s) => {
          const codes = s.matchedAreas.map((a) => a.code).sort();
          const fits = people.filter(
            (p) =>
              p.membership.id !== viewer.membershipId &&
              JSON.stringify(
                p.areas
                  .map((a) => a.code)
                  .filter((c) => THREAD_AREAS.includes(c))
                  .sort(),
              ) === JSON.stringify(codes),
          );
          return fits.length === 1 ? fits[0].membership.id : null;
        });
        // Today: pinned === [procurer.membershipId] — "the finance official from GH was asked about this thread".
        // Nobody but the asker may learn whom they asked: under ANONYMOUS the viewer must not be able to pin it.
        expect(pinned).not.toContain(w.procurer.membershipId);
      }
    });

    it('ANONYMOUS: member: null is cosmetic, matchedAreas single out the suggested expert in the directory', async () => {
      const w = await world();
      await anonymous(w);
      const seen = await who(t, { threadId: w.threadId }, w.curious.token);
      const people = await directory(t, w.cohortId, w.curious.token);
      const top = seen[0];
      expect(top.member).toBeNull();
      const codes = JSON.stringify(top.matchedAreas.map((a) => a.code).sort());
      const consistent = people.filter(
        (p) =>
          p.membership.id !== w.curious.membershipId &&
          JSON.stringify(
            p.areas
              .map((a) => a.code)
              .filter((c) => THREAD_AREAS.includes(c))
              .sort(),
          ) === codes,
      );
      // Today exactly one person fits (the procurer): the suggestion names them after all.
      expect(consistent.map((p) => p.membership.id)).not.toEqual([w.procurer.membershipId]);
      expect(consistent.length).toBeGreaterThan(1);
    });

    it('ANONYMOUS: twins with equal profiles cannot be told apart by order, score or areas', async () => {
      const w = await world();
      // Two experts with identical profiles: even matchedAreas and score cannot tell them apart.
      const twin = await newMember(t, w.cohortId, { ministry: 'finance' });
      await t.ok(
        UPDATE,
        {
          input: {
            cohortId: w.cohortId,
            areas: ['procurement', 'budgeting'],
            experience: ['led national device procurement, 2021'],
            expertiseNotes: '',
            languages: [],
          },
        },
        twin.token,
      );
      await ratifyPolicy(
        t,
        w.cohortId,
        w.facilitator,
        [w.asker, w.procurer, w.teacher, w.curious, twin],
        { attribution: 'ANONYMOUS' },
        [w.wordsOnly],
      );
      const seen = await who(t, { threadId: w.threadId }, w.asker.token);
      // Nothing orders the suggestions by person: they come in the order of the asker's own ids,
      // with no score or areas to tell twins (or anyone) apart.
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen.map((s) => s.id)).toEqual(seen.map((s) => s.id).sort());
      expect(seen.every((s) => s.score === 0 && s.matchedAreas.length === 0 && s.member === null)).toBe(true);
      // Another asker gets other ids for the same people, so the order does not carry across askers.
      const forOther = await who(t, { threadId: w.threadId }, w.teacher.token);
      expect(forOther.map((s) => s.id).filter((id) => seen.some((x) => x.id === id))).toEqual([]);
    });
  });

  describe('who may use it (holds)', () => {
    it('askForHelp from guests, strangers, the admin, removed and expired members notifies nobody', async () => {
      const w = await world();
      const [first] = await who(t, { threadId: w.threadId }, w.asker.token);
      const admin = await adminToken(t);
      const outcomes: Record<string, string | undefined> = {};
      for (const [name, token] of [
        ['scholar', w.scholar.token],
        ['vendor', w.vendor.token],
        ['observer', w.observer.token],
        ['stranger', w.stranger.token],
        ['admin', admin],
        ['removed', w.removed.token],
        ['expired', w.expired.token],
      ] as const) {
        outcomes[name] = await t.errorCode(ASK, { input: { threadId: w.threadId, suggestionIds: [first.id] } }, token);
        outcomes[`${name} whoCouldHelp`] = await t.errorCode(WHO, { threadId: w.threadId }, token);
        outcomes[`${name} updateMyProfile`] = await t.errorCode(
          UPDATE,
          { input: { cohortId: w.cohortId, areas: ['procurement'], experience: [], languages: [] } },
          token,
        );
      }
      for (const [name, code] of Object.entries(outcomes)) {
        expect([name, ['FORBIDDEN', 'NOT_FOUND'].includes(code ?? '')]).toEqual([name, true]);
      }
      // Those who cannot read the thread cannot tell it from a missing one.
      for (const name of ['vendor', 'stranger', 'admin', 'removed', 'expired'])
        expect(outcomes[name]).toBe('NOT_FOUND');
      expect(await notificationCount(t, w.cohortId)).toBe(0);
      const profiles = await t.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM member_profiles WHERE cohort_id = $1',
        [w.cohortId],
      );
      expect(profiles[0].count).toBe(4);
    });

    it('the directory: guests and the admin see nobody, outsiders NOT_FOUND, members no emails or windows', async () => {
      const w = await world();
      const admin = await adminToken(t);
      for (const token of [w.scholar.token, w.vendor.token, w.observer.token, admin]) {
        const res = await t.gql<{ expertiseDirectory: { edges: unknown[] } }>(
          DIRECTORY,
          { cohortId: w.cohortId },
          token,
        );
        expect(res.errors).toBeUndefined();
        expect(res.data!.expertiseDirectory.edges).toEqual([]);
      }
      for (const token of [w.stranger.token, w.removed.token, w.expired.token]) {
        expect(await t.errorCode(DIRECTORY, { cohortId: w.cohortId }, token)).toBe('NOT_FOUND');
      }
      // A facilitator with an access window, seen by a member.
      const windowed = await newMember(t, w.cohortId, {
        role: 'FACILITATOR',
        accessExpiresAt: new Date(Date.now() + 86_400_000),
      });
      const nodes = await directory(t, w.cohortId, w.curious.token);
      expect(nodes.map((n) => n.membership.id)).toContain(windowed.membershipId);
      expect(nodes.every((n) => ['FACILITATOR', 'MEMBER'].includes(n.membership.role))).toBe(true);
      for (const n of nodes.filter((n) => n.membership.id !== w.curious.membershipId)) {
        expect(n.membership).toMatchObject({
          accessExpiresAt: null,
          acceptedCharterVersion: null,
          grantedSpaceIds: [],
          grantedSessionIds: [],
          user: { email: null },
        });
      }
      const text = JSON.stringify(nodes);
      for (const gone of [w.removed, w.expired, w.scholar, w.vendor, w.observer, w.stranger]) {
        expect(text).not.toContain(gone.membershipId);
        expect(text).not.toContain(gone.email);
      }
    });

    it('whoCouldHelp on a thread in a space the caller cannot enter is NOT_FOUND, like a missing one', async () => {
      const w = await world();
      const restricted = await t.dataSource.getRepository(SpaceEntity).save({
        cohortId: w.cohortId,
        title: 'Finance only',
        purpose: 'p',
        createdById: w.facilitator.id,
        audienceMinistries: ['finance'],
      });
      const hidden = (
        await t.ok<{ startThread: { id: string } }>(
          START,
          {
            input: {
              spaceId: restricted.id,
              title: 'Budget tender',
              body: 'Procurement of budget tools',
              kind: 'QUESTION',
            },
          },
          w.procurer.token,
        )
      ).startThread.id;
      const hiddenRes = await t.gql(WHO, { threadId: hidden }, w.curious.token);
      const missingRes = await t.gql(WHO, { threadId: '00000000-0000-4000-8000-000000000000' }, w.curious.token);
      expect(hiddenRes.errors?.[0]).toMatchObject({ message: missingRes.errors?.[0].message });
      expect(hiddenRes.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(missingRes.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      // Both arguments: still NOT_FOUND first, never a BAD_USER_INPUT that would say the thread exists.
      expect(await t.errorCode(WHO, { threadId: hidden, needId: hidden }, w.curious.token)).toBe('NOT_FOUND');
      expect(await t.errorCode(ASK, { input: { threadId: hidden, suggestionIds: ['x'] } }, w.curious.token)).toBe(
        'NOT_FOUND',
      );
    });

    it('never suggests, nor lets anyone ask, people who cannot enter the space, are removed or expired', async () => {
      const w = await world();
      const open = await who(t, { threadId: w.threadId }, w.asker.token);
      expect(open.map((s) => s.member?.id)).toContain(w.procurer.membershipId);
      // An education-only thread: the procurer (finance) may not enter it.
      const eduSpace = await newSpace(t, w.cohortId, w.facilitator, ['education']);
      const eduThread = (
        await t.ok<{ startThread: { id: string } }>(
          START,
          { input: { spaceId: eduSpace, title: 'Tablet procurement', body: 'Tender for tablets', kind: 'QUESTION' } },
          w.asker.token,
        )
      ).startThread.id;
      const edu = await who(t, { threadId: eduThread }, w.asker.token);
      expect(edu.map((s) => s.member?.id)).not.toContain(w.procurer.membershipId);
      // Ids from the open thread do not carry over to the restricted one.
      const reuse = await t.gql(ASK, { input: { threadId: eduThread, suggestionIds: [open[0].id] } }, w.asker.token);
      expect(reuse.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'suggestionIds' });
      // A suggestion taken before the expert was removed no longer reaches them.
      await t.ok(REMOVE, { input: { membershipId: w.procurer.membershipId } }, w.facilitator.token);
      const stale = await t.gql(ASK, { input: { threadId: w.threadId, suggestionIds: [open[0].id] } }, w.asker.token);
      expect(stale.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'suggestionIds' });
      const after = await who(t, { threadId: w.threadId }, w.asker.token);
      expect(after.map((s) => s.member?.id)).not.toContain(w.procurer.membershipId);
      // An expired expert with a matching profile is not suggested either.
      const lapsed = await newMember(t, w.cohortId, { ministry: 'finance' });
      await profile(t, lapsed, w.cohortId, { areas: ['procurement'] });
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: lapsed.membershipId }, { accessExpiresAt: new Date(Date.now() - 1000) });
      expect((await who(t, { threadId: w.threadId }, w.asker.token)).map((s) => s.member?.id)).not.toContain(
        lapsed.membershipId,
      );
      expect(await notificationCount(t, w.cohortId)).toBe(0);
    });

    it('suggestion ids do not travel across askers, targets or cohorts', async () => {
      const w = await world();
      const [first] = await who(t, { threadId: w.threadId }, w.asker.token);
      // Another member of the same cohort.
      const byOther = await t.gql(ASK, { input: { threadId: w.threadId, suggestionIds: [first.id] } }, w.curious.token);
      expect(byOther.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      // The same asker, a need instead.
      const needId = (
        await t.ok<{ submitNeed: { id: string } }>(
          SUBMIT_NEED,
          { input: { cohortId: w.cohortId, title: 'Tablet procurement', description: 'tender', theme: 'procurement' } },
          w.asker.token,
        )
      ).submitNeed.id;
      const onNeed = await t.gql(ASK, { input: { needId, suggestionIds: [first.id] } }, w.asker.token);
      expect(onNeed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      // The same account in another cohort, with a thread there.
      const twin = await newMember(t, w.otherCohort, { user: w.asker });
      const otherSpace = await newSpace(t, w.otherCohort, w.stranger);
      const otherThread = (
        await t.ok<{ startThread: { id: string } }>(
          START,
          { input: { spaceId: otherSpace, title: 'Tablet procurement', body: 'tender', kind: 'QUESTION' } },
          twin.token,
        )
      ).startThread.id;
      const across = await t.gql(ASK, { input: { threadId: otherThread, suggestionIds: [first.id] } }, twin.token);
      expect(across.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      // Nor do suggestions in the other cohort name people of this one.
      const there = await who(t, { threadId: otherThread }, twin.token);
      expect(there.map((s) => s.member?.id)).toEqual([w.stranger.membershipId]);
      expect(await notificationCount(t, w.cohortId)).toBe(0);
      expect(await notificationCount(t, w.otherCohort)).toBe(0);
      // The key is never part of any answer.
      const [{ key }] = await t.dataSource.query<{ key: string }[]>(
        'SELECT suggestion_key::text AS key FROM cohorts WHERE id = $1',
        [w.cohortId],
      );
      expect(key).toBeTruthy();
      const everything = JSON.stringify([first, await directory(t, w.cohortId, w.asker.token)]);
      expect(everything).not.toContain(key);
    });
  });

  describe('notifications (holds)', () => {
    it('markNotificationsRead with someone else’s id changes nothing, either way', async () => {
      const w = await world();
      await askProcurer(w);
      const [{ id }] = await t.dataSource.query<{ id: string }[]>('SELECT id FROM notifications WHERE cohort_id = $1', [
        w.cohortId,
      ]);
      const readAt = async () =>
        (
          await t.dataSource.query<{ read_at: Date | null }[]>('SELECT read_at FROM notifications WHERE id = $1', [id])
        )[0].read_at;
      for (const attacker of [w.asker, w.facilitator, w.stranger, w.vendor]) {
        const res = await t.ok<{ markNotificationsRead: unknown[] }>(
          MARK_READ,
          { input: { ids: [id] } },
          attacker.token,
        );
        expect(res.markNotificationsRead).toEqual([]);
      }
      const admin = await adminToken(t);
      expect(
        (await t.ok<{ markNotificationsRead: unknown[] }>(MARK_READ, { input: { ids: [id] } }, admin))
          .markNotificationsRead,
      ).toEqual([]);
      expect(await readAt()).toBeNull();
      await t.ok(MARK_READ, { input: { ids: [id] } }, w.procurer.token);
      expect(await readAt()).not.toBeNull();
      await t.ok(MARK_READ, { input: { ids: [id], unread: true } }, w.asker.token);
      expect(await readAt()).not.toBeNull();
      // Nobody else lists it.
      for (const other of [w.asker, w.facilitator, w.curious, w.stranger]) {
        const mine = await t.ok<{ notifications: { edges: unknown[] } }>(NOTIFICATIONS, {}, other.token);
        expect(mine.notifications.edges).toEqual([]);
      }
    });

    it('a removed or expired recipient no longer lists their notifications', async () => {
      const w = await world();
      await askProcurer(w);
      await t.ok(REMOVE, { input: { membershipId: w.procurer.membershipId } }, w.facilitator.token);
      expect(
        (await t.ok<{ notifications: { edges: unknown[] } }>(NOTIFICATIONS, {}, w.procurer.token)).notifications.edges,
      ).toEqual([]);
      const w2 = await world();
      await askProcurer(w2);
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: w2.procurer.membershipId }, { accessExpiresAt: new Date(Date.now() - 1000) });
      expect(
        (await t.ok<{ notifications: { edges: unknown[] } }>(NOTIFICATIONS, {}, w2.procurer.token)).notifications.edges,
      ).toEqual([]);
    });

    it('notification.created reaches the recipient alone, live and on replay with since, and not after removal', async () => {
      const w = await world();
      const topic = `cohort:${w.cohortId}`;
      const live = await Promise.all(
        [w.procurer, w.curious, w.facilitator, w.asker].map((m) => sockets.connect(m.token)),
      );
      for (const s of live) expect(await s.subscribe(topic)).toEqual({ ok: true });
      await askProcurer(w);
      await eventually(() => live[0].of(topic, 'notification.created').length === 1);
      await settle();
      for (const s of live.slice(1)) expect(s.of(topic, 'notification.created')).toEqual([]);
      // Replays from the start of the topic.
      const replayOther = await sockets.connect(w.curious.token);
      expect(await replayOther.subscribe(topic, 0)).toEqual({ ok: true });
      const replayMine = await sockets.connect(w.procurer.token);
      expect(await replayMine.subscribe(topic, 0)).toEqual({ ok: true });
      await eventually(() => replayMine.of(topic, 'notification.created').length === 1);
      await settle();
      expect(replayOther.of(topic, 'notification.created')).toEqual([]);
      // Removed: no replay, no subscription.
      await t.ok(REMOVE, { input: { membershipId: w.procurer.membershipId } }, w.facilitator.token);
      const afterRemoval = await sockets.connect(w.procurer.token);
      const ack = await afterRemoval.subscribe(topic, 0);
      expect(ack.ok).toBe(false);
      await settle();
      expect(afterRemoval.of(topic, 'notification.created')).toEqual([]);
    });
  });

  describe('cohort stages (holds)', () => {
    it('an ARCHIVED cohort takes no profile and no request for help', async () => {
      const w = await world();
      const [first] = await who(t, { threadId: w.threadId }, w.asker.token);
      await t.dataSource.query(
        "UPDATE cohorts SET status = 'ARCHIVED', concluded_at = now(), archived_at = now() WHERE id = $1",
        [w.cohortId],
      );
      const ask = await t.gql(ASK, { input: { threadId: w.threadId, suggestionIds: [first.id] } }, w.asker.token);
      expect(ask.errors?.[0].extensions?.code).toBe('CONFLICT');
      const upd = await t.gql(
        UPDATE,
        { input: { cohortId: w.cohortId, areas: ['budgeting'], experience: [], languages: [] } },
        w.curious.token,
      );
      expect(upd.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(await notificationCount(t, w.cohortId)).toBe(0);
      const [{ count }] = await t.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM member_profiles WHERE membership_id = $1',
        [w.curious.membershipId],
      );
      expect(count).toBe(0);
    });

    it('a CONCLUDED cohort takes no request for help outside its alumni space', async () => {
      const w = await world();
      const [first] = await who(t, { threadId: w.threadId }, w.asker.token);
      await t.dataSource.query("UPDATE cohorts SET status = 'CONCLUDED', concluded_at = now() WHERE id = $1", [
        w.cohortId,
      ]);
      const ask = await t.gql(ASK, { input: { threadId: w.threadId, suggestionIds: [first.id] } }, w.asker.token);
      expect(ask.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(await notificationCount(t, w.cohortId)).toBe(0);
    });
  });

  describe('hostile text (holds)', () => {
    it('tsquery operators, quotes, SQL and very long words in a thread neither break nor bend the query', async () => {
      const w = await world();
      const bodies = [
        "procurement')) OR 1=1; DROP TABLE member_profiles; -- & | ! <-> :* \\ '' \"tender\"",
        `tender ${'a'.repeat(19_000)} maintenance`,
        'procurement&tender|!maintenance:*<2>(tablets)',
        Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' '),
        'ʼʼʼʼ ½½½½ ²²²² ⅧⅧⅧⅧ ǅǅǅǅ 𝔭𝔯𝔬𝔠𝔲𝔯𝔢𝔪𝔢𝔫𝔱 ＴＥＮＤＥＲ tender',
      ];
      for (const body of bodies) {
        const threadId = (
          await t.ok<{ startThread: { id: string } }>(
            START,
            { input: { spaceId: w.spaceId, title: 'Hostile', body, kind: 'QUESTION' } },
            w.asker.token,
          )
        ).startThread.id;
        const started = Date.now();
        const res = await t.gql<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId }, w.asker.token);
        expect([body.slice(0, 30), res.errors]).toEqual([body.slice(0, 30), undefined]);
        expect(Date.now() - started).toBeLessThan(5000);
        // Only matching, in-cohort, non-asker people.
        const ids = res.data!.whoCouldHelp.map((s) => s.member?.id);
        expect(ids).not.toContain(w.asker.membershipId);
        expect(ids).not.toContain(w.stranger.membershipId);
        expect(ids).not.toContain(w.curious.membershipId);
      }
      for (const query of ["') OR 1=1 --", 'procurement & | ! :*', 'x'.repeat(200)]) {
        const res = await t.gql(DIRECTORY, { cohortId: w.cohortId, query }, w.curious.token);
        expect(res.errors).toBeUndefined();
      }
      const res = await t.gql(DIRECTORY, { cohortId: w.cohortId, query: 'x'.repeat(201) }, w.curious.token);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const [{ count }] = await t.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM member_profiles WHERE cohort_id = $1',
        [w.cohortId],
      );
      expect(count).toBe(4);
    });
  });
});
