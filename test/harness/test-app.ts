import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.js';
import { Clock } from '../../src/common/clock.js';
import { type AppConfig, loadConfig } from '../../src/config/config.js';
import { EMBEDDED_POOL_SIZE } from '../../src/database/embedded-postgres.js';
import { createScratchDatabase, type ScratchDatabase } from '../../src/database/scratch-database.js';
import { DUMP_ENV, TEMPLATE_ENV, testServerUrl } from '../setup/test-database.js';

export const TEST_ADMIN = { email: 'admin@test.convene', password: 'admin-password-for-tests' };

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: GqlError[] | undefined;
}

export class TestApp {
  constructor(
    readonly app: INestApplication,
    readonly url: string,
    readonly clock: Clock,
    readonly config: AppConfig,
    private readonly closeApp: () => Promise<void>,
    readonly database: ScratchDatabase,
  ) {}

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  http() {
    return request(this.app.getHttpServer() as Server);
  }

  /** Sends one GraphQL document over HTTP, as a client would. */
  async gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GqlResponse<T>> {
    const req = this.http().post('/graphql').set('content-type', 'application/json');
    if (token) req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    const body = res.body as { data?: T | null; errors?: GqlError[] };
    return { status: res.status, data: body.data, errors: body.errors };
  }

  /** The data of a document that must succeed; fails the test with the errors otherwise. */
  async ok<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<T> {
    const res = await this.gql<T>(query, variables, token);
    if (res.errors?.length || !res.data) {
      throw new Error(`Expected success, got ${res.status}: ${JSON.stringify(res.errors)}`);
    }
    return res.data;
  }

  /** The single error code of a document that must fail. */
  async errorCode(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<string | undefined> {
    const res = await this.gql(query, variables, token);
    if (!res.errors?.length) throw new Error(`Expected an error, got ${JSON.stringify(res.data)}`);
    return res.errors[0].extensions?.code;
  }

  async login(email: string, password: string): Promise<string> {
    const data = await this.ok<{ login: { token: string } }>(
      'mutation ($input: LoginInput!) { login(input: $input) { token } }',
      { input: { email, password } },
    );
    return data.login.token;
  }

  adminToken(): Promise<string> {
    return this.login(TEST_ADMIN.email, TEST_ADMIN.password);
  }

  async close(): Promise<void> {
    await this.closeApp();
    await this.database.drop();
  }
}

/**
 * A fresh database (a copy of the migrated template) and a server listening on a random port.
 * With `sharing`, a second instance on the first one's database (which the first one drops).
 * With `server`, the database is made on that PostgreSQL server instead, and migrated at start.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { sharing?: TestApp; databaseUrl?: string; server?: string } = {},
): Promise<TestApp> {
  const server = options.server ?? testServerUrl();
  const template = options.server ? undefined : process.env[TEMPLATE_ENV];
  const dumpFile = process.env[DUMP_ENV];
  const database = options.sharing
    ? { ...options.sharing.database, drop: () => Promise.resolve() }
    : await createScratchDatabase(server, {
        prefix: 'convene_test',
        template,
        embeddedDump: !server && dumpFile ? new Blob([readFileSync(dumpFile)]) : undefined,
      });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: options.databaseUrl ?? database.url,
    DATABASE_POOL_SIZE: String(database.embedded ? EMBEDDED_POOL_SIZE : 5),
    RUN_MIGRATIONS: String(!options.sharing && server !== null && !template),
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    // Suites send far more requests a minute than a person; the rate-limit tests set their own.
    RATE_LIMIT_MULTIPLIER: '1000',
    ...env,
  });
  const clock = new Clock();
  try {
    const { app, close } = await createApp(config, { clock });
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    return new TestApp(app, `http://127.0.0.1:${port}`, clock, config, close, database);
  } catch (error) {
    await database.drop();
    throw error;
  }
}
