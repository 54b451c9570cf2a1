import { AccessTokenEntity } from '../src/auth/access-token.entity.js';
import { newUser } from './harness/factories.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './harness/test-app.js';

const LOGIN = 'mutation Login($input: LoginInput!) { login(input: $input) { token user { id displayName email } } }';
const ME = 'query Me { me { id displayName email platformRole } }';
const LOGOUT = 'mutation Logout { logout }';

describe('accounts and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates the configured admin at start, who can log in and read me', async () => {
    const token = await t.adminToken();
    const { me } = await t.ok<{ me: { email: string; platformRole: string } }>(ME, {}, token);
    expect(me).toMatchObject({ email: TEST_ADMIN.email, platformRole: 'ADMIN' });
  });

  it('logs in case-insensitively by email and returns the account', async () => {
    const user = await newUser(t);
    const { login } = await t.ok<{ login: { token: string; user: { id: string; email: string } } }>(LOGIN, {
      input: { email: user.email.toUpperCase(), password: user.password },
    });
    expect(login.user).toMatchObject({ id: user.id, email: user.email });
    expect(login.token).toMatch(/^cvn_/);
  });

  it('answers a wrong password and an unknown email with the same error', async () => {
    const user = await newUser(t);
    const wrong = await t.gql(LOGIN, { input: { email: user.email, password: 'not the password' } });
    const unknown = await t.gql(LOGIN, { input: { email: 'nobody@test.convene', password: 'whatever' } });
    expect(wrong.errors?.[0]).toMatchObject({
      message: 'Invalid email or password',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(unknown.errors?.[0].message).toBe(wrong.errors?.[0].message);
    expect(unknown.errors?.[0].extensions).toEqual(wrong.errors?.[0].extensions);
  });

  it('stores tokens only as hashes', async () => {
    const user = await newUser(t);
    const token = await t.login(user.email, user.password);
    const rows = await t.dataSource.getRepository(AccessTokenEntity).findBy({ userId: user.id });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.tokenHash)).not.toContain(token);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.tokenHash))).toBe(true);
  });

  it('makes the token useless on the very next request after logout', async () => {
    const user = await newUser(t);
    const token = await t.login(user.email, user.password);
    expect((await t.ok<{ logout: boolean }>(LOGOUT, {}, token)).logout).toBe(true);
    expect(await t.errorCode(ME, {}, token)).toBe('UNAUTHENTICATED');
  });

  it('logout revokes only the token it was sent with', async () => {
    const user = await newUser(t);
    const first = await t.login(user.email, user.password);
    const second = await t.login(user.email, user.password);
    await t.ok(LOGOUT, {}, first);
    expect((await t.ok<{ me: { id: string } }>(ME, {}, second)).me.id).toBe(user.id);
  });

  it('refuses an expired token', async () => {
    const user = await newUser(t);
    const token = await t.login(user.email, user.password);
    t.clock.advance((t.config.tokenTtlSeconds + 1) * 1000);
    try {
      expect(await t.errorCode(ME, {}, token)).toBe('UNAUTHENTICATED');
    } finally {
      t.clock.set(null);
    }
  });

  it.each([
    ['no header', undefined],
    ['an unknown token', 'Bearer cvn_unknown'],
    ['a malformed header', 'Basic abc'],
  ])('answers UNAUTHENTICATED with %s', async (_case, header) => {
    const req = t.http().post('/graphql').set('content-type', 'application/json');
    if (header) req.set('authorization', header);
    const res = await req.send({ query: ME });
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.body.data).toBeNull();
  });
});
