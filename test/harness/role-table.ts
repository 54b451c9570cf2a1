import { adminToken, newCohort, newMember, ROLES, type TestMember } from './factories.js';
import { type GqlResponse, startTestApp, type TestApp } from './test-app.js';

/**
 * The contract's role table: every kind of caller against every operation of a feature, asserting
 * the exact outcome and, for refused writes, that nothing changed. Each feature lists its
 * operations; this file runs them.
 */
export const ACTORS = [...ROLES, 'ADMIN', 'OUTSIDER', 'REMOVED', 'EXPIRED'] as const;
export type ActorKind = (typeof ACTORS)[number];

/**
 * `empty`: a list that answers with nothing in it. `BAD_USER_INPUT`: a caller the rules let through,
 * whose input is then refused (where no input can succeed without state of the caller's own).
 */
export type Outcome = 'ok' | 'empty' | 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT';

export const row = (values: Partial<Record<ActorKind, Outcome>>, otherwise: Outcome): Record<ActorKind, Outcome> =>
  Object.fromEntries(ACTORS.map((actor) => [actor, values[actor] ?? otherwise])) as Record<ActorKind, Outcome>;

export const OUTSIDERS = { OUTSIDER: 'NOT_FOUND', REMOVED: 'NOT_FOUND', EXPIRED: 'NOT_FOUND' } as const;

export interface Actors {
  cohortId: string;
  tokens: Record<ActorKind, string>;
  /** Memberships of the actors that have one in the cohort. */
  memberships: Partial<Record<ActorKind, string>>;
}

/**
 * A new cohort with one caller of every kind: a member of each role, the platform admin, a
 * facilitator of another cohort, and a removed and an expiring facilitator of this one (the
 * runner closes the expiring one's window for its request). A second facilitator keeps the
 * last-facilitator rule out of the way.
 */
export async function actorsIn(t: TestApp): Promise<Actors> {
  const cohortId = (await newCohort(t)).id;
  const tokens = {} as Record<ActorKind, string>;
  const memberships: Partial<Record<ActorKind, string>> = {};
  const add = (actor: ActorKind, member: TestMember) => {
    tokens[actor] = member.token;
    memberships[actor] = member.membershipId;
  };
  for (const role of ROLES) add(role, await newMember(t, cohortId, { role }));
  await newMember(t, cohortId, { role: 'FACILITATOR' });
  add('REMOVED', await newMember(t, cohortId, { role: 'FACILITATOR', status: 'REMOVED' }));
  add('EXPIRED', await newMember(t, cohortId, { role: 'FACILITATOR', accessExpiresAt: new Date(Date.now() + 60_000) }));
  tokens.ADMIN = await adminToken(t);
  tokens.OUTSIDER = (await newMember(t, (await newCohort(t)).id, { role: 'FACILITATOR' })).token;
  return { cohortId, tokens, memberships };
}

export interface RoleOperation<F extends Actors> {
  name: string;
  expected: Record<ActorKind, Outcome>;
  /** Runs before the snapshot, for operations that need something in place. */
  prepare?(t: TestApp, f: F): Promise<void>;
  run(t: TestApp, f: F, token: string): Promise<GqlResponse>;
  /** A snapshot of what the operation would change; equal before and after a refusal. */
  state?(t: TestApp, f: F): Promise<unknown>;
  /** For lists: how many items the answer holds (0 for `empty`, some for `ok`). */
  count?(data: unknown): number;
}

/** Registers the table as one Jest case per operation and caller. */
export function roleTable<F extends Actors>(
  title: string,
  operations: RoleOperation<F>[],
  fixture: (t: TestApp) => Promise<F>,
) {
  describe(title, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    const cases = operations.flatMap((operation) =>
      ACTORS.map((actor) => [operation.name, actor, operation.expected[actor], operation] as const),
    );

    it.each(cases)('%s as %s: %s', async (_name, actor, expected, operation) => {
      const f = await fixture(t);
      await operation.prepare?.(t, f);
      // The expiring member's window closes now: the clock moves past it for this request only.
      t.clock.advance(actor === 'EXPIRED' ? 120_000 : 0);
      try {
        const before = await operation.state?.(t, f);
        const res = await operation.run(t, f, f.tokens[actor]);
        if (expected === 'ok' || expected === 'empty') {
          expect(res.errors).toBeUndefined();
          if (operation.state) expect(await operation.state(t, f)).not.toEqual(before);
          if (operation.count) expect(operation.count(res.data) > 0).toBe(expected === 'ok');
        } else {
          expect(res.errors?.map((e) => e.extensions?.code)).toEqual([expected]);
          expect(await operation.state?.(t, f)).toEqual(before);
        }
      } finally {
        t.clock.set(null);
      }
    });

    it(`runs ${cases.length} authorization cases`, () => {
      expect(cases.length).toBe(operations.length * ACTORS.length);
    });
  });
}
