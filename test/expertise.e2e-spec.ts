import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { SessionEntity } from '../src/sessions/session.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { ratifyPolicy } from './harness/charter.js';
import { newCohort, newMember, newSpace, newThread, type TestMember } from './harness/factories.js';
import { type Actors, actorsIn, OUTSIDERS, type RoleOperation, row, roleTable } from './harness/role-table.js';
import { eventually, openSockets, settle } from './harness/sockets.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

const UPDATE = `mutation ($input: UpdateProfileInput!) { updateMyProfile(input: $input) {
  membership { id } areas { code name } expertiseNotes experience languages updatedAt } }`;
const DIRECTORY = `query ($cohortId: ID!, $query: String, $area: String, $language: String) {
  expertiseDirectory(cohortId: $cohortId, query: $query, area: $area, language: $language) {
    edges { node { membership { id user { displayName } } areas { code } experience languages } } } }`;
const WHO = `query ($threadId: ID, $needId: ID) { whoCouldHelp(threadId: $threadId, needId: $needId) {
  id score alreadyAsked matchedAreas { code } member { id ministry user { displayName } } } }`;
const ASK = 'mutation ($input: AskForHelpInput!) { askForHelp(input: $input) }';
const NOTIFICATIONS = `query { notifications { edges { node { id cohortId kind targetKind targetId readAt } } } }`;
const MARK_READ =
  'mutation ($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { id readAt } }';
const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const SUBMIT_NEED = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { id } }';

interface Suggestion {
  id: string;
  score: number;
  alreadyAsked: boolean;
  matchedAreas: { code: string }[];
  member: { id: string; ministry: string; user: { displayName: string } } | null;
}

const profile = (t: TestApp, who: TestMember, cohortId: string, input: Record<string, unknown>) =>
  t.ok(
    UPDATE,
    { input: { cohortId, expertiseNotes: '', experience: [], languages: [], areas: [], ...input } },
    who.token,
  );

