import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { hashPassword, hashSecret, newSecret, verifyPassword } from '../common/crypto.js';
import { unauthenticated } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AccessWindow } from '../cohorts/access-window.js';
import { actorMembershipsSql, type ActorMembershipRow, preloadMemberships } from '../cohorts/actor-memberships.js';
import { AccessTokenEntity } from './access-token.entity.js';
import { PlatformRole, UserEntity } from './user.entity.js';

export /** Where a generated admin password is written, inside DATA_DIR. */
const ADMIN_PASSWORD_FILE = 'admin-password';

const DEFAULT_ADMIN_EMAIL = 'admin@convene.local';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** Verified against when the email is unknown, so a failed login takes the same time either way. */
  private decoyHash: Promise<string> | null = null;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly window: AccessWindow,
  ) {}

  async login(email: string, password: string): Promise<{ token: string; user: UserEntity }> {
    const user = await this.users.findOneBy({ email: normalizeEmail(email) });
    const hash = user?.passwordHash ?? (await (this.decoyHash ??= hashPassword(randomBytes(16).toString('hex'))));
    const valid = await verifyPassword(hash, password);
    if (!user || !valid) throw unauthenticated('Invalid email or password');
    return { token: await this.issueToken(user.id), user };
  }

  async issueToken(userId: string): Promise<string> {
    const token = newSecret('cvn');
    await this.tokens.insert({
      tokenHash: hashSecret(token),
      userId,
      expiresAt: new Date(this.clock.now().getTime() + this.config.tokenTtlSeconds * 1000),
    });
    return token;
  }

  /**
   * The account behind a bearer token, or null when it is unknown, expired or revoked. With
   * `withMemberships`, the same statement reads the account's memberships and hands them to this
   * request's ability, so a request reads who is asking once.
   */
  async authenticate(token: string, options: { withMemberships?: boolean } = {}): Promise<AuthUser | null> {
    const memberships = options.withMemberships
      ? `(SELECT coalesce(json_agg(x), '[]') FROM (${actorMembershipsSql('u.id', (m) => this.window.endsAtSql(m))}) x)`
      : 'NULL';
    const [row] = await this.tokens.query<
      { token_id: string; user_id: string; platform_role: PlatformRole; memberships: ActorMembershipRow[] | null }[]
    >(
      `SELECT t.id AS token_id, u.id AS user_id, u.platform_role, ${memberships} AS memberships
         FROM access_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.expires_at > $2`,
      [hashSecret(token), this.clock.now()],
    );
    if (!row) return null;
    const user: AuthUser = { id: row.user_id, platformRole: row.platform_role, tokenId: row.token_id };
    if (row.memberships) preloadMemberships(user, row.memberships);
    return user;
  }

  async logout(user: AuthUser): Promise<void> {
    await this.tokens.delete({ id: user.tokenId, userId: user.id });
  }

  /** Revokes every session of an account at once. */
  async revokeAll(userId: string): Promise<void> {
    await this.tokens.delete({ userId });
  }

  findUser(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * Makes sure the platform has its admin. With ADMIN_EMAIL/ADMIN_PASSWORD the account is created
   * if missing (an existing one keeps its password). With neither, a first start creates
   * admin@convene.local with a random password that is logged once.
   */
  async ensureAdmin(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (adminEmail && adminPassword) {
      await this.createAdminIfMissing(adminEmail, adminPassword);
      return;
    }
    if (await this.users.existsBy({ platformRole: PlatformRole.ADMIN })) return;
    const password = randomBytes(18).toString('base64url');
    if (await this.createAdminIfMissing(DEFAULT_ADMIN_EMAIL, password)) {
      // Passwords never go to the logs: the generated one is written to a file only its owner reads.
      const file = join(this.config.dataDir, ADMIN_PASSWORD_FILE);
      await mkdir(this.config.dataDir, { recursive: true });
      await writeFile(file, `${password}\n`, { mode: 0o600 });
      this.logger.warn(
        `Created the platform admin ${DEFAULT_ADMIN_EMAIL}; its password is in ${file} (set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own)`,
      );
    }
  }

  private async createAdminIfMissing(email: string, password: string): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .insert()
      .values({
        email: normalizeEmail(email),
        displayName: 'Platform admin',
        passwordHash: await hashPassword(password),
        platformRole: PlatformRole.ADMIN,
      })
      .orIgnore()
      .execute();
    return Array.isArray(result.raw) && result.raw.length > 0;
  }
}
