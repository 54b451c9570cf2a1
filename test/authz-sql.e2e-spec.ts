import { randomUUID } from 'node:crypto';
import { subject } from '@casl/ability';
import fc from 'fast-check';
import { type Action, type AppAbility, defineAbilityFor } from '../src/authz/ability.factory.js';
import { accessibleBy, type ColumnMap } from '../src/authz/sql-conditions.js';
import type { Actor, ActorMembership, SubjectShapes } from '../src/authz/subjects.js';
import { CohortRole, MembershipStatus } from '../src/cohorts/cohort-role.js';
import { CohortEntity } from '../src/cohorts/cohort.entity.js';
import { MEMBERSHIP_COLUMNS } from '../src/cohorts/cohorts.service.js';
import { InvitationEntity } from '../src/cohorts/invitation.entity.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { SPACE_COLUMNS } from '../src/spaces/spaces.service.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { SessionEntity } from '../src/sessions/session.entity.js';
import { SESSION_COLUMNS } from '../src/sessions/sessions.service.js';
import { newUser, ROLES } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

/**
 * List queries filter rows in SQL with `accessibleBy`; single rows are judged with `ability.can`.
 * For random actors, both must pick exactly the same rows of a fixed pool in the real database.
 */
const NOW = new Date('2031-06-15T12:00:00.000Z');
const POOL_SEED = 20310615;
const STATUSES = ['ACTIVE', 'REMOVED'] as const;

type Checked = 'Cohort' | 'Membership' | 'Invitation' | 'Space' | 'Session';
type AppSubject = Parameters<AppAbility['can']>[1];

interface Pool {
  userIds: string[];
  rows: { [K in Checked]: SubjectShapes[K][] };
}

interface Target {
  action: Action;
  subjectType: Checked;
  entity:
    typeof CohortEntity | typeof MembershipEntity | typeof InvitationEntity | typeof SpaceEntity | typeof SessionEntity;
  alias: string;
  columns: ColumnMap;
  numRuns: number;
}

const TARGETS: Target[] = [
  ...(['read', 'update', 'remove'] as const).map((action) => ({
    action,
    subjectType: 'Membership' as const,
    entity: MembershipEntity,
    alias: 'm',
    columns: MEMBERSHIP_COLUMNS,
    numRuns: 1000,
  })),
  { action: 'read', subjectType: 'Cohort', entity: CohortEntity, alias: 'c', columns: { id: 'c.id' }, numRuns: 300 },
  {
    action: 'read',
    subjectType: 'Invitation',
    entity: InvitationEntity,
    alias: 'i',
    columns: { id: 'i.id', cohortId: 'i.cohort_id' },
    numRuns: 300,
  },
  { action: 'read', subjectType: 'Space', entity: SpaceEntity, alias: 's', columns: SPACE_COLUMNS, numRuns: 1000 },
  // The session list and the calendar feed filter by `read`; `ask` is where grants differ by role.
  ...(
    [
      ['read', 1000],
      ['ask', 300],
    ] as const
  ).map(([action, numRuns]) => ({
    action,
    subjectType: 'Session' as const,
    entity: SessionEntity,
    alias: 's',
    columns: SESSION_COLUMNS,
    numRuns,
  })),
];

const MINISTRY_SAMPLE = ['ict', 'finance', 'education'];

/** ~24 spaces with every kind of audience (roles, ministries, both, neither), the same on every run. */
function spacePlan(cohorts: number) {
  const plan = fc.array(
    fc.record({
      cohort: fc.nat(cohorts - 1),
      audienceRoles: fc.uniqueArray(fc.constantFrom(...ROLES), { maxLength: 2 }),
      audienceMinistries: fc.uniqueArray(fc.constantFrom(...MINISTRY_SAMPLE), { maxLength: 2 }),
    }),
    { minLength: 24, maxLength: 24 },
  );
  return fc.sample(plan, { numRuns: 1, seed: POOL_SEED })[0];
}

