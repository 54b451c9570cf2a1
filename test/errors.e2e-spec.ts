import { startTestApp, type TestApp } from './harness/test-app.js';

const LOGIN = 'mutation Login($input: LoginInput!) { login(input: $input) { token } }';

describe('errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers malformed GraphQL with BAD_USER_INPUT, not a 500', async () => {
    const res = await t.gql('query { me { id ');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers an unknown field with BAD_USER_INPUT', async () => {
    const res = await t.gql('query { nothingHere }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers wrong-typed variables with BAD_USER_INPUT', async () => {
    const res = await t.gql(LOGIN, { input: { email: 42, password: ['x'] } });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('names the field that failed validation', async () => {
    const res = await t.gql(LOGIN, { input: { email: 'not-an-email', password: 'x' } });
    expect(res.errors?.[0]).toMatchObject({
      message: 'email: must be an email address',
      extensions: { code: 'BAD_USER_INPUT', field: 'email' },
    });
  });

  it('leaks no stack, SQL or internal detail in errors', async () => {
    const res = await t.gql(LOGIN, { input: { email: 'a'.repeat(400) + '@x.org', password: 'x' } });
    const body = JSON.stringify(res.errors);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body).not.toMatch(/stacktrace|at \w+ \(|SELECT|node_modules/i);
  });

  it('turns a server fault into a generic error with a correlation id, never a stack', async () => {
    // Make the users table unreachable for this one request to provoke a real database fault.
    await t.dataSource.query('ALTER TABLE users RENAME TO users_away');
    try {
      const res = await t.gql(LOGIN, { input: { email: 'someone@test.convene', password: 'x' } });
      expect(res.status).toBe(200);
      expect(res.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(res.errors?.[0].message).toMatch(/^Internal server error \(reference [\w-]+\)$/);
      expect(JSON.stringify(res.errors)).not.toMatch(/users_away|does not exist|stack/i);
    } finally {
      await t.dataSource.query('ALTER TABLE users_away RENAME TO users');
    }
  });

  it('serves liveness and readiness without credentials', async () => {
    expect((await t.http().get('/health')).status).toBe(200);
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('answers unknown routes and undecodable paths with JSON, never a stack page', async () => {
    for (const [path, status] of [
      ['/no-such-route', 404],
      ['/calendar/%E0%A4%A.ics', 400],
    ] as const) {
      const res = await t.http().get(path);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.text).not.toMatch(/at \w+ \(|node_modules|<html/i);
    }
  });

  it('sends security headers and hides the framework', async () => {
    const res = await t.http().get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
