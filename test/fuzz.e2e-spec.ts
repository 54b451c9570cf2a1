import { GraphQLSchemaHost } from '@nestjs/graphql';
import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { newCohort, newMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

/**
 * Hostile input for every query and mutation of the schema: wrong types, huge strings, Unicode
 * edge cases, nulls, ids of another cohort, deep nesting. The server must never answer 5xx,
 * never show a stack or SQL, use only the contract's codes, and leave the database unchanged
 * whenever it refuses.
 */
const CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CHARTER_NOT_ACCEPTED',
  'CONFLICT',
  'RATE_LIMITED',
]);
const LEAKS = /stacktrace|\bat \w+ \(|node_modules|SELECT |INSERT INTO|UPDATE "|QueryFailedError|typeorm|pg_/i;
const RUNS_PER_OPERATION = 25;

function hostile(foreignIds: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.constantFrom(...foreignIds),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', ' ', '\u0000', '\u202e', '🏳️‍⚧️', 'ｃｏｈｏｒｔ', "'; DROP TABLE users; --", '%00', '../../etc'),
    fc.constant('x'.repeat(100_000)),
    fc.integer(),
    fc.double(),
    fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER),
    fc.boolean(),
    fc.constant([]),
    fc.constant({ nested: { deeper: { deepest: [1, [2, [3]]] } } }),
    fc.constantFrom('2031-13-45T25:61:00Z', '-200000-01-01T00:00:00Z', 'yesterday'),
  );
}

/** A value for an input type: mostly well-typed with hostile leaves, sometimes hostile at once. */
function valueFor(type: GraphQLInputType, foreignIds: string[], depth = 0): fc.Arbitrary<unknown> {
  const bad = hostile(foreignIds);
  if (depth > 3) return bad;
  if (isNonNullType(type)) return valueFor(type.ofType, foreignIds, depth);
  if (isListType(type)) {
    return fc.oneof(fc.array(valueFor(type.ofType, foreignIds, depth + 1), { maxLength: 4 }), bad);
  }
  if (isEnumType(type)) return fc.oneof(fc.constantFrom(...type.getValues().map((v) => v.value as string)), bad);
  if (isInputObjectType(type)) {
    const fields = Object.fromEntries(
      Object.values(type.getFields()).map((field) => [field.name, valueFor(field.type, foreignIds, depth + 1)]),
    );
    return fc.oneof({ weight: 4, arbitrary: fc.record(fields) }, bad);
  }
  // Scalars: mostly of the right type (so the resolvers run), edge values included.
  if (isScalarType(type)) {
    const typed: Record<string, fc.Arbitrary<unknown>> = {
      ID: fc.oneof(fc.uuid(), fc.constantFrom(...foreignIds), fc.string({ maxLength: 40 })),
      String: fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.emailAddress(),
        fc.constantFrom('KE', 'education', 'https://example.org/x', 'x'.repeat(30_000), '\u0000', ' '),
      ),
      Int: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31))),
      Float: fc.double({ noNaN: true }),
      Boolean: fc.boolean(),
      DateTime: fc.oneof(
        fc
          .date({ min: new Date('1800-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        fc.constantFrom('2031-02-30T10:00:00Z', '2031-01-01'),
      ),
    };
    return fc.oneof({ weight: 4, arbitrary: typed[type.name] ?? bad }, bad);
  }
  return bad;
}

function documentFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  if (field.args.length === 0) return `${kind} { ${field.name}${selection} }`;
  const declared = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return `${kind} (${declared}) { ${field.name}(${passed})${selection} }`;
}

describe('fuzzing every operation with hostile input', () => {
  let t: TestApp;
  let token: string;
  let foreignIds: string[];
  let tables: string[];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    t = await startTestApp();
    const mine = await newCohort(t);
    token = (await newMember(t, mine.id, { role: 'FACILITATOR' })).token;
    const other = await newCohort(t);
    const stranger = await newMember(t, other.id, { role: 'MEMBER' });
    foreignIds = [other.id, stranger.membershipId, '00000000-0000-0000-0000-000000000000'];
    tables = (
      await t.dataSource.query<{ name: string }[]>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'
           AND tablename NOT IN ('migrations', 'audit_entries', 'access_tokens') ORDER BY 1`,
      )
    ).map((row) => row.name);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await t.close();
  });

  /** Row counts of every table in one statement; a refused write must leave them as they were. */
  const snapshot = async () =>
    (
      await t.dataSource.query<Record<string, number>[]>(
        `SELECT ${tables.map((name) => `(SELECT count(*)::int FROM "${name}") AS "${name}"`).join(', ')}`,
      )
    )[0];

  it('answers every case without a server fault or a leak, and refusals change nothing', async () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const operations = [
      ...Object.values(schema.getQueryType()!.getFields()).map((f) => ['query', f] as const),
      ...Object.values(schema.getMutationType()!.getFields())
        .filter((f) => f.name !== 'logout')
        .map((f) => ['mutation', f] as const),
    ];
    let cases = 0;
    const problems: string[] = [];
    for (const [kind, field] of operations) {
      const document = documentFor(kind, field);
      const args = fc.record(Object.fromEntries(field.args.map((arg) => [arg.name, valueFor(arg.type, foreignIds)])));
      for (const variables of fc.sample(args, { numRuns: RUNS_PER_OPERATION, seed: 20261125 })) {
        const before = kind === 'mutation' ? await snapshot() : null;
        const res = await t
          .http()
          .post('/graphql')
          .set('content-type', 'application/json')
          .set('authorization', `Bearer ${token}`)
          .send({ query: document, variables });
        cases++;
        const body = res.text;
        const errors = (res.body as { errors?: { extensions?: { code?: string } }[] }).errors ?? [];
        const where = `${field.name} ${JSON.stringify(variables).slice(0, 200)}`;
        if (res.status >= 500) problems.push(`${res.status} from ${where}`);
        if (LEAKS.test(body)) problems.push(`internals in the answer to ${where}: ${body.slice(0, 200)}`);
        for (const error of errors) {
          if (!CODES.has(error.extensions?.code ?? '')) problems.push(`code ${error.extensions?.code} from ${where}`);
        }
        const refused = errors.length > 0 && !(res.body as { data?: unknown }).data;
        if (before && refused) {
          const after = await snapshot();
          if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`a refused ${where} changed the data`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(rejections).toEqual([]);
    expect(cases).toBe(operations.length * RUNS_PER_OPERATION);
    console.log(`fuzz: ${cases} cases over ${operations.length} operations`);
  }, 600_000);
});
