import axe from 'axe-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { RsvpStatus, SessionEntity, SessionRsvpEntity, type SessionState } from '../../src/sessions/session.entity.js';
import { newCohort, newMember, newSpace, newThread, newUser, type TestMember } from './factories.js';
import { startTestApp, type TestApp } from './test-app.js';

/** Debian's Chromium, installed by `.ci/run`; without it (the README quick start) browser tests are skipped. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const withBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
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
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

export const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';

/** Serious and critical accessibility violations axe-core finds on the page, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  // Runs in the page, where axe-core was just added.
  const result = await page.evaluate<axe.AxeResults>('axe.run()');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export interface BrowserSuite {
  t: TestApp;
  browser: Browser;
  /** A new page in a browser of its own (its own storage and token): one person. */
  newPage(): Promise<Page>;
}

/**
 * The real server and a headless Chromium for a `describe` block. Each `newPage` is a separate
 * browser context in the Nairobi time zone; all are closed after each test.
 */
export function browserSuite(): BrowserSuite {
  const contexts: BrowserContext[] = [];
  const suite = {
    newPage: async () => {
      const context = await suite.browser.newContext({ timezoneId: 'Africa/Nairobi', locale: 'en-GB' });
      contexts.push(context);
      return context.newPage();
    },
  } as BrowserSuite;
  beforeAll(async () => {
    suite.t = await startTestApp();
    suite.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  return suite;
}

/** Signs in with the keyboard only: the form is reachable and usable without a mouse. */
export async function signIn(t: TestApp, page: Page, who: TestMember): Promise<void> {
  await page.goto(`${t.url}/#/login`);
  await page.getByLabel('Email').focus();
  await page.keyboard.type(who.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Your cohorts' }).waitFor();
}

export const COHORT_NAME = 'Digital Education Reform 2026';

/**
 * A cohort with named people from three ministries and countries, a space, and a thread with a
 * nested reply. The member has accepted the charter only if told.
 */
export async function programme(t: TestApp, { accepted = false } = {}) {
  const cohortId = (await newCohort(t, COHORT_NAME)).id;
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
    await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body: 'Our treasury did.' } }, facilitator.token)
  ).reply.id;
  await t.ok(REPLY, { input: { threadId, body: 'Through a framework agreement?', parentId: first } }, peer.token);
  return { cohortId, facilitator, peer, member, spaceId, threadId };
}

/** The programme's people with a session today, everyone answering GOING. */
export async function programmeWithSession(t: TestApp, state: SessionState) {
  const p = await programme(t, { accepted: true });
  const session = await t.dataSource.getRepository(SessionEntity).save({
    cohortId: p.cohortId,
    title: 'Financing school connectivity',
    abstract: 'Universal service funds, three experiences',
    startsAt: new Date(Date.now() - 300_000),
    endsAt: new Date(Date.now() + 3_600_000),
    timeZone: 'Africa/Kigali',
    state,
    createdById: p.facilitator.id,
  });
  const ict = await newMember(t, p.cohortId, {
    ministry: 'ict',
    country: 'SN',
    user: await newUser(t, { displayName: 'Awa Ndiaye' }),
  });
  const going = async (who: TestMember) =>
    t.dataSource.getRepository(SessionRsvpEntity).save({
      cohortId: p.cohortId,
      sessionId: session.id,
      membershipId: who.membershipId,
      status: RsvpStatus.GOING,
    });
  for (const who of [p.member, p.peer, ict]) await going(who);
  return { ...p, ict, sessionId: session.id };
}
