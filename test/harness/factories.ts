import { randomBytes } from 'node:crypto';
import { AuthService } from '../../src/auth/auth.service.js';
import { PlatformRole, UserEntity } from '../../src/auth/user.entity.js';
import { CohortRole, MembershipStatus } from '../../src/cohorts/cohort-role.js';
import { CohortEntity } from '../../src/cohorts/cohort.entity.js';
import { MembershipEntity } from '../../src/cohorts/membership.entity.js';
import { hashPassword } from '../../src/common/crypto.js';
import { SpaceEntity } from '../../src/spaces/space.entity.js';
import type { TestApp } from './test-app.js';

export const TEST_PASSWORD = 'correct horse battery staple';

/** argon2 is slow on purpose; factories share one hash of the test password. */
let passwordHash: Promise<string> | null = null;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  displayName: string;
  token: string;
}

export async function newUser(
  t: TestApp,
  overrides: { email?: string; displayName?: string; platformRole?: PlatformRole } = {},
): Promise<TestUser> {
  const suffix = randomBytes(4).toString('hex');
  const email = overrides.email ?? `user-${suffix}@test.convene`;
  const displayName = overrides.displayName ?? `User ${suffix}`;
  const user = await t.dataSource.getRepository(UserEntity).save({
    email,
    displayName,
    passwordHash: await (passwordHash ??= hashPassword(TEST_PASSWORD)),
    platformRole: overrides.platformRole ?? PlatformRole.USER,
  });
  const token = await t.app.get(AuthService).issueToken(user.id);
  return { id: user.id, email, password: TEST_PASSWORD, displayName, token };
}

export const ROLES = ['FACILITATOR', 'MEMBER', 'SCHOLAR', 'VENDOR', 'OBSERVER'] as const;
export type Role = (typeof ROLES)[number];

export interface TestCohort {
  id: string;
  name: string;
}

export async function newCohort(t: TestApp, name = `Cohort ${randomBytes(3).toString('hex')}`): Promise<TestCohort> {
  const admin = await adminToken(t);
  const data = await t.ok<{ createCohort: { id: string } }>(
    'mutation ($input: CreateCohortInput!) { createCohort(input: $input) { id } }',
    { input: { name, purpose: 'Peer learning on digital reform' } },
    admin,
  );
  return { id: data.createCohort.id, name };
}

export interface TestMember extends TestUser {
  membershipId: string;
  role: Role;
}

/** A member inserted directly (invitations have their own tests), in force unless told otherwise. */
export async function newMember(
  t: TestApp,
  cohortId: string,
  options: {
    role?: Role;
    ministry?: string;
    country?: string;
    status?: 'ACTIVE' | 'REMOVED';
    accessExpiresAt?: Date | null;
    user?: TestUser;
    charterAccepted?: boolean;
  } = {},
): Promise<TestMember> {
  const user = options.user ?? (await newUser(t));
  const role = options.role ?? 'MEMBER';
  const membership = await t.dataSource.getRepository(MembershipEntity).save({
    cohortId,
    userId: user.id,
    role: role as CohortRole,
    ministry: options.ministry ?? 'education',
    country: options.country ?? 'KE',
    status: (options.status ?? 'ACTIVE') as MembershipStatus,
    accessExpiresAt: options.accessExpiresAt ?? null,
    // Members have accepted the charter in force unless a test says otherwise.
    acceptedCharterVersion: options.charterAccepted === false ? 0 : await currentCharterVersion(t, cohortId),
  });
  return { ...user, membershipId: membership.id, role };
}

async function currentCharterVersion(t: TestApp, cohortId: string): Promise<number> {
  return (await t.dataSource.getRepository(CohortEntity).findOneByOrFail({ id: cohortId })).charterVersion;
}

const adminTokens = new WeakMap<TestApp, Promise<string>>();

/** The platform admin's token, logged in once per test app. */
export function adminToken(t: TestApp): Promise<string> {
  let token = adminTokens.get(t);
  if (!token) {
    token = t.adminToken();
    adminTokens.set(t, token);
  }
  return token;
}

/** A space inserted directly, open to every role unless `audienceMinistries` narrows it. */
export async function newSpace(
  t: TestApp,
  cohortId: string,
  by: TestUser,
  audienceMinistries: string[] = [],
): Promise<string> {
  const space = await t.dataSource
    .getRepository(SpaceEntity)
    .save({ cohortId, title: 'Space', purpose: 'p', createdById: by.id, audienceMinistries });
  return space.id;
}

/** A thread started over GraphQL, as its author would; a QUESTION unless told otherwise. */
export async function newThread(
  t: TestApp,
  spaceId: string,
  by: TestUser,
  fields: { title: string; body: string; kind?: string },
): Promise<string> {
  const data = await t.ok<{ startThread: { id: string } }>(
    'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }',
    { input: { spaceId, kind: 'QUESTION', ...fields } },
    by.token,
  );
  return data.startThread.id;
}
