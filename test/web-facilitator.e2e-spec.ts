import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { UserEntity } from '../src/auth/user.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { PostEntity } from '../src/threads/post.entity.js';
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
import { newMember, newUser, type TestMember } from './harness/factories.js';

const INVITE = 'mutation ($input: InviteInput!) { invite(input: $input) { id } }';
const REMOVE = 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id } }';

withBrowser('the facilitator tools in a real browser', () => {
  const suite = browserSuite();
  const programme = () => seed(suite.t, { accepted: true });
  const signIn = (page: Page, who: TestMember) => signInAt(suite.t, page, who);
  /** The facilitator's manage page, with its sections loaded. */
  const manage = async (who: TestMember, cohortId: string) => {
    const page = await suite.newPage();
    await signIn(page, who);
    await page.goto(`${suite.t.url}/#/manage/${cohortId}`);
    await page.getByRole('heading', { name: 'Manage the cohort', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Members', exact: true }).waitFor();
    return page;
  };
  const membershipStatus = async (membershipId: string) =>
    (await suite.t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: membershipId })).status;

  it('invites a scholar with ministry, country, access end and a space grant; the link shown lets them join', async () => {
    const { t } = suite;
    const p = await programme();
    const page = await suite.newPage();
    await signIn(page, p.facilitator);
    await page.getByRole('link', { name: COHORT_NAME }).click();
    await page.getByRole('link', { name: /^Manage the cohort/ }).click();
    const form = page.getByRole('form', { name: 'Invite someone' });
    await form.getByLabel('Email').fill('wanjiru.kariuki@uni.example');
    await form.getByLabel('Role').selectOption('SCHOLAR');
    await form.getByLabel('Ministry').selectOption('academia');
    await form.getByLabel(/^Country/).fill('ke');
    // The viewer's wall-clock time in Nairobi (UTC+3, no summer time).
    const year = new Date().getFullYear() + 1;
    await form.getByLabel(/^Access ends/).fill(`${year}-06-30T17:00`);
    await form.getByRole('checkbox', { name: 'Space' }).check();
    await form.getByRole('button', { name: 'Create the invitation' }).click();

    const link = await page.getByLabel('Invitation link').inputValue();
    expect(link.startsWith(`${t.url}/#/invite?token=`)).toBe(true);
    const pending = page.getByRole('row').filter({ hasText: 'wanjiru.kariuki@uni.example' });
    await pending.waitFor();
    expect(await pending.innerText()).toMatch(/Scholar\s+Academia\s+KE/);

    const invitee = await suite.newPage();
    await invitee.goto(link);
    await invitee.getByLabel('Your name, as others will see it').fill('Wanjiru Kariuki');
    await invitee.getByLabel(/Choose a password/).fill('a long enough passphrase');
    await invitee.getByRole('button', { name: 'Join the cohort' }).click();
    await invitee.getByRole('heading', { name: /The cohort charter/ }).waitFor();

    const user = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ email: 'wanjiru.kariuki@uni.example' });
    const joined = await t.dataSource
      .getRepository(MembershipEntity)
      .findOneByOrFail({ cohortId: p.cohortId, userId: user.id });
    expect(joined).toMatchObject({ role: 'SCHOLAR', ministry: 'academia', country: 'KE', status: 'ACTIVE' });
    expect(joined.accessExpiresAt?.toISOString()).toBe(`${year}-06-30T14:00:00.000Z`);
    expect(joined.grantedSpaceIds).toEqual([p.spaceId]);
  });

  it('shows the charter’s refusal of a vendor beside the form, and revokes a pending invitation', async () => {
    const { t } = suite;
    const p = await programme();
    await ratifyPolicy(t, p.cohortId, p.facilitator, [p.peer], { vendorAccess: 'NONE' });
    const input = { cohortId: p.cohortId, role: 'MEMBER', ministry: 'health', country: 'GH' };
    await t.ok(INVITE, { input: { ...input, email: 'ama.owusu@health.example' } }, p.facilitator.token);
    const page = await manage(p.facilitator, p.cohortId);

    const form = page.getByRole('form', { name: 'Invite someone' });
    await form.getByLabel('Email').fill('sales@vendor.example');
    await form.getByLabel('Role').selectOption('VENDOR');
    await form.getByLabel('Ministry').selectOption('private-sector');
    await form.getByLabel(/^Country/).fill('KE');
    await form.getByRole('button', { name: 'Create the invitation' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('alert').innerText()).toContain('vendorAccess NONE');
    expect(await page.getByLabel('Invitation link').count()).toBe(0);
    const invitations = (email: string) =>
      t.dataSource.query<{ revoked_at: Date | null }[]>(
        'SELECT revoked_at FROM invitations WHERE cohort_id = $1 AND email = $2',
        [p.cohortId, email],
      );
    expect(await invitations('sales@vendor.example')).toEqual([]);

    const pending = page.getByRole('row').filter({ hasText: 'ama.owusu@health.example' });
    await pending.getByRole('button', { name: 'Revoke the invitation for ama.owusu@health.example' }).click();
    await pending.waitFor({ state: 'detached' });
    await page.getByText('No invitations are waiting.').waitFor();
    const [revoked] = await invitations('ama.owusu@health.example');
    expect(revoked.revoked_at).toBeInstanceOf(Date);
  });

  it('removes a member only once the removal is confirmed, with the keyboard', async () => {
    const { t } = suite;
    const p = await programme();
    const page = await manage(p.facilitator, p.cohortId);
    const row = page.getByRole('row').filter({ hasText: 'Amina Odhiambo' });
    await row.getByRole('button', { name: 'Remove Amina Odhiambo' }).click();
    const confirm = row.getByRole('button', { name: 'Confirm removal of Amina Odhiambo' });
    await confirm.waitFor();
    expect(await membershipStatus(p.member.membershipId)).toBe('ACTIVE');
    // The focus moved to the confirmation, so Enter confirms.
    expect(await page.evaluate<string | null>("document.activeElement.getAttribute('aria-label')")).toBe(
      'Confirm removal of Amina Odhiambo',
    );
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    expect(await page.getByRole('table', { name: 'Members', exact: true }).innerText()).toContain('Kofi Mensah');
    expect(await membershipStatus(p.member.membershipId)).toBe('REMOVED');
    const [{ removed_at }] = await t.dataSource.query<{ removed_at: Date | null }[]>(
      'SELECT removed_at FROM memberships WHERE id = $1',
      [p.member.membershipId],
    );
    expect(removed_at).toBeInstanceOf(Date);
    // The audit log was read again: the removal is there, by the facilitator.
    const logged = page
      .getByRole('table', { name: 'Audit log', exact: true })
      .getByRole('row')
      .filter({ hasText: 'membership.removed' });
    expect(await logged.innerText()).toContain('Jean-Paul Habimana');
  });

  it('hides a reply with a reason; members see it hidden, and a member who tries is refused', async () => {
    const { t } = suite;
    const p = await programme();
    const memberPage = await suite.newPage();
    await signIn(memberPage, p.member);
    await memberPage.goto(`${t.url}/#/threads/${p.threadId}`);
    await memberPage.getByText('Through a framework agreement?').waitFor();

    const page = await suite.newPage();
    await signIn(page, p.facilitator);
    await page.goto(`${t.url}/#/threads/${p.threadId}`);
    const reply = page.getByRole('article', { name: 'Kofi Mensah' });
    await reply.getByRole('button', { name: 'Hide', exact: true }).click();
    const form = reply.getByRole('form', { name: 'Hide this reply' });
    await form.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByLabel(/^Why hide this reply/).fill('Names a supplier under investigation.');
    await form.getByRole('button', { name: 'Hide this reply' }).click();
    await reply.getByText('This reply was hidden by a facilitator.').waitFor();
    const posts = t.dataSource.getRepository(PostEntity);
    const hidden = await posts.findOneByOrFail({ threadId: p.threadId, body: 'Through a framework agreement?' });
    expect(hidden.hiddenAt).toBeInstanceOf(Date);
    expect(hidden.hiddenReason).toBe('Names a supplier under investigation.');

    await memberPage.reload();
    await memberPage.getByText('This reply was hidden by a facilitator.').waitFor();
    expect(await memberPage.getByText('Through a framework agreement?').count()).toBe(0);
    // The button is there for everyone; the server decides.
    const other = memberPage.getByRole('article', { name: 'Jean-Paul Habimana' });
    await other.getByRole('button', { name: 'Hide', exact: true }).click();
    await other.getByLabel(/^Why hide this reply/).fill('I disagree with it.');
    await other.getByRole('button', { name: 'Hide this reply' }).click();
    await other.getByRole('alert').waitFor();
    expect(await other.getByRole('alert').innerText()).toContain('Something went wrong');
    expect(await other.getByText('Our treasury did.').isVisible()).toBe(true);
    const kept = await posts.findOneByOrFail({ threadId: p.threadId, body: 'Our treasury did.' });
    expect(kept.hiddenAt).toBeNull();
  });

  it('shows insights computed from the replies and the audit log, accessibly', async () => {
    const { t } = suite;
    const p = await programme();
    // Two more from finance (the thread's author is Kofi, finance, GH) answer the thread.
    const named = async (displayName: string, country: string) =>
      newMember(t, p.cohortId, { ministry: 'finance', country, user: await newUser(t, { displayName }) });
    const esi = await named('Esi Boateng', 'GH');
    const wanjiku = await named('Wanjiku Kamau', 'KE');
    await t.ok(REPLY, { input: { threadId: p.threadId, body: 'Ours came from the ICT levy.' } }, esi.token);
    await t.ok(REPLY, { input: { threadId: p.threadId, body: 'A donor paid the first year.' } }, wanjiku.token);
    await t.ok(
      INVITE,
      {
        input: {
          cohortId: p.cohortId,
          email: 'awa.ndiaye@gov.example',
          role: 'MEMBER',
          ministry: 'ict',
          country: 'SN',
        },
      },
      p.facilitator.token,
    );
    await t.ok(REMOVE, { input: { membershipId: p.member.membershipId } }, p.facilitator.token);

    const page = await manage(p.facilitator, p.cohortId);
    const insights = page.locator('#insights-section');
    const figure = (label: string) => insights.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd');
    await figure('Replies to another ministry').waitFor();
    // Four replies: Jean-Paul (planning, RW) to Kofi's thread (finance, GH); Kofi to Jean-Paul;
    // Esi (finance, GH) and Wanjiku (finance, KE) to Kofi's thread. Across ministries: the first
    // two, 2/4. Across countries: all but Esi's, 3/4. Active: the four who wrote; no needs.
    expect(await figure('Replies to another ministry').innerText()).toBe('50%');
    expect(await figure('Replies to another country').innerText()).toBe('75%');
    expect(await figure('Members who contributed').innerText()).toBe('4');
    expect(await figure('Needs addressed').innerText()).toBe('No data yet');
    // Finance: Kofi, Esi and Wanjiku; the thread and three replies. Smaller groups are withheld.
    const byMinistry = page.getByRole('table', { name: 'Participation by ministry, per week' });
    const finance = await byMinistry.getByRole('row').filter({ hasText: 'Finance' }).innerText();
    expect(finance.trim()).toMatch(/Finance\s+3\s+4$/);
    expect(await byMinistry.getByRole('row').filter({ hasText: 'Planning' }).innerText()).toContain('Withheld');
    const byCountry = page.getByRole('table', { name: 'Participation by country, per week' });
    expect(await byCountry.getByRole('row').filter({ hasText: 'GH' }).innerText()).toContain('Withheld');

    // Newest first, each with who did it.
    const audit = page.getByRole('table', { name: 'Audit log', exact: true });
    const actions = await audit.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(actions.indexOf('membership.removed')).toBeLessThan(actions.indexOf('invitation.created'));
    for (const action of ['membership.removed', 'invitation.created']) {
      expect(await audit.getByRole('row').filter({ hasText: action }).innerText()).toContain('Jean-Paul Habimana');
    }

    // Every section rendered, the grants included; no invitation link on screen.
    await page.getByRole('form', { name: 'Invite someone' }).getByLabel('Role').selectOption('SCHOLAR');
    await page.getByRole('checkbox', { name: 'Space' }).waitFor();
    expect(await page.getByLabel('Invitation link').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'manage.png'), fullPage: true });
    await insights.screenshot({ path: join(SCREENSHOTS, 'insights.png') });
  });

  it('speaks French on the manage page', async () => {
    const p = await programme();
    const page = await suite.newPage();
    await signIn(page, p.facilitator);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'Vos cohortes' }).waitFor();
    await page.goto(`${suite.t.url}/#/manage/${p.cohortId}`);
    await page.getByRole('heading', { name: 'Gérer la cohorte', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'La fin du programme' }).waitFor();
    expect(await page.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([
      'Inviter quelqu’un',
      'Invitations en attente',
      'Membres',
      'Indicateurs',
      'Journal d’audit',
      'La fin du programme',
    ]);
    await page.getByRole('table', { name: 'Participation par ministère, par semaine' }).waitFor();
    expect(await page.getByRole('button', { name: 'Créer l’invitation' }).count()).toBe(1);
  });

  it('concludes the cohort, is told the archive waits for the vote, then archives it', async () => {
    const { t } = suite;
    const p = await programme();
    const vendor = await newMember(t, p.cohortId, { role: 'VENDOR', ministry: 'private-sector', country: 'KE' });
    const page = await manage(p.facilitator, p.cohortId);
    const section = page.getByRole('region', { name: 'The end of the programme' });
    await section.getByLabel(/Days the archive keeps content/).fill('730');
    await section.getByRole('button', { name: 'Conclude the cohort' }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await section.getByText(/Concluded on/).waitFor();
    const [cohort] = await t.dataSource.query<{ status: string }[]>('SELECT status FROM cohorts WHERE id = $1', [
      p.cohortId,
    ]);
    expect(cohort.status).toBe('CONCLUDED');
    // The guest's access ended with the conclusion; the archive proposal offers 730 days.
    const me = await t.gql('query { me { memberships { id } } }', {}, vendor.token);
    expect(me.data).toEqual({ me: { memberships: [] } });
    const [proposal] = await t.dataSource.query<{ id: string; policy_change: { retentionDays: number } }[]>(
      `SELECT p.id, p.policy_change FROM norm_proposals p JOIN cohorts c ON c.archive_proposal_id = p.id
        WHERE c.id = $1`,
      [p.cohortId],
    );
    expect(proposal.policy_change.retentionDays).toBe(730);

    // Archiving before the members decided: the server's refusal, in words.
    await section.getByRole('button', { name: 'Archive the cohort' }).click();
    await section.getByRole('button', { name: 'Confirm: archive the cohort' }).click();
    await section.getByRole('alert').waitFor();
    await t.ok(
      'mutation ($id: ID!) { withdrawNorm(proposalId: $id) { id } }',
      { id: proposal.id },
      p.facilitator.token,
    );
    await section.getByRole('button', { name: 'Confirm: archive the cohort' }).click();
    await section.getByText(/Archived on .*read-only/).waitFor();
    const [archived] = await t.dataSource.query<{ status: string }[]>('SELECT status FROM cohorts WHERE id = $1', [
      p.cohortId,
    ]);
    expect(archived.status).toBe('ARCHIVED');
  });
  it('opens a space for members only and schedules a session with a scholar, in the facilitator’s time', async () => {
    const { t } = suite;
    const p = await programme();
    const scholar = await newMember(t, p.cohortId, {
      role: 'SCHOLAR',
      ministry: 'academia',
      country: 'GH',
      user: await newUser(t, { displayName: 'Prof. Ama Owusu' }),
    });
    const page = await suite.newPage();
    await signIn(page, p.facilitator);
    await page.getByRole('link', { name: COHORT_NAME }).click();
    const spaceForm = page.getByRole('form', { name: 'Open a space' });
    await spaceForm.getByLabel('Title of the space').fill('Budget negotiations');
    await spaceForm.getByLabel('What it is for').fill('Among officials only');
    await spaceForm.getByLabel('Member (policymaker)').check();
    await spaceForm.getByRole('button', { name: 'Open the space' }).click();
    await page.getByRole('link', { name: 'Budget negotiations' }).waitFor();
    const [space] = await t.dataSource.query<{ audience_roles: string[] }[]>(
      `SELECT audience_roles::text[] AS audience_roles FROM spaces WHERE cohort_id = $1 AND title = 'Budget negotiations'`,
      [p.cohortId],
    );
    expect(space.audience_roles).toEqual(['MEMBER']);

    // The browser is in Nairobi (UTC+3): 10:00 there is 07:00 UTC.
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const sessionForm = page.getByRole('form', { name: 'Schedule a session' });
    await sessionForm.getByLabel('Title of the session').fill('Costing school connectivity');
    await sessionForm.getByLabel('What it will cover').fill('Unit costs from three countries');
    await sessionForm.getByLabel(/Starts \(your time, Africa\/Nairobi\)/).fill(`${day}T10:00`);
    await sessionForm.getByLabel('Length').selectOption('90');
    await sessionForm.getByLabel('Prof. Ama Owusu (Scholar)').check();
    expect(await seriousViolations(page)).toEqual([]);
    await sessionForm.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('link', { name: 'Costing school connectivity' }).waitFor();
    const [session] = await t.dataSource.query<{ id: string; starts_at: Date; ends_at: Date; time_zone: string }[]>(
      `SELECT id, starts_at, ends_at, time_zone FROM sessions WHERE cohort_id = $1 AND title = 'Costing school connectivity'`,
      [p.cohortId],
    );
    expect(session.starts_at.toISOString()).toBe(`${day}T07:00:00.000Z`);
    expect(session.ends_at.getTime() - session.starts_at.getTime()).toBe(90 * 60_000);
    expect(session.time_zone).toBe('Africa/Nairobi');
    const granted = await t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id: scholar.membershipId });
    expect(granted.grantedSessionIds).toEqual([session.id]);
  });
});
