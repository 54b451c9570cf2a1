import { join } from 'node:path';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { SessionEntity, SessionState } from '../src/sessions/session.entity.js';
import {
  browserSuite,
  programmeWithSession,
  SCREENSHOTS,
  seriousViolations,
  signIn,
  withBrowser,
} from './harness/browser.js';
import { newMember } from './harness/factories.js';

const ASK = 'mutation ($input: AskQuestionInput!) { askQuestion(input: $input) { id } }';
const UPVOTE = 'mutation ($input: UpvoteQuestionInput!) { upvoteQuestion(input: $input) { id votes } }';
const NOTE = 'mutation ($input: AddBreakoutNoteInput!) { addBreakoutNote(input: $input) { id } }';

withBrowser('sessions in the web client: live questions and breakout groups', () => {
  const suite = browserSuite();

  it('asks and upvotes questions live, most upvoted first', async () => {
    const { t } = suite;
    const s = await programmeWithSession(t, SessionState.LIVE);
    const page = await suite.newPage();
    await signIn(t, page, s.member);
    await page.getByRole('link', { name: /Digital Education Reform/ }).click();
    await page.getByRole('link', { name: 'Financing school connectivity' }).click();
    await page.getByRole('heading', { name: 'Financing school connectivity' }).waitFor();
    expect(await page.getByText('Live now').isVisible()).toBe(true);
    // Times in the viewer's zone (Nairobi) with the organiser's (Kigali) beside them.
    expect(await page.locator('main').innerText()).toContain('Africa/Kigali');

    await page.getByLabel('Your question').fill('How did you price the universal service levy?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const mine = page.getByRole('article', { name: 'How did you price the universal service levy?' });
    await mine.waitFor();

    // A peer asks, and two others upvote it: it arrives, and climbs above the member's question.
    const { askQuestion } = await t.ok<{ askQuestion: { id: string } }>(
      ASK,
      { input: { sessionId: s.sessionId, body: 'Who owns the last mile, the school or the operator?' } },
      s.peer.token,
    );
    const theirs = page.getByRole('article', { name: 'Who owns the last mile, the school or the operator?' });
    await theirs.waitFor({ timeout: 5000 });
    for (const voter of [s.facilitator, s.ict]) {
      await t.ok(UPVOTE, { input: { questionId: askQuestion.id } }, voter.token);
    }
    await theirs.getByRole('button', { name: 'Upvote (2)' }).waitFor({ timeout: 5000 });
    const order = async () => page.locator('#questions ~ ol article p.body').allInnerTexts();
    expect((await order())[0]).toBe('Who owns the last mile, the school or the operator?');

    // The member upvotes it too: pressed, counted once, and stored.
    await theirs.getByRole('button', { name: 'Upvote (2)' }).click();
    const pressed = theirs.getByRole('button', { name: 'Upvote (3)' });
    await pressed.waitFor();
    expect(await pressed.getAttribute('aria-pressed')).toBe('true');
    const [row] = await t.dataSource.query<{ votes: number }[]>('SELECT votes FROM session_questions WHERE id = $1', [
      askQuestion.id,
    ]);
    expect(row.votes).toBe(3);
    // The peer wrote it, and members see names under the Chatham House rule.
    expect(await theirs.innerText()).toContain('Kofi Mensah');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'session.png'), fullPage: true });

    // The facilitator hides the member's question with a reason: it leaves the member's page, and
    // stays on the facilitator's, marked as hidden.
    const facilitatorPage = await suite.newPage();
    await signIn(t, facilitatorPage, s.facilitator);
    await facilitatorPage.goto(`${t.url}/#/sessions/${s.sessionId}`);
    const held = facilitatorPage.getByRole('article', { name: 'How did you price the universal service levy?' });
    await held.getByRole('button', { name: 'Hide' }).click();
    await held.getByLabel(/Why hide this question/).fill('Off topic for this session');
    await held.getByRole('button', { name: 'Hide this question' }).click();
    await held.getByText('Hidden from participants: Off topic for this session').waitFor();
    await mine.waitFor({ state: 'detached', timeout: 5000 });
    expect(await seriousViolations(facilitatorPage)).toEqual([]);

    // A speaker of the session marks the peer's question answered: members see it live.
    const speaker = await newMember(t, s.cohortId, { role: 'SCHOLAR', ministry: 'academia', country: 'GH' });
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: speaker.membershipId }, { grantedSessionIds: [s.sessionId] });
    await t.dataSource
      .getRepository(SessionEntity)
      .update({ id: s.sessionId }, { expertMembershipIds: [speaker.membershipId] });
    const speakerPage = await suite.newPage();
    await signIn(t, speakerPage, speaker);
    await speakerPage.goto(`${t.url}/#/sessions/${s.sessionId}`);
    const asked = speakerPage.getByRole('article', { name: 'Who owns the last mile, the school or the operator?' });
    await asked.getByRole('button', { name: 'Mark answered' }).click();
    await asked.getByText('Answered', { exact: true }).waitFor();
    await theirs.getByText('Answered', { exact: true }).waitFor({ timeout: 5000 });
    // Members are not offered it.
    expect(await page.getByRole('button', { name: 'Mark answered' }).count()).toBe(0);
    const [answered] = await t.dataSource.query<{ answered_at: Date | null }[]>(
      'SELECT answered_at FROM session_questions WHERE id = $1',
      [askQuestion.id],
    );
    expect(answered.answered_at).not.toBeNull();
  });

  it('the facilitator opens the session and splits it; a member joins their group, takes notes and reports back', async () => {
    const { t } = suite;
    const s = await programmeWithSession(t, SessionState.SCHEDULED);
    const facilitatorPage = await suite.newPage();
    await signIn(t, facilitatorPage, s.facilitator);
    await facilitatorPage.goto(`${t.url}/#/sessions/${s.sessionId}`);
    await facilitatorPage.getByRole('button', { name: 'Start the session' }).click();
    await facilitatorPage.getByText('Live now').waitFor();
    await facilitatorPage.getByLabel('Number of groups').fill('1');
    await facilitatorPage.getByRole('button', { name: 'Make the groups' }).click();
    await facilitatorPage.getByRole('heading', { name: 'Group 1' }).waitFor();
    expect(await facilitatorPage.getByText('3 people').isVisible()).toBe(true);
    expect(await seriousViolations(facilitatorPage)).toEqual([]);
    const [{ state }] = await t.dataSource.query<{ state: string }[]>('SELECT state FROM sessions WHERE id = $1', [
      s.sessionId,
    ]);
    expect(state).toBe('LIVE');

    const page = await suite.newPage();
    await signIn(t, page, s.member);
    await page.goto(`${t.url}/#/sessions/${s.sessionId}`);
    await page.getByRole('link', { name: 'Join your group, Group 1' }).click();
    await page.getByRole('heading', { name: 'Shared notes' }).waitFor();
    const people = await page.locator('#people ~ ul').innerText();
    for (const name of ['Amina Odhiambo', 'Kofi Mensah', 'Awa Ndiaye']) expect(people).toContain(name);

    await page.getByLabel('Your note').fill('Kenya: the levy is 0.5% of operator revenue.');
    await page.getByRole('button', { name: 'Add the note' }).click();
    await page.getByText('Kenya: the levy is 0.5% of operator revenue.').waitFor();
    // A group mate's note arrives without reloading.
    const [{ id: groupId }] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM breakout_groups WHERE session_id = $1',
      [s.sessionId],
    );
    await t.ok(NOTE, { input: { groupId, body: 'Ghana pools it with the schools budget.' } }, s.peer.token);
    await page.getByText('Ghana pools it with the schools budget.').waitFor({ timeout: 5000 });
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'breakout.png'), fullPage: true });

    await page.getByLabel('What the group found').fill('Levies work where the regulator ring-fences them.');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.getByText('The plenary has your report.').waitFor();
    // The plenary (the facilitator's page, open all along) sees the report arrive.
    await facilitatorPage.getByText('Levies work where the regulator ring-fences them.').waitFor({ timeout: 5000 });
    const [group] = await t.dataSource.query<{ report_back: string }[]>(
      'SELECT report_back FROM breakout_groups WHERE id = $1',
      [groupId],
    );
    expect(group.report_back).toBe('Levies work where the regulator ring-fences them.');

    // Ending the session closes the group: the member's page says so and offers no more forms.
    await facilitatorPage.getByRole('button', { name: 'End the session' }).click();
    await facilitatorPage.getByText('Ended', { exact: true }).waitFor();
    await page.getByText('This group is closed.').waitFor({ timeout: 5000 });
    expect(await page.getByLabel('Your note').count()).toBe(0);
  });
});