/** ~40 distinct (cohort, user) pairs with a role and a status, the same on every run. */
function membershipPlan(cohorts: number, users: number) {
  const plan = fc.uniqueArray(
    fc.record({
      cohort: fc.nat(cohorts - 1),
      user: fc.nat(users - 1),
      role: fc.constantFrom(...ROLES),
      status: fc.constantFrom(...STATUSES),
    }),
    { minLength: 40, maxLength: 40, selector: (m) => `${m.cohort}:${m.user}` },
  );
  return fc.sample(plan, { numRuns: 1, seed: POOL_SEED })[0];
}

async function insertPool(t: TestApp): Promise<Pool> {
  const users = [];
  for (let i = 0; i < 10; i++) users.push(await newUser(t));
  const userIds = users.map((u) => u.id);
  const repo = <E extends object>(entity: new () => E) => t.dataSource.getRepository<E>(entity);
  const cohorts = await repo(CohortEntity).save(
    Array.from({ length: 5 }, (_, i) => ({ name: `Pool cohort ${i}`, purpose: 'authz pool', createdById: userIds[0] })),
  );
  await repo(MembershipEntity).save(
    membershipPlan(cohorts.length, users.length).map((m) => ({
      cohortId: cohorts[m.cohort].id,
      userId: userIds[m.user],
      role: m.role as CohortRole,
      ministry: 'ict',
      country: 'KE',
      status: m.status as MembershipStatus,
    })),
  );
  await repo(InvitationEntity).save(
    Array.from({ length: 20 }, (_, i) => ({
      cohortId: cohorts[i % cohorts.length].id,
      email: `invitee-${i}@gov.example`,
      role: ROLES[i % ROLES.length] as CohortRole,
      ministry: 'finance',
      country: 'RW',
      tokenHash: `hash-${i}-${randomUUID()}`,
      expiresAt: new Date(NOW.getTime() + 86_400_000),
      invitedById: userIds[i % userIds.length],
    })),
  );
  await repo(SpaceEntity).save(
    spacePlan(cohorts.length).map((space, i) => ({
      cohortId: cohorts[space.cohort].id,
      title: `Pool space ${i}`,
      purpose: 'authz pool',
      audienceRoles: space.audienceRoles as CohortRole[],
      audienceMinistries: space.audienceMinistries,
      createdById: userIds[0],
    })),
  );
  const startsAt = new Date(NOW.getTime() + 86_400_000);
  await repo(SessionEntity).save(
    Array.from({ length: 20 }, (_, i) => ({
      cohortId: cohorts[i % cohorts.length].id,
      title: `Pool session ${i}`,
      abstract: 'authz pool',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      createdById: userIds[0],
    })),
  );
  // The pool is whatever the tables hold, so rows the app created itself are compared too.
  const memberships = await repo(MembershipEntity).find();
  return {
    userIds,
    rows: {
      Cohort: (await repo(CohortEntity).find()).map(({ id }) => ({ id })),
      Membership: memberships.map(({ id, cohortId, userId, status }) => ({ id, cohortId, userId, status })),
      Invitation: (await repo(InvitationEntity).find()).map(({ id, cohortId }) => ({ id, cohortId })),
      Space: (await repo(SpaceEntity).find()).map(({ id, cohortId, audienceRoles, audienceMinistries }) => ({
        id,
        cohortId,
        audienceRoles,
        audienceMinistries,
      })),
      Session: (await repo(SessionEntity).find()).map(({ id, cohortId }) => ({ id, cohortId })),
    },
  };
}

/** A pool id most of the time, sometimes an id the database has never seen. */
const poolIdOrNew = (ids: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, fc.uuid());