describe('the expertise directory and who could help', () => {
  let t: TestApp;
  const sockets = openSockets(() => t);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A cohort of experts with profiles, a thread on procurement, and people who must never be suggested. */
  async function programme() {
    const cohortId = (await newCohort(t)).id;
    const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'planning' });
    const asker = await newMember(t, cohortId, { ministry: 'education' });
    const procurer = await newMember(t, cohortId, { ministry: 'finance', country: 'GH' });
    const teacher = await newMember(t, cohortId, { ministry: 'education', country: 'RW' });
    const wordsOnly = await newMember(t, cohortId, { ministry: 'ict', country: 'KE' });
    const scholar = await newMember(t, cohortId, { role: 'SCHOLAR' });
    const vendor = await newMember(t, cohortId, { role: 'VENDOR' });
    await profile(t, asker, cohortId, { areas: ['procurement'], experience: ['bought laptops for 300 schools'] });
    await profile(t, procurer, cohortId, {
      areas: ['procurement', 'budgeting'],
      experience: ['led national device procurement, 2021'],
      languages: ['en', 'FR'],
    });
    await profile(t, teacher, cohortId, { areas: ['curriculum', 'teacher-workforce'], languages: ['rw', 'en'] });
    await profile(t, wordsOnly, cohortId, { expertiseNotes: 'Framework agreements for tablets and their maintenance' });
    // Elsewhere: a procurement expert of another cohort, who must never be suggested here.
    const otherCohort = (await newCohort(t)).id;
    const stranger = await newMember(t, otherCohort, { ministry: 'finance' });
    await profile(t, stranger, otherCohort, { areas: ['procurement'], experience: ['ran the tablet tender'] });
    const spaceId = await newSpace(t, cohortId, facilitator);
    const threadId = await newThread(t, spaceId, asker, {
      title: 'Tablet procurement for schools',
      body: 'How did you run the tender, and who paid for maintenance of the tablets?',
    });
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: scholar.membershipId }, { grantedSpaceIds: [spaceId] });
    return { cohortId, facilitator, asker, procurer, teacher, wordsOnly, scholar, vendor, stranger, spaceId, threadId };
  }

  describe('profiles and the directory', () => {
    it('lists full members with their profiles, filtered by area, language and words', async () => {
      const p = await programme();
      const list = async (filter: Record<string, string> = {}) =>
        (
          await t.ok<{
            expertiseDirectory: { edges: { node: { membership: { id: string }; areas: { code: string }[] } }[] };
          }>(DIRECTORY, { cohortId: p.cohortId, ...filter }, p.teacher.token)
        ).expertiseDirectory.edges.map((e) => e.node.membership.id);
      // Everyone who may be listed, profile or not; guests are not in the directory.
      expect((await list()).sort()).toEqual(
        [p.facilitator, p.asker, p.procurer, p.teacher, p.wordsOnly].map((m) => m.membershipId).sort(),
      );
      expect((await list({ area: 'procurement' })).sort()).toEqual(
        [p.asker, p.procurer].map((m) => m.membershipId).sort(),
      );
      expect(await list({ language: 'fr' })).toEqual([p.procurer.membershipId]);
      expect(await list({ query: 'maintenance' })).toEqual([p.wordsOnly.membershipId]);
      expect(await list({ query: 'device procurement' })).toEqual([p.procurer.membershipId]);
      const stored = await t.ok<{
        expertiseDirectory: { edges: { node: { languages: string[]; experience: string[] } }[] };
      }>(DIRECTORY, { cohortId: p.cohortId, language: 'fr' }, p.asker.token);
      expect(stored.expertiseDirectory.edges[0].node).toMatchObject({
        languages: ['en', 'fr'],
        experience: ['led national device procurement, 2021'],
      });
    });

    it('refuses a profile outside the vocabulary and keeps the one stored', async () => {
      const p = await programme();
      const bad = await t.gql(
        UPDATE,
        { input: { cohortId: p.cohortId, areas: ['astrology'], experience: [], languages: [] } },
        p.procurer.token,
      );
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'areas' });
      const badLanguage = await t.gql(
        UPDATE,
        { input: { cohortId: p.cohortId, areas: [], experience: [], languages: ['english'] } },
        p.procurer.token,
      );
      expect(badLanguage.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'languages' });
      expect(
        await (async () => {
          const res = await t.ok<{ expertiseDirectory: { edges: { node: { areas: { code: string }[] } }[] } }>(
            DIRECTORY,
            { cohortId: p.cohortId, language: 'fr' },
            p.asker.token,
          );
          return res.expertiseDirectory.edges[0].node.areas.map((a) => a.code);
        })(),
      ).toEqual(['procurement', 'budgeting']);
    });
  });

  describe('who could help', () => {
    it('ranks members whose expertise matches, never the asker, never another cohort', async () => {
      const p = await programme();
      const { whoCouldHelp } = await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId: p.threadId }, p.asker.token);
      expect(whoCouldHelp.map((s) => s.member?.id)).toEqual([p.procurer.membershipId, p.wordsOnly.membershipId]);
      expect(whoCouldHelp[0].matchedAreas.map((a) => a.code)).toEqual(['procurement']);
      expect(whoCouldHelp[0].score).toBeGreaterThan(whoCouldHelp[1].score);
      expect(whoCouldHelp[1].matchedAreas).toEqual([]);
      expect(whoCouldHelp[0].member?.user.displayName).toBe(p.procurer.displayName);
      // The procurer asks about the same thread: the asker (who tagged procurement) is suggested to them.
      const forProcurer = await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId: p.threadId }, p.procurer.token);
      expect(forProcurer.whoCouldHelp.map((s) => s.member?.id)).toContain(p.asker.membershipId);
      expect(forProcurer.whoCouldHelp.map((s) => s.member?.id)).not.toContain(p.procurer.membershipId);
    });

    it('suggests only people who can read the thread', async () => {
      const p = await programme();
      const educationOnly = await t.dataSource.getRepository(SpaceEntity).save({
        cohortId: p.cohortId,
        title: 'Treasury',
        purpose: 'p',
        createdById: p.facilitator.id,
        audienceMinistries: ['education'],
      });
      const threadId = (
        await t.ok<{ startThread: { id: string } }>(
          START,
          {
            input: { spaceId: educationOnly.id, title: 'Device procurement', body: 'Tender advice?', kind: 'QUESTION' },
          },
          p.asker.token,
        )
      ).startThread.id;
      const { whoCouldHelp } = await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId }, p.asker.token);
      // The procurer (finance) cannot enter an education-only space; the facilitator enters every space but
      // wrote no profile; the teacher can enter but does not match.
      expect(whoCouldHelp).toEqual([]);
    });

    it('answers for a need too', async () => {
      const p = await programme();
      const needId = (
        await t.ok<{ submitNeed: { id: string } }>(
          SUBMIT_NEED,
          {
            input: {
              cohortId: p.cohortId,
              title: 'Teacher allowances',
              description: 'Deployment to rural schools',
              theme: 'workforce',
            },
          },
          p.asker.token,
        )
      ).submitNeed.id;
      const { whoCouldHelp } = await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, { needId }, p.asker.token);
      expect(whoCouldHelp.map((s) => s.member?.id)).toEqual([p.teacher.membershipId]);
      expect(whoCouldHelp[0].matchedAreas.map((a) => a.code)).toEqual(['teacher-workforce']);
    });

    it('notifies the expert, never saying who asked, once, and only them', async () => {
      const p = await programme();
      const expertSocket = await sockets.connect(p.procurer.token);
      const askerSocket = await sockets.connect(p.asker.token);
      expect(await expertSocket.subscribe(`cohort:${p.cohortId}`)).toEqual({ ok: true });
      expect(await askerSocket.subscribe(`cohort:${p.cohortId}`)).toEqual({ ok: true });
      const { whoCouldHelp } = await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId: p.threadId }, p.asker.token);
      const asked = await t.ok<{ askForHelp: number }>(
        ASK,
        { input: { threadId: p.threadId, suggestionIds: [whoCouldHelp[0].id] } },
        p.asker.token,
      );
      expect(asked.askForHelp).toBe(1);
      await eventually(() => expertSocket.of(`cohort:${p.cohortId}`, 'notification.created').length === 1);
      const [event] = expertSocket.of(`cohort:${p.cohortId}`, 'notification.created');
      expect(event.payload).toMatchObject({ kind: 'HELP_REQUESTED', targetKind: 'THREAD', targetId: p.threadId });
      const mine = await t.ok<{ notifications: { edges: { node: { id: string; targetId: string } }[] } }>(
        NOTIFICATIONS,
        {},
        p.procurer.token,
      );
      expect(mine.notifications.edges.map((e) => e.node.targetId)).toEqual([p.threadId]);
      // Neither the event nor the list says who asked.
      for (const text of [JSON.stringify(event), JSON.stringify(mine)]) {
        for (const secret of [p.asker.displayName, p.asker.email, p.asker.id, p.asker.membershipId]) {
          expect(text).not.toContain(secret);
        }
      }
      // Asking again changes nothing; the suggestion now says so.
      expect(
        (
          await t.ok<{ askForHelp: number }>(
            ASK,
            { input: { threadId: p.threadId, suggestionIds: [whoCouldHelp[0].id] } },
            p.asker.token,
          )
        ).askForHelp,
      ).toBe(0);
      const again = await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId: p.threadId }, p.asker.token);
      expect(again.whoCouldHelp[0].alreadyAsked).toBe(true);
      await settle();
      expect(askerSocket.of(`cohort:${p.cohortId}`, 'notification.created')).toEqual([]);
      expect(expertSocket.of(`cohort:${p.cohortId}`, 'notification.created')).toHaveLength(1);
      // Read, by its recipient only.
      const id = mine.notifications.edges[0].node.id;
      const byOther = await t.ok<{ markNotificationsRead: unknown[] }>(
        MARK_READ,
        { input: { ids: [id] } },
        p.asker.token,
      );
      expect(byOther.markNotificationsRead).toEqual([]);
      const read = await t.ok<{ markNotificationsRead: { readAt: string | null }[] }>(
        MARK_READ,
        { input: { ids: [id] } },
        p.procurer.token,
      );
      expect(read.markNotificationsRead[0].readAt).not.toBeNull();
    });

    it('refuses a suggestion id it did not give this asker for this thread', async () => {
      const p = await programme();
      const forAsker = (await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId: p.threadId }, p.asker.token))
        .whoCouldHelp;
      const forTeacher = await t.gql(
        ASK,
        { input: { threadId: p.threadId, suggestionIds: [forAsker[0].id] } },
        p.teacher.token,
      );
      expect(forTeacher.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'suggestionIds' });
      const made = await t.gql(ASK, { input: { threadId: p.threadId, suggestionIds: ['made-up'] } }, p.asker.token);
      expect(made.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'suggestionIds' });
      const [{ count }] = await t.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM notifications WHERE cohort_id = $1',
        [p.cohortId],
      );
      expect(count).toBe(0);
    });

    it('under ANONYMOUS names nobody, and the planted names never appear', async () => {
      const p = await programme();
      await ratifyPolicy(t, p.cohortId, p.facilitator, [p.asker, p.procurer, p.teacher], { attribution: 'ANONYMOUS' }, [
        p.wordsOnly,
      ]);
      for (const viewer of [p.asker, p.facilitator]) {
        const res = await t.gql<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId: p.threadId }, viewer.token);
        expect(res.errors).toBeUndefined();
        expect(res.data!.whoCouldHelp.length).toBeGreaterThan(0);
        expect(res.data!.whoCouldHelp.every((s) => s.member === null)).toBe(true);
        const text = JSON.stringify(res);
        for (const expert of [p.procurer, p.wordsOnly, p.teacher]) {
          for (const secret of [expert.displayName, expert.email, expert.id, expert.membershipId]) {
            expect(text).not.toContain(secret);
          }
        }
      }
      // The expert is reached all the same.
      const { whoCouldHelp } = await t.ok<{ whoCouldHelp: Suggestion[] }>(WHO, { threadId: p.threadId }, p.asker.token);
      expect(whoCouldHelp.every((s) => s.score === 0 && s.matchedAreas.length === 0 && !s.alreadyAsked)).toBe(true);
      const asked = await t.ok<{ askForHelp: number }>(
        ASK,
        { input: { threadId: p.threadId, suggestionIds: whoCouldHelp.map((s) => s.id) } },
        p.asker.token,
      );
      expect(asked.askForHelp).toBe(whoCouldHelp.length);
      const got = await t.ok<{ notifications: { edges: { node: { targetId: string } }[] } }>(
        NOTIFICATIONS,
        {},
        p.procurer.token,
      );
      expect(got.notifications.edges.map((e) => e.node.targetId)).toEqual([p.threadId]);
    });

    it('is for full members: a scholar who reads the thread is refused, guests and strangers see nothing', async () => {
      const p = await programme();
      expect(await t.errorCode(WHO, { threadId: p.threadId }, p.scholar.token)).toBe('FORBIDDEN');
      expect(await t.errorCode(WHO, { threadId: p.threadId }, p.vendor.token)).toBe('NOT_FOUND');
      expect(await t.errorCode(WHO, { threadId: p.threadId }, p.stranger.token)).toBe('NOT_FOUND');
      const both = await t.gql(WHO, { threadId: p.threadId, needId: p.threadId }, p.asker.token);
      expect(both.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'needId' });
    });
  });

  describe('named contributors', () => {
    const INVITE = `mutation ($input: InviteContributorInput!) { inviteContributor(input: $input) {
      id title contributor { displayName ministry country } } }`;
    const SESSION_CONTRIBUTIONS = `query ($id: ID!) { session(id: $id) { contributions {
      title contributor { displayName ministry country } } } }`;
    const THREAD_CONTRIBUTIONS = `query ($id: ID!) { thread(id: $id) { contributions {
      title contributor { displayName ministry country } } } }`;
    type Contributions = { title: string; contributor: { displayName: string; ministry: string | null } | null }[];

    async function withSession() {
      const p = await programme();
      const session = await t.dataSource.getRepository(SessionEntity).save({
        cohortId: p.cohortId,
        title: 'Procurement clinic',
        abstract: 'Lessons',
        startsAt: new Date(Date.now() + 86_400_000),
        endsAt: new Date(Date.now() + 90_000_000),
        createdById: p.facilitator.id,
      });
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: p.scholar.membershipId }, { grantedSessionIds: [session.id] });
      await t.dataSource
        .getRepository(MembershipEntity)
        .update({ id: p.vendor.membershipId }, { grantedSessionIds: [session.id] });
      return { ...p, sessionId: session.id };
    }

    it('brings a member into a session segment, notifies them, and shows them as the charter allows', async () => {
      const p = await withSession();
      const made = await t.ok<{ inviteContributor: { title: string; contributor: { displayName: string } } }>(
        INVITE,
        { input: { membershipId: p.procurer.membershipId, sessionId: p.sessionId, title: 'Our framework agreement' } },
        p.facilitator.token,
      );
      expect(made.inviteContributor.contributor.displayName).toBe(p.procurer.displayName);
      const got = await t.ok<{ notifications: { edges: { node: { kind: string; targetId: string } }[] } }>(
        NOTIFICATIONS,
        {},
        p.procurer.token,
      );
      expect(got.notifications.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({ kind: 'CONTRIBUTION_INVITED', targetId: p.sessionId }),
      ]);
      const seenBy = async (who: TestMember) =>
        (
          await t.ok<{ session: { contributions: Contributions } }>(
            SESSION_CONTRIBUTIONS,
            { id: p.sessionId },
            who.token,
          )
        ).session.contributions;
      // CHATHAM_HOUSE: members see who; a scholar sees the segment, not the person; vendors see no outcome.
      expect(await seenBy(p.teacher)).toEqual([
        {
          title: 'Our framework agreement',
          contributor: { displayName: p.procurer.displayName, ministry: 'finance', country: 'GH' },
        },
      ]);
      expect(await seenBy(p.scholar)).toEqual([{ title: 'Our framework agreement', contributor: null }]);
      expect(await seenBy(p.vendor)).toEqual([]);
      // ANONYMOUS: nobody but facilitators learns who.
      await ratifyPolicy(t, p.cohortId, p.facilitator, [p.asker, p.procurer, p.teacher], { attribution: 'ANONYMOUS' }, [
        p.wordsOnly,
        p.scholar,
      ]);
      const anonymous = await t.gql(SESSION_CONTRIBUTIONS, { id: p.sessionId }, p.teacher.token);
      expect(JSON.stringify(anonymous)).not.toContain(p.procurer.displayName);
      expect((anonymous.data as { session: { contributions: Contributions } }).session.contributions).toEqual([
        {
          title: 'Our framework agreement',
          contributor: { displayName: 'A contributor', ministry: null, country: null },
        },
      ]);
      expect((await seenBy(p.facilitator))[0].contributor?.displayName).toBe(p.procurer.displayName);
    });

    it('brings a member into a thread only if they can read it, and only by a facilitator', async () => {
      const p = await withSession();
      const made = await t.gql(
        INVITE,
        { input: { membershipId: p.teacher.membershipId, threadId: p.threadId, title: 'Maintenance budgets' } },
        p.facilitator.token,
      );
      expect(made.errors).toBeUndefined();
      const listed = await t.ok<{ thread: { contributions: Contributions } }>(
        THREAD_CONTRIBUTIONS,
        { id: p.threadId },
        p.asker.token,
      );
      expect(listed.thread.contributions.map((c) => c.title)).toEqual(['Maintenance budgets']);
      const byMember = await t.gql(
        INVITE,
        { input: { membershipId: p.procurer.membershipId, threadId: p.threadId, title: 'x' } },
        p.asker.token,
      );
      expect(byMember.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      for (const outsider of [p.stranger, p.vendor, p.scholar]) {
        const refused = await t.gql(
          INVITE,
          { input: { membershipId: outsider.membershipId, threadId: p.threadId, title: 'x' } },
          p.facilitator.token,
        );
        expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'membershipId' });
      }
      const [{ count }] = await t.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM contributions WHERE thread_id = $1',
        [p.threadId],
      );
      expect(count).toBe(1);
    });
  });
});

