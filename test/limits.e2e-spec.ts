import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse, validate } from 'graphql';
import type { Server } from 'node:http';
import { HTTP_TIMEOUTS } from '../src/app.js';
import { queryLimits } from '../src/common/query-limits.js';
import { newUser } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { testServerUrl } from './setup/test-database.js';

const LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { token } }';
const ME = 'query { me { id } }';

const codes = (res: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  res.errors?.map((e) => e.extensions?.code) ?? [];

describe('query limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('refuses more than 15 aliases in one document, so one request cannot run many searches', async () => {
    const user = await newUser(t);
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: ministries { code }`).join(' ');
    const res = await t.gql(`{ ${fields(16)} }`, {}, user.token);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0].message).toMatch(/alias/i);
    expect((await t.gql(`{ ${fields(15)} }`, {}, user.token)).errors).toBeUndefined();
  });

  it('refuses documents deeper than the limit, through fragments and introspection too', async () => {
    const nested = (depth: number): string => (depth === 0 ? 'name' : `ofType { ${nested(depth - 1)} }`);
    const direct = `{ __schema { types { fields { type { ${nested(20)} } } } } }`;
    const viaFragment = `query { ...F } fragment F on Query { __schema { types { fields { type { ${nested(20)} } } } } }`;
    for (const document of [direct, viaFragment]) {
      const res = await t.gql(document);
      expect(new Set(codes(res))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(res.errors?.map((e) => e.message).join(' ')).toMatch(/depth limit/i);
    }
  });

  it('refuses costly documents, introspection counted: 6 heavy trees are refused, 5 are not', async () => {
    const nest = (d: number): string =>
      d === 0 ? 'name kind description' : `name kind description ofType { ${nest(d - 1)} }`;
    const tree = `__schema { types { name fields { name type { ${nest(12)} } args { name type { ${nest(11)} } } } } }`;
    const trees = (n: number) => `query { ${Array.from({ length: n }, (_, i) => `a${i}: ${tree}`).join(' ')} }`;
    const refused = await t.gql(trees(6));
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0].message).toMatch(/cost/i);
    expect((await t.gql(trees(5))).errors).toBeUndefined();
  });

  // The contract lives beside the repository (../shared/contract); a checkout elsewhere skips this.
  const contractFile = join(import.meta.dirname, '../../shared/contract/operations.graphql');
  (existsSync(contractFile) ? it : it.skip)('lets every document of the contract through the limits', () => {
    const schema = buildSchema(readFileSync(join(import.meta.dirname, '../schema/schema.graphql'), 'utf8'));
    const contract = parse(readFileSync(contractFile, 'utf8'));
    const rules = queryLimits(true).validationRules;
    const operations = contract.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    expect(operations.length).toBeGreaterThanOrEqual(35);
    for (const operation of operations) {
      const document = { ...contract, definitions: [operation] };
      expect({ name: operation.name?.value, errors: validate(schema, document, rules).map((e) => e.message) }).toEqual({
        name: operation.name?.value,
        errors: [],
      });
    }
  });

  it('refuses documents of more than 15000 tokens as bad input, not a server fault', async () => {
    const res = await t.gql(`{ ${Array.from({ length: 8000 }, () => '__typename').join(' ')} }`);
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('counts list items across nesting, fragments and variables: 100 threads × 100 posts refused', async () => {
    const user = await newUser(t);
    const spaceId = '00000000-0000-4000-8000-000000000000';
    const doc = (threads: number) => `query { ...Page } fragment Page on Query {
      threads(spaceId: "${spaceId}", first: ${threads}) { edges { node { ...Posts } } } }
      fragment Posts on Thread { posts(first: 100) { edges { node { id } } } }`;
    // 100 threads and 10,000 posts: 10,100 items; 50 threads and 5,000 posts: 5,050.
    const refused = await t.gql(doc(100), {}, user.token);
    expect(new Set(codes(refused))).toEqual(new Set(['BAD_USER_INPUT']));
    const smaller = await t.gql(doc(50), {}, user.token);
    expect(smaller.errors?.map((e) => e.message).join(' ') ?? '').not.toMatch(/list items/);
    // `first` given through a variable counts as given.
    const viaVariable = `query ($n: Int) { threads(spaceId: "${spaceId}", first: $n) { edges { node {
      posts(first: 100) { edges { node { id } } } } } } }`;
    const big = await t.gql(viaVariable, { n: 100 }, user.token);
    expect(big.status).toBe(400);
    expect(big.errors?.map((e) => e.message).join(' ')).toMatch(/10100 list items/);
    const small = await t.gql(viaVariable, { n: 10 }, user.token);
    expect(small.errors?.map((e) => e.message).join(' ') ?? '').not.toMatch(/list items/);
  });

  it('refuses more than 20 directives in one document', async () => {
    const directives = (n: number) =>
      Array.from({ length: n }, (_, i) => `t${i}: __typename @include(if: true)`).join(' ');
    const refused = await t.gql(`{ ${directives(21)} }`);
    expect(new Set(codes(refused))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(refused.errors?.map((e) => e.message).join(' ')).toMatch(/directives limit/i);
    expect((await t.gql(`{ ${directives(20)} }`)).errors).toBeUndefined();
  });

  it('refuses batched HTTP requests', async () => {
    const res = await t
      .http()
      .post('/graphql')
      .set('content-type', 'application/json')
      .send([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(JSON.stringify(res.body)).toMatch(/BAD_USER_INPUT/);
    expect(JSON.stringify(res.body)).not.toMatch(/"data"/);
  });
});

describe('HTTP protections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('blocks a GET request that could be a cross-site request forgery', async () => {
    const res = await t.http().get('/graphql').query({ query: '{ __typename }' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/CSRF/);
    const preflighted = await t
      .http()
      .get('/graphql')
      .query({ query: '{ __typename }' })
      .set('apollo-require-preflight', '1');
    expect(preflighted.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('does not let slow clients hold connections', () => {
    const server = t.app.getHttpServer() as Server;
    expect([server.requestTimeout, server.headersTimeout, server.keepAliveTimeout]).toEqual([
      HTTP_TIMEOUTS.requestMs,
      HTTP_TIMEOUTS.headersMs,
      HTTP_TIMEOUTS.keepAliveMs,
    ]);
  });
});

describe('in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: 'production' });
  });
  afterAll(() => t.close());

  it('serves no GraphQL landing page', async () => {
    const page = await t.http().get('/graphql').set('accept', 'text/html');
    expect(page.text).not.toMatch(/<html|<!doctype|embeddable-sandbox|landing/i);
  });

  it('turns introspection off and suggests no field names', async () => {
    const user = await newUser(t);
    expect(codes(await t.gql('{ __schema { types { name } } }', {}, user.token))).toEqual(['BAD_USER_INPUT']);
    const typo = await t.gql('{ cohortz { id } }', {}, user.token);
    expect(codes(typo)).toEqual(['BAD_USER_INPUT']);
    expect(typo.errors?.[0].message).not.toMatch(/did you mean/i);
  });
});

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_MULTIPLIER: '1',
      RATE_LIMIT_PER_MINUTE: '8',
      RATE_LIMIT_LOGINS_PER_ACCOUNT: '3',
      RATE_LIMIT_LOGINS_PER_IP: '12',
    });
  });
  afterAll(() => t.close());

  it('limits logins per account with RATE_LIMITED and a retry hint, whatever the password', async () => {
    const user = await newUser(t);
    const attempt = (password: string) => t.gql(LOGIN, { input: { email: user.email, password } });
    for (let i = 0; i < 3; i++) expect(codes(await attempt('wrong password here'))).toEqual(['UNAUTHENTICATED']);
    const limited = await attempt(user.password);
    expect(codes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.errors?.[0].extensions?.retryAfter).toEqual(expect.any(Number));
  });

  it('counts every login alias of one document', async () => {
    const user = await newUser(t);
    // Right passwords, so each alias runs: the fourth is over the account's limit of three.
    const aliases = Array.from(
      { length: 5 },
      (_, i) => `l${i}: login(input: { email: "${user.email}", password: "${user.password}" }) { token }`,
    ).join(' ');
    const res = await t.gql(`mutation { ${aliases} }`);
    expect(codes(res)).toEqual(['RATE_LIMITED']);
    expect(res.errors?.[0].path).toEqual(['l3']);
  });

  it('limits logins per IP across accounts', async () => {
    // Eight attempts from this address so far; fresh accounts do not reset the count.
    const answers = [];
    for (let i = 0; i < 6; i++) {
      const user = await newUser(t);
      answers.push(codes(await t.gql(LOGIN, { input: { email: user.email, password: 'wrong password' } }))[0]);
    }
    expect(answers).toContain('RATE_LIMITED');
    expect(answers.indexOf('RATE_LIMITED')).toBeLessThanOrEqual(4);
  });

  it('limits requests per account and scales with RATE_LIMIT_MULTIPLIER', async () => {
    const user = await newUser(t);
    const results = [];
    for (let i = 0; i < 10; i++) results.push(codes(await t.gql(ME, {}, user.token))[0] ?? 'ok');
    expect(results.filter((code) => code === 'ok')).toHaveLength(8);
    expect(results.slice(8)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);

    const doubled = await startTestApp({ RATE_LIMIT_MULTIPLIER: '2', RATE_LIMIT_PER_MINUTE: '8' });
    try {
      const other = await newUser(doubled);
      const allowed = [];
      for (let i = 0; i < 17; i++) allowed.push(codes(await doubled.gql(ME, {}, other.token))[0] ?? 'ok');
      expect(allowed.filter((code) => code === 'ok')).toHaveLength(16);
    } finally {
      await doubled.close();
    }
  });
});

const REDIS_URL = process.env.TEST_REDIS_URL;
const shared = REDIS_URL && testServerUrl() ? describe : describe.skip;

shared('rate limits shared by instances through Redis', () => {
  it('counts logins to one account across two instances together', async () => {
    const env = { REDIS_URL: REDIS_URL!, RATE_LIMIT_MULTIPLIER: '1', RATE_LIMIT_LOGINS_PER_ACCOUNT: '4' };
    const a = await startTestApp(env);
    const b = await startTestApp(env, { sharing: a });
    try {
      const user = await newUser(a);
      const attempt = (t: TestApp) => t.gql(LOGIN, { input: { email: user.email, password: 'not the password' } });
      const answers = [];
      for (const t of [a, b, a, b, a]) answers.push(codes(await attempt(t))[0]);
      expect(answers).toEqual([
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'RATE_LIMITED',
      ]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