function actorArbitrary(pool: Pool): fc.Arbitrary<Actor> {
  const membership: fc.Arbitrary<ActorMembership> = fc.record({
    id: poolIdOrNew(pool.rows.Membership.map((m) => m.id)),
    cohortId: poolIdOrNew(pool.rows.Cohort.map((c) => c.id)),
    role: fc.constantFrom(...ROLES),
    // Mostly active, so that enough memberships are in force to grant something.
    status: fc.oneof({ weight: 3, arbitrary: fc.constant('ACTIVE' as const) }, fc.constant('REMOVED' as const)),
    accessExpiresAt: fc.option(
      fc.constantFrom(-86_400_000, -1, 1, 86_400_000).map((offset) => new Date(NOW.getTime() + offset)),
      { nil: null },
    ),
    ministry: fc.constantFrom(...MINISTRY_SAMPLE),
    grantedSpaceIds: fc.array(poolIdOrNew(pool.rows.Space.map((space) => space.id)), { maxLength: 3 }),
    grantedSessionIds: fc.array(poolIdOrNew(pool.rows.Session.map((session) => session.id)), { maxLength: 3 }),
    // Mostly accepted, so content rules are exercised; sometimes not, so the gate is too.
    charterAccepted: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
    observersAllowed: fc.boolean(),
    vendorsShutOut: fc.boolean(),
    attribution: fc.constantFrom('NAMED' as const, 'CHATHAM_HOUSE' as const, 'ANONYMOUS' as const),
    revision: fc.constant({ charterVersion: 1, changedAt: '0' }),
    // The stage gates writes after the rules, never what the rules (and so the SQL) allow.
    cohort: fc.record({
      status: fc.constantFrom('ACTIVE' as const, 'CONCLUDED' as const, 'ARCHIVED' as const),
      alumniSpaceId: fc.option(poolIdOrNew(pool.rows.Space.map((space) => space.id)), { nil: null }),
    }),
  });
  return fc.record({
    userId: fc.constantFrom(...pool.userIds),
    platformRole: fc.oneof({ weight: 3, arbitrary: fc.constant('USER' as const) }, fc.constant('ADMIN' as const)),
    memberships: fc.array(membership, { maxLength: 4 }),
  });
}

/** The ids the SQL filter selects, and the ids `ability.can` allows, for one actor. */
async function bothWays(t: TestApp, pool: Pool, target: Target, actor: Actor) {
  const ability = defineAbilityFor(actor, NOW);
  const { sql, params } = accessibleBy(ability, target.action, target.subjectType, target.columns);
  const rows = await t.dataSource
    .getRepository(target.entity)
    .createQueryBuilder(target.alias)
    .select(`${target.alias}.id`, 'id')
    .where(sql, params)
    .getRawMany<{ id: string }>();
  const allowed = pool.rows[target.subjectType].filter((row) =>
    ability.can(target.action, subject(target.subjectType, { ...row }) as AppSubject),
  );
  return { sql: rows.map((r) => r.id).sort(), can: allowed.map((r) => r.id).sort() };
}

describe('SQL filtering agrees with ability.can, row by row', () => {
  let t: TestApp;
  let pool: Pool;
  let cases = 0;
  /** Per target, how many actors were allowed some rows: an agreement on nothing proves little. */
  const allowedSome = new Map<Target, number>();
  beforeAll(async () => {
    t = await startTestApp();
    pool = await insertPool(t);
  });
  afterAll(() => t.close());

  it('has a pool to filter', () => {
    expect(pool.rows.Cohort).toHaveLength(5);
    expect(pool.rows.Membership).toHaveLength(40);
    expect(pool.rows.Invitation).toHaveLength(20);
    expect(pool.rows.Session).toHaveLength(20);
  });

  it.each(TARGETS)(
    '$action $subjectType ($numRuns actors)',
    async (target) => {
      const property = fc.asyncProperty(actorArbitrary(pool), async (actor) => {
        const { sql, can } = await bothWays(t, pool, target, actor);
        cases++;
        if (can.length > 0) allowedSome.set(target, (allowedSome.get(target) ?? 0) + 1);
        expect(sql).toEqual(can);
      });
      await fc.assert(property, { numRuns: target.numRuns });
    },
    120_000,
  );

  it('ran every case, and each target let some actors see rows', () => {
    const planned = TARGETS.reduce((sum, target) => sum + target.numRuns, 0);
    expect(planned).toBeGreaterThanOrEqual(1000);
    expect(cases).toBe(planned);
    const label = (target: Target) => `${target.action} ${target.subjectType}`;
    const weak = TARGETS.filter((target) => (allowedSome.get(target) ?? 0) < target.numRuns / 10).map(label);
    expect(weak).toEqual([]);
  });
});