interface ExpertiseFixture extends Actors {
  threadId: string;
}

const EXPERTISE_OPERATIONS: RoleOperation<ExpertiseFixture>[] = [
  {
    name: 'expertiseDirectory',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok', ...OUTSIDERS }, 'empty'),
    run: (t, f, token) => t.gql(DIRECTORY, { cohortId: f.cohortId }, token),
    count: (data) => (data as { expertiseDirectory: { edges: unknown[] } }).expertiseDirectory.edges.length,
  },
  {
    name: 'updateMyProfile',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok' }, 'NOT_FOUND'),
    run: (t, f, token) =>
      t.gql(UPDATE, { input: { cohortId: f.cohortId, areas: ['budgeting'], experience: [], languages: [] } }, token),
    state: (t, f) =>
      t.dataSource.query('SELECT membership_id, areas FROM member_profiles WHERE cohort_id = $1', [f.cohortId]),
  },
  {
    name: 'whoCouldHelp',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok' }, 'NOT_FOUND'),
    run: (t, f, token) => t.gql(WHO, { threadId: f.threadId }, token),
  },
  {
    // A suggestion id is the caller's own: without one, a permitted caller is told the id is not offered.
    name: 'askForHelp',
    expected: row({ FACILITATOR: 'BAD_USER_INPUT', MEMBER: 'BAD_USER_INPUT' }, 'NOT_FOUND'),
    run: (t, f, token) => t.gql(ASK, { input: { threadId: f.threadId, suggestionIds: ['not-offered'] } }, token),
    state: (t, f) =>
      t.dataSource.query('SELECT count(*)::int AS n FROM notifications WHERE cohort_id = $1', [f.cohortId]),
  },
  {
    name: 'inviteContributor',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, 'NOT_FOUND'),
    run: (t, f, token) =>
      t.gql(
        'mutation ($input: InviteContributorInput!) { inviteContributor(input: $input) { id } }',
        { input: { membershipId: f.memberships.MEMBER, threadId: f.threadId, title: 'Budget cycles' } },
        token,
      ),
    state: (t, f) =>
      t.dataSource.query('SELECT count(*)::int AS n FROM contributions WHERE cohort_id = $1', [f.cohortId]),
  },
];

roleTable('expertise operations by role', EXPERTISE_OPERATIONS, async (t) => {
  const actors = await actorsIn(t);
  const author = await newMember(t, actors.cohortId);
  const spaceId = await newSpace(t, actors.cohortId, author);
  const threadId = (
    await t.ok<{ startThread: { id: string } }>(
      START,
      { input: { spaceId, title: 'Budget planning', body: 'Budget cycles', kind: 'QUESTION' } },
      author.token,
    )
  ).startThread.id;
  return { ...actors, threadId };
});
