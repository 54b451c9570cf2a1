import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { SessionEntity, SessionState } from '../src/sessions/session.entity.js';
import {
  browserSuite,
  COHORT_NAME,
  programme as seed,
  REPLY,
  SCREENSHOTS,
  seriousViolations,
  signIn as signInAt,
  withBrowser,
} from './harness/browser.js';
import { ratifyPolicy } from './harness/charter.js';
import { newMember, type TestMember } from './harness/factories.js';

withBrowser('the web client in a real browser', () => {
  const suite = browserSuite();
  const programme = (options?: { accepted?: boolean }) => seed(suite.t, options);
  const signIn = (page: Page, who: TestMember) => signInAt(suite.t, page, who);

  it('signs in, passes the charter gate, reads a thread with nested replies, replies and sees others live', async () => {
    const { t } = suite;
    const p = await programme();
    const page = await suite.newPage();
    await page.goto(`${t.url}/#/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await signIn(page, p.member);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: COHORT_NAME }).click();

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
    // An answer to a reply arrives live in its place, nested under that reply.
    const [{ id: firstReply }] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM posts WHERE thread_id = $1 AND body = $2',
      [p.threadId, 'Our treasury did.'],
    );
    await t.ok(
      REPLY,
      { input: { threadId: p.threadId, body: 'Which budget line?', parentId: firstReply } },
      p.member.token,
    );
    await page.locator('.replies .replies').getByText('Which budget line?').waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'thread.png'), fullPage: true });

    // The cohort's live topic, refused while the charter was not accepted, now follows: the
    // cohort's conclusion shows without a reload.
    await page.goto(`${t.url}/#/cohorts/${p.cohortId}`);
    await page.getByRole('heading', { name: 'Spaces' }).waitFor();
    await t.ok(
      'mutation ($input: ConcludeCohortInput!) { concludeCohort(input: $input) { id } }',
      { input: { cohortId: p.cohortId } },
      p.facilitator.token,
    );
    await page.getByText(/This cohort concluded on/).waitFor({ timeout: 5000 });
  });

  it('accepts an invitation: a name and a password, then the charter', async () => {
    const { t } = suite;
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
    const page = await suite.newPage();
    await page.goto(`${t.url}/#/invite?token=${encodeURIComponent(invite.token)}`);
    expect(await page.getByLabel('Invitation code').inputValue()).toBe(invite.token);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Your name, as others will see it').fill('Awa Ndiaye');
    await page.getByLabel(/Choose a password/).fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Join the cohort' }).click();
    await page.getByRole('heading', { name: /The cohort charter/ }).waitFor();
  });

  it('shows no name the server withheld: a scholar reads the thread without authors', async () => {
    const { t } = suite;
    const p = await programme();
    const scholar = await newMember(t, p.cohortId, { role: 'SCHOLAR' });
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: scholar.membershipId }, { grantedSpaceIds: [p.spaceId] });
    const page = await suite.newPage();
    await signIn(page, scholar);
    await page.goto(`${t.url}/#/threads/${p.threadId}`);
    await page.getByText('Our treasury did.').waitFor();
    const text = await page.locator('main').innerText();
    for (const name of [p.peer.displayName, p.facilitator.displayName]) expect(text).not.toContain(name);
    expect(text).toContain('A participant');
  });

  it('speaks French when asked, and says when it is offline, then catches up', async () => {
    const { t } = suite;
    const p = await programme({ accepted: true });
    const page = await suite.newPage();
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
      await page.context().setOffline(true);
      await page.evaluate("window.dispatchEvent(new Event('offline'))");
      await page.getByRole('status').filter({ hasText: 'hors ligne' }).waitFor();
      await t.ok(REPLY, { input: { threadId: p.threadId, body: during } }, p.peer.token);
      await page.context().setOffline(false);
      await page.evaluate("window.dispatchEvent(new Event('online'))");
      await page.getByText(during).waitFor({ timeout: 10_000 });
      expect(await page.getByRole('status').filter({ hasText: 'hors ligne' }).count()).toBe(0);
    }
    // Each reply once, whichever way it came.
    expect(await page.getByText('Posted while you were away.').count()).toBe(1);
    expect(await page.getByText('Seen live before the break.').count()).toBe(1);
  });
  it('shows a vendor its own session only; members answer, add the feed and shape the agenda', async () => {
    const { t } = suite;
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

    const page = await suite.newPage();
    await signIn(page, vendor);
    await page.getByRole('link', { name: COHORT_NAME }).click();
    await page.getByRole('heading', { name: 'E-procurement clinic' }).waitFor();
    const seen = await page.locator('main').innerText();
    expect(seen).not.toContain('Members only: budget cycles');
    expect(seen).not.toContain('Tablet procurement for schools');
    expect(seen).toContain('No spaces yet.');
    // Times in the viewer's zone (Nairobi), with the organiser's zone beside them.
    expect(seen).toContain('Africa/Accra');
    expect(await seriousViolations(page)).toEqual([]);
    // The member, in a browser of their own.
    const memberPage = await suite.newPage();
    await signIn(memberPage, p.member);
    await memberPage.getByRole('link', { name: COHORT_NAME }).click();
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
    const { t } = suite;
    const p = await programme({ accepted: true });
    const page = await suite.newPage();
    await signIn(page, p.member);
    await page.getByRole('link', { name: COHORT_NAME }).click();
    await page.getByRole('heading', { name: 'Spaces' }).waitFor();
    await ratifyPolicy(t, p.cohortId, p.facilitator, [p.peer], { recording: 'ALLOWED' });
    await page.reload();
    await page.getByRole('heading', { name: /The cohort charter, version 2/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'Spaces' }).count()).toBe(0);
    await page.getByRole('button', { name: 'I accept the charter' }).click();
    await page.getByRole('heading', { name: 'Spaces' }).waitFor();
  });
  it('co-creates the charter: a member proposes and votes with a reason, the facilitator ratifies', async () => {
    const { t } = suite;
    const p = await programme({ accepted: true });
    const page = await suite.newPage();
    await signIn(page, p.member);
    await page.getByRole('link', { name: COHORT_NAME }).click();
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
    const facilitatorPage = await suite.newPage();
    await signIn(facilitatorPage, p.facilitator);
    await facilitatorPage.getByRole('link', { name: COHORT_NAME }).click();
    await facilitatorPage.getByRole('button', { name: 'Ratify “Cameras off by default”' }).click();
    await facilitatorPage.getByRole('heading', { name: /The cohort charter, version 2/ }).waitFor();
    expect(await facilitatorPage.getByText('Cameras off by default').count()).toBeGreaterThan(0);
  });
  it('lets a facilitator mark an insight and resolve; a member who may not is told so', async () => {
    const { t } = suite;
    const p = await programme({ accepted: true });
    const page = await suite.newPage();
    await signIn(page, p.member);
    await page.goto(`${t.url}/#/threads/${p.threadId}`);
    const first = page.getByRole('article', { name: 'Jean-Paul Habimana' });
    await first.getByRole('button', { name: 'Mark as insight' }).click();
    await first.getByRole('alert').waitFor();
    expect(await first.getByRole('alert').innerText()).toContain('Something went wrong');
    const facilitatorPage = await suite.newPage();
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
    const { t } = suite;
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
    const page = await suite.newPage();
    await signIn(page, p.member);
    await page.getByRole('link', { name: COHORT_NAME }).click();
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
  it('offers a need to the peers who could help, and asks them without naming the asker', async () => {
    const { t } = suite;
    const p = await programme({ accepted: true });
    await t.ok(
      'mutation ($input: UpdateProfileInput!) { updateMyProfile(input: $input) { updatedAt } }',
      { input: { cohortId: p.cohortId, areas: ['procurement'], experience: [], languages: ['en'] } },
      p.peer.token,
    );
    // The peer who will be asked is signed in already: the request reaches them live.
    const peerPage = await suite.newPage();
    await signIn(peerPage, p.peer);
    await peerPage.getByRole('link', { name: 'Notifications (0 new)' }).waitFor();
    const page = await suite.newPage();
    await signIn(page, p.member);
    await page.getByRole('link', { name: COHORT_NAME }).click();
    await page.getByLabel('What you need, in a line').fill('Procurement of devices for rural schools');
    await page.getByLabel('The situation').fill('Tenders fail for lack of procurement capacity in districts.');
    await page.getByLabel('Theme').fill('procurement');
    await page.getByRole('button', { name: 'Add to the agenda' }).click();
    const need = page.getByRole('listitem').filter({ hasText: 'Procurement of devices for rural schools' });
    await need.getByRole('button', { name: 'Who could help?' }).click();
    const kofi = need.getByRole('checkbox', { name: /Kofi Mensah · finance · GH/ });
    await kofi.check();
    expect(await seriousViolations(page)).toEqual([]);
    await need.getByRole('button', { name: 'Ask them' }).click();
    await need.getByText('1 asked.', { exact: false }).waitFor();
    const notified = await t.dataSource.query<{ kind: string; target_kind: string }[]>(
      'SELECT kind, target_kind FROM notifications WHERE membership_id = $1',
      [p.peer.membershipId],
    );
    expect(notified).toHaveLength(1);
    expect(notified[0].target_kind).toBe('NEED');

    await peerPage.getByRole('link', { name: 'Notifications (1 new)' }).click({ timeout: 5000 });
    const request = peerPage.getByRole('link', { name: 'A peer asked for your help with a need' });
    await request.waitFor();
    // It says what, never who asked.
    expect(await peerPage.locator('main').innerText()).not.toContain('Amina Odhiambo');
    expect(await seriousViolations(peerPage)).toEqual([]);
    await peerPage.getByRole('button', { name: 'Mark all as read' }).click();
    await peerPage.getByRole('link', { name: 'Notifications (0 new)' }).waitFor();
    await request.click();
    await peerPage.getByRole('heading', { name: 'Procurement of devices for rural schools' }).waitFor();
  });

  it('after the cohort concludes, members carry on in the alumni space; the archive stays readable', async () => {
    const { t } = suite;
    const p = await programme({ accepted: true });
    const { concludeCohort } = await t.ok<{ concludeCohort: { archiveProposalId: string } }>(
      'mutation ($input: ConcludeCohortInput!) { concludeCohort(input: $input) { archiveProposalId } }',
      { input: { cohortId: p.cohortId } },
      p.facilitator.token,
    );
    const page = await suite.newPage();
    await signIn(page, p.member);
    await page.getByRole('link', { name: COHORT_NAME }).click();
    await page.getByText(/This cohort concluded on/).waitFor();
    await page.getByRole('link', { name: 'Keep talking in the alumni space' }).click();
    await page.getByRole('heading', { name: 'Start a thread' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('What kind of thread').selectOption('PRACTICE');
    await page.getByLabel('Title', { exact: true }).fill('One year on: what stuck');
    await page.getByLabel('What you want to say').fill('The pooled maintenance budget survived the new fiscal year.');
    await page.getByRole('button', { name: 'Post the thread' }).click();
    await page.getByRole('heading', { name: 'One year on: what stuck' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const [alumni] = await t.dataSource.query<{ title: string }[]>(
      `SELECT s.title FROM threads t JOIN spaces s ON s.id = t.space_id WHERE t.title = 'One year on: what stuck'`,
    );
    expect(alumni.title).toBe('Alumni');

    // Archived: read-only, and still readable.
    await t.ok(
      'mutation ($id: ID!) { withdrawNorm(proposalId: $id) { id } }',
      { id: concludeCohort.archiveProposalId },
      p.facilitator.token,
    );
    await t.ok('mutation ($id: ID!) { archiveCohort(cohortId: $id) { id } }', { id: p.cohortId }, p.facilitator.token);
    await page.goto(`${t.url}/#/cohorts/${p.cohortId}`);
    await page.getByText(/This cohort was archived on .*read-only/).waitFor();
    await page.goto(`${t.url}/#/spaces/${p.spaceId}`);
    await page.getByRole('link', { name: 'Tablet procurement for schools' }).click();
    await page.locator('.replies .replies').getByText('Through a framework agreement?').waitFor();
    // Read-only: nothing offers to write.
    expect(await page.getByRole('button', { name: 'Send reply' }).count()).toBe(0);
    await page.goto(`${t.url}/#/spaces/${p.spaceId}`);
    await page.getByRole('link', { name: 'Tablet procurement for schools' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Start a thread' }).count()).toBe(0);
  });
  it('works over a 3G-class link: signs in, reads a thread, replies and sees others live', async () => {
    const { t } = suite;
    const p = await programme({ accepted: true });
    const page = await suite.newPage();
    // Chromium's "3G" preset (DevTools): 1.6 Mbit/s down, 750 kbit/s up, 562.5 ms added latency.
    // Load times on such links are measured by `npm run bench:web`, not asserted here.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 562.5,
      downloadThroughput: ((1.6 * 1024 * 1024) / 8) * 0.9,
      uploadThroughput: ((750 * 1024) / 8) * 0.9,
    });
    let fetchedBytes = 0;
    cdp.on(
      'Network.loadingFinished',
      (event: { encodedDataLength: number }) => (fetchedBytes += event.encodedDataLength),
    );
    await signIn(page, p.member);
    // Everything the browser fetched to show the sign-in page and the cohorts: compressed.
    expect(fetchedBytes).toBeLessThan(250 * 1024);
    await page.getByRole('link', { name: COHORT_NAME }).click();
    await page.getByRole('link', { name: 'Space' }).click();
    await page.getByRole('link', { name: 'Tablet procurement for schools' }).click();
    await page.locator('.replies .replies').getByText('Through a framework agreement?').waitFor();
    await page.getByLabel('Your reply').last().fill('Sent over a slow link.');
    await page.getByRole('button', { name: 'Send reply' }).last().click();
    await page.getByText('Sent over a slow link.').waitFor();
    await t.ok(REPLY, { input: { threadId: p.threadId, body: 'Received over a slow link.' } }, p.peer.token);
    await page.getByText('Received over a slow link.').waitFor();
  });
});
