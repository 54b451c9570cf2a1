import { randomBytes } from 'node:crypto';
import { AuthService } from '../../src/auth/auth.service.js';
import { PlatformRole, UserEntity } from '../../src/auth/user.entity.js';
import { hashPassword } from '../../src/common/crypto.js';
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
