import axe from 'axe-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { SessionEntity, SessionState } from '../src/sessions/session.entity.js';
import { ratifyPolicy } from './harness/charter.js';
import { newCohort, newMember, newSpace, newThread, newUser, type TestMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

/** Debian's Chromium, installed by `.ci/run`; without it (the README quick start) these are skipped. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const withBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
/** The flags this machine's closed network needs (the `env` skill). */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = join(import.meta.dirname, '..', 'docs', 'screenshots');

const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';

/** Serious and critical accessibility violations axe-core finds on the page, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  // Runs in the page, where axe-core was just added.
  const result = await page.evaluate<axe.AxeResults>('axe.run()');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

withBrowser('the web client in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });
  /** A browser of its own (its own storage and token), for the next person in a test. */
  async function freshContext(): Promise<void> {
    await context?.close();
    context = await browser.newContext({ timezoneId: 'Africa/Nairobi', locale: 'en-GB' });
  }
  beforeEach(async () => {
    context = await browser.newContext({ timezoneId: 'Africa/Nairobi', locale: 'en-GB' });
  });
  afterEach(() => context.close());

  /** A cohort with a space and a thread with a nested reply; the member has accepted the charter only if told. */
  async function programme({ accepted = false } = {}) {
    const cohortId = (await newCohort(t, 'Digital Education Reform 2026')).id;
    const named = (displayName: string) => newUser(t, { displayName });
    const facilitator = await newMember(t, cohortId, {
      role: 'FACILITATOR',
      ministry: 'planning',
      country: 'RW',
      user: await named('Jean-Paul Habimana'),
    });
    const peer = await newMember(t, cohortId, { ministry: 'finance', country: 'GH', user: await named('Kofi Mensah') });
    const member = await newMember(t, cohortId, {
      ministry: 'education',
      country: 'KE',
      charterAccepted: accepted,
      user: await named('Amina Odhiambo'),
    });
    const spaceId = await newSpace(t, cohortId, facilitator);
    const threadId = await newThread(t, spaceId, peer, {
      title: 'Tablet procurement for schools',
      body: 'Who paid for maintenance?',
    });
    const first = (
      await t.ok<{ reply: { id: string } }>(
        REPLY,
        { input: { threadId, body: 'Our treasury did.' } },
        facilitator.token,
      )
    ).reply.id;
    await t.ok(REPLY, { input: { threadId, body: 'Through a framework agreement?', parentId: first } }, peer.token);
    return { cohortId, facilitator, peer, member, spaceId, threadId };
  }

  async function signIn(page: Page, who: TestMember) {
    await page.goto(`${t.url}/#/login`);
    // Keyboard only: the form is reachable and usable without a mouse.
    await page.getByLabel('Email').focus();
    await page.keyboard.type(who.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(who.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your cohorts' }).waitFor();
  }

  it('signs in, passes the charter gate, reads a thread with nested replies, replies and sees others live', async () => {
    const p = await programme();
    const page = await context.newPage();
    await signIn(page, p.member);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Digital Education Reform 2026' }).click();

    // The gate is visible, not a dead end: the charter is there to read and accept.
    await page.getByRole('heading', { name: /The cohort charter, version 1/ }).waitFor();
    expect(await page.getByText('What is said here may be used, not attributed').isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'charter-gate.png'), fullPage: true });
    await page.getByRole('button', { name: 'I accept the charter' }).click();
    await page.getByRole('heading', { name: 'Spaces' }).waitFor();
    const accepted = await t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: p.member.membershipId });
    expect(accepted.acceptedCharterVersion).toBe(1);

    await page.getByRole('link', { name: 'Space' }).click();
    await page.getByRole('link', { name: 'Tablet procurement for schools' }).click();
    await page.getByRole('heading', { name: 'Tablet procurement for schools' }).waitFor();
    // Nested: the answer to the first reply sits inside it.
    const nested = page.locator('.replies .replies').getByText('Through a framework agreement?');
    await nested.waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Your reply').last().fill('We pooled the maintenance budget with finance.');
    await page.getByRole('button', { name: 'Send reply' }).last().click();
    await page.getByText('We pooled the maintenance budget with finance.').waitFor();

    // Someone else replies: it arrives without reloading.
    await t.ok(REPLY, { input: { threadId: p.threadId, body: 'Same in Ghana, since 2022.' } }, p.peer.token);
    await page.getByText('Same in Ghana, since 2022.').waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'thread.png'), fullPage: true });
  });

  it('accepts an invitation: a name and a password, then the charter', async () => {
    const p = await programme();
    const { invite } = await t.ok<{ invite: { token: string } }>(
      'mutation ($input: InviteInput!) { invite(input: $input) { token } }',
      {
        input: {
          cohortId: p.cohortId,
          email: 'new.member@gov.example',
          role: 'MEMBER',
          ministry: 'ict',
          country: 'SN',
        },
      },
      p.facilitator.token,
    );
    const page = await context.newPage();
    await page.goto(`${t.url}/#/invite?token=${encodeURIComponent(invite.token)}`);
    expect(await page.getByLabel('Invitation code').inputValue()).toBe(invite.token);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Your name, as others will see it').fill('Awa Ndiaye');
    await page.getByLabel(/Choose a password/).fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Join the cohort' }).click();
    await page.getByRole('heading', { name: /The cohort charter/ }).waitFor();
  });

  it('shows no name the server withheld: a scholar reads the thread without authors', async () => {
    const p = await programme();
    const scholar = await newMember(t, p.cohortId, { role: 'SCHOLAR' });
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: scholar.membershipId }, { grantedSpaceIds: [p.spaceId] });
    const page = await context.newPage();
    await signIn(page, scholar);
    await page.goto(`${t.url}/#/threads/${p.threadId}`);
    await page.getByText('Our treasury did.').waitFor();
    const text = await page.locator('main').innerText();
    for (const name of [p.peer.displayName, p.facilitator.displayName]) expect(text).not.toContain(name);
    expect(text).toContain('A participant');
  });

  it('speaks French when asked, and says when it is offline, then catches up', async () => {
    const p = await programme({ accepted: true });
    const page = await context.newPage();
    await signIn(page, p.member);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'Vos cohortes' }).waitFor();
    await page.goto(`${t.url}/#/threads/${p.threadId}`);
    await page.getByRole('heading', { name: 'Répondre' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'thread-fr.png'), fullPage: true });

    // Offline twice: before any live event (the thread is read again) and after one (the missed
    // events are replayed from the last one seen).
    for (const [before, during] of [
      [null, 'Posted while you were away.'],
      ['Seen live before the break.', 'Posted during the second break.'],
    ] as const) {
      if (before) {
        await t.ok(REPLY, { input: { threadId: p.threadId, body: before } }, p.peer.token);
        await page.getByText(before).waitFor();
      }
      await context.setOffline(true);
      await page.evaluate("window.dispatchEvent(new Event('offline'))");
      await page.getByRole('status').filter({ hasText: 'hors ligne' }).waitFor();
      await t.ok(REPLY, { input: { threadId: p.threadId, body: during } }, p.peer.token);
      await context.setOffline(false);
      await page.evaluate("window.dispatchEvent(new Event('online'))");
      await page.getByText(during).waitFor({ timeout: 10_000 });
      expect(await page.getByRole('status').filter({ hasText: 'hors ligne' }).count()).toBe(0);
    }
    // Each reply once, whichever way it came.
    expect(await page.getByText('Posted while you were away.').count()).toBe(1);
    expect(await page.getByText('Seen live before the break.').count()).toBe(1);
  });
  it('shows a vendor its own session only; members answer, add the feed and shape the agenda', async () => {
    const p = await programme({ accepted: true });
    const sessions = t.dataSource.getRepository(SessionEntity);
    const at = (days: number) => new Date(Date.now() + days * 86_400_000);
    const granted = await sessions.save({
      cohortId: p.cohortId,
      title: 'E-procurement clinic',
      abstract: 'Lessons from three rollouts',
      startsAt: at(2),
      endsAt: new Date(at(2).getTime() + 3_600_000),
      timeZone: 'Africa/Accra',
      createdById: p.facilitator.id,
    });
    await sessions.save({
      cohortId: p.cohortId,
      title: 'Members only: budget cycles',
      abstract: 'Among ourselves',
      startsAt: at(3),
      endsAt: new Date(at(3).getTime() + 3_600_000),
      state: SessionState.SCHEDULED,
      createdById: p.facilitator.id,
    });
    const vendor = await newMember(t, p.cohortId, { role: 'VENDOR', ministry: 'private-sector', country: 'KE' });
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: vendor.membershipId }, { grantedSessionIds: [granted.id] });

    const page = await context.newPage();
    await signIn(page, vendor);
    await page.getByRole('link', { name: 'Digital Education Reform 2026' }).click();
    await page.getByRole('heading', { name: 'E-procurement clinic' }).waitFor();
    const seen = await page.locator('main').innerText();
    expect(seen).not.toContain('Members only: budget cycles');
    expect(seen).not.toContain('Tablet procurement for schools');
    expect(seen).toContain('No spaces yet.');
    // Times in the viewer's zone (Nairobi), with the organiser's zone beside them.
    expect(seen).toContain('Africa/Accra');
    expect(await seriousViolations(page)).toEqual([]);
    // The member, in a browser of their own.
    await freshContext();
    const memberPage = await context.newPage();
    await signIn(memberPage, p.member);
    await memberPage.getByRole('link', { name: 'Digital Education Reform 2026' }).click();
    await memberPage.getByRole('heading', { name: 'Members only: budget cycles' }).waitFor();
    const clinic = memberPage.getByRole('listitem').filter({ hasText: 'E-procurement clinic' });
    await clinic.getByRole('button', { name: 'Going', exact: true }).click();
    await clinic.getByText('1 going').waitFor();

    await memberPage.getByLabel('What you need, in a line').fill('Maintenance budgets for devices');
    await memberPage.getByLabel('The situation').fill('Repairs stall when the budget sits with another vote.');
    await memberPage.getByLabel('Theme').fill('procurement');
    await memberPage.getByRole('button', { name: 'Add to the agenda' }).click();
    await memberPage.getByRole('heading', { name: 'Maintenance budgets for devices' }).waitFor();
    expect(await seriousViolations(memberPage)).toEqual([]);
    await memberPage.screenshot({ path: join(SCREENSHOTS, 'cohort.png'), fullPage: true });
    // The private calendar feed (after the screenshot: its address is a secret).
    await memberPage.getByRole('button', { name: 'Add the sessions to my calendar' }).click();
    const feedUrl = await memberPage.getByLabel(/Your private calendar address/).inputValue();
    const feed = await fetch(feedUrl);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('E-procurement clinic');
  });

  it('gates a member again when a new charter version is ratified, until they accept it', async () => {
    const p = await programme({ accepted: true });
    const page = await context.newPage();
    await signIn(page, p.member);
    await page.getByRole('link', { name: 'Digital Education Reform 2026' }).click();
    await page.getByRole('heading', { name: 'Spaces' }).waitFor();
    await ratifyPolicy(t, p.cohortId, p.facilitator, [p.peer], { recording: 'ALLOWED' });
    await page.reload();
    await page.getByRole('heading', { name: /The cohort charter, version 2/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'Spaces' }).count()).toBe(0);
    await page.getByRole('button', { name: 'I accept the charter' }).click();
    await page.getByRole('heading', { name: 'Spaces' }).waitFor();
  });
  it('co-creates the charter: a member proposes and votes with a reason, the facilitator ratifies', async () => {
    const p = await programme({ accepted: true });
    const page = await context.newPage();
    await signIn(page, p.member);
    await page.getByRole('link', { name: 'Digital Education Reform 2026' }).click();
    await page.getByLabel('The norm, in a line').fill('Cameras off by default');
    await page.getByLabel('What members agree to').fill('Video is optional in every session.');
    await page.getByRole('button', { name: 'Propose', exact: true }).click();
    const proposal = page.getByRole('listitem').filter({ hasText: 'Cameras off by default' });
    await proposal.waitFor();
    await proposal.getByLabel('Your position').selectOption('AGREE');
    await proposal.getByLabel('Your reason (optional)').fill('Bandwidth is scarce in our regions.');
    await proposal.getByRole('button', { name: 'Vote' }).click();
    await proposal.getByText(/Agree 1 · Abstain 0 · Disagree 0 · Block 0/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const [{ id, reason }] = await t.dataSource.query<{ id: string; reason: string }[]>(
      `SELECT p.id, v.reason FROM norm_proposals p JOIN norm_votes v ON v.proposal_id = p.id
        WHERE p.cohort_id = $1 AND p.title = 'Cameras off by default'`,
      [p.cohortId],
    );
    expect(reason).toBe('Bandwidth is scarce in our regions.');
    await t.ok(
      'mutation ($input: VoteOnNormInput!) { voteOnNorm(input: $input) { id } }',
      { input: { proposalId: id, position: 'AGREE' } },
      p.peer.token,
    );

    // The facilitator ratifies in the client, and is gated by the new version like everyone else.
    await freshContext();
    const facilitatorPage = await context.newPage();
    await signIn(facilitatorPage, p.facilitator);
    await facilitatorPage.getByRole('link', { name: 'Digital Education Reform 2026' }).click();
    await facilitatorPage.getByRole('button', { name: 'Ratify “Cameras off by default”' }).click();
    await facilitatorPage.getByRole('heading', { name: /The cohort charter, version 2/ }).waitFor();
    expect(await facilitatorPage.getByText('Cameras off by default').count()).toBeGreaterThan(0);
  });
  it('lets a facilitator mark an insight and resolve; a member who may not is told so', async () => {
    const p = await programme({ accepted: true });
    const page = await context.newPage();
    await signIn(page, p.member);
    await page.goto(`${t.url}/#/threads/${p.threadId}`);
    const first = page.getByRole('article', { name: 'Jean-Paul Habimana' });
    await first.getByRole('button', { name: 'Mark as insight' }).click();
    await first.getByRole('alert').waitFor();
    expect(await first.getByRole('alert').innerText()).toContain('Something went wrong');

    await freshContext();
    const facilitatorPage = await context.newPage();
    await signIn(facilitatorPage, p.facilitator);
    await facilitatorPage.goto(`${t.url}/#/threads/${p.threadId}`);
    const reply = facilitatorPage.getByRole('article', { name: 'Jean-Paul Habimana' });
    await reply.getByRole('button', { name: 'Mark as insight' }).click();
    await reply.getByText('Insight', { exact: true }).waitFor();
    await facilitatorPage.getByRole('button', { name: 'Mark the thread resolved' }).click();
    await facilitatorPage.getByText('Resolved', { exact: true }).waitFor();
    expect(await seriousViolations(facilitatorPage)).toEqual([]);
    const [row] = await t.dataSource.query<{ status: string }[]>('SELECT status FROM threads WHERE id = $1', [
      p.threadId,
    ]);
    expect(row.status).toBe('RESOLVED');
  });
  it('finds peers in the expertise directory by area and language', async () => {
    const p = await programme({ accepted: true });
    const UPDATE = 'mutation ($input: UpdateProfileInput!) { updateMyProfile(input: $input) { updatedAt } }';
    await t.ok(
      UPDATE,
      {
        input: {
          cohortId: p.cohortId,
          areas: ['procurement', 'budgeting'],
          experience: ['Led national device procurement, 2021'],
          languages: ['en', 'fr'],
        },
      },
      p.peer.token,
    );
    await t.ok(
      UPDATE,
      { input: { cohortId: p.cohortId, areas: ['curriculum'], experience: [], languages: ['rw'] } },
      p.facilitator.token,
    );
    const page = await context.newPage();
    await signIn(page, p.member);
    await page.getByRole('link', { name: 'Digital Education Reform 2026' }).click();
    await page.getByRole('link', { name: 'Find peers by their expertise' }).click();
    await page.getByRole('heading', { name: 'Who knows what' }).waitFor();
    await page.getByLabel('Area of expertise').selectOption('procurement');
    await page.getByRole('textbox', { name: /Language \(two letters/ }).fill('fr');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Led national device procurement, 2021').waitFor();
    const found = await page.getByRole('heading', { level: 2 }).allInnerTexts();
    expect(found).toEqual(['Kofi Mensah']);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'directory.png'), fullPage: true });
  });
});
