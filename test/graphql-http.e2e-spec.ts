import { type AuditResult, serverAudits } from 'graphql-http';
import { startTestApp, type TestApp } from './harness/test-app.js';

/**
 * The GraphQL-over-HTTP spec's own audit suite (graphql-http) against the live server: every MUST
 * holds. SHOULD and MAY results that fail are listed in docs/security.md with the reason.
 */
describe('GraphQL over HTTP compliance', () => {
  let t: TestApp;
  let results: { id: string; name: string; status: AuditResult['status']; reason?: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    const audits = serverAudits({ url: `${t.url}/graphql`, fetchFn: fetch });
    results = [];
    for (const audit of audits) {
      const result = await audit.fn();
      results.push({
        id: audit.id,
        name: audit.name,
        status: result.status,
        reason: result.status === 'ok' ? undefined : result.reason,
      });
    }
  });
  afterAll(() => t.close());

  it('runs the audit suite', () => {
    expect(results.length).toBeGreaterThan(40);
  });

  it('passes every MUST audit', () => {
    const failedMusts = results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok');
    expect(failedMusts).toEqual([]);
  });

  it('misses only the SHOULD and MAY audits documented in docs/security.md', () => {
    const missed = results.filter((r) => !r.name.startsWith('MUST') && r.status !== 'ok').map((r) => r.id);
    expect(missed.sort()).toEqual(
      [
        // 400 rather than 200 on parse, validation and variable failures with application/json.
        '572B',
        'FDE2',
        '7B9B',
        // GET requests are refused by CSRF prevention unless they carry a preflight header.
        '5A70',
        'D6D5',
        '6A70',
      ].sort(),
    );
  });
});
