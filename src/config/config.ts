import { isAbsolute, resolve } from 'node:path';

export type NodeEnv = 'development' | 'production' | 'test';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  /** PostgreSQL URL; null means the embedded database under `dataDir`. */
  databaseUrl: string | null;
  /** Pooled connections to PostgreSQL; the embedded database caps it lower. */
  databasePoolSize: number;
  redisUrl: string | null;
  dataDir: string;
  adminEmail: string | null;
  adminPassword: string | null;
  tokenTtlSeconds: number;
  corsOrigins: string[];
  runMigrations: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  invitationTtlSeconds: number;
  /** How long a session-only expert keeps access after their last granted session ends. */
  expertAccessGraceSeconds: number;
  /** After SIGTERM: how long readiness reports false before connections close, and the deadline to exit. */
  shutdownDelaySeconds: number;
  shutdownTimeoutSeconds: number;
  /** Scales every rate limit at once (a load test raises them without turning them off). */
  rateLimitMultiplier: number;
  /** GraphQL top-level fields per minute, per account (or per IP when signed out). */
  requestsPerMinute: number;
  loginsPerMinutePerIp: number;
  loginsPerMinutePerAccount: number;
  /** How long realtime events are kept for replay (`since`). */
  realtimeReplaySeconds: number;
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function port(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!/^\d+$/.test(raw) || parsed > 65535) {
    throw new ConfigError(name, `must be a port number from 0 to 65535 (got "${raw}")`);
  }
  return parsed;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new ConfigError(name, `must be a whole number of at least 1 (got "${raw}")`);
  }
  return Number(raw);
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(parsed > 0)) {
    throw new ConfigError(name, `must be a positive number such as 1, 0.5 or 100 (got "${raw}")`);
  }
  return parsed;
}

/** Durations are whole seconds, or a number with s, m, h or d ("12h", "14d"). */
export function parseDuration(env: Env, name: string, fallback: string, { allowZero = false } = {}): number {
  const raw = value(env, name) ?? fallback;
  const match = /^(\d+)([smhd]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : -1;
  if (!match || seconds < 0 || (seconds === 0 && !allowZero)) {
    const kind = allowZero ? 'duration' : 'positive duration';
    throw new ConfigError(name, `must be a ${kind} such as 3600, 90m, 12h or 14d (got "${raw}")`);
  }
  return seconds;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = value(env, name);
  if (raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function origins(env: Env, name: string): string[] {
  const raw = value(env, name);
  if (raw === undefined) return [];
  return raw.split(',').map((origin) => {
    const trimmed = origin.trim();
    if (trimmed === '*') {
      throw new ConfigError(name, 'must list origins; "*" is not allowed');
    }
    try {
      const parsed = new URL(trimmed);
      if (parsed.origin !== trimmed.replace(/\/$/, '')) throw new Error('not an origin');
      return parsed.origin;
    } catch {
      throw new ConfigError(
        name,
        `must be a comma-separated list of origins like https://convene.example.org (got "${trimmed}")`,
      );
    }
  });
}

function admin(env: Env): Pick<AppConfig, 'adminEmail' | 'adminPassword'> {
  const email = value(env, 'ADMIN_EMAIL')?.toLowerCase();
  const password = env.ADMIN_PASSWORD && env.ADMIN_PASSWORD.length > 0 ? env.ADMIN_PASSWORD : undefined;
  if (email !== undefined && !EMAIL.test(email)) {
    throw new ConfigError('ADMIN_EMAIL', `must be an email address (got "${email}")`);
  }
  if (email !== undefined && password === undefined) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be set when ADMIN_EMAIL is set');
  }
  if (password !== undefined && email === undefined) {
    throw new ConfigError('ADMIN_EMAIL', 'must be set when ADMIN_PASSWORD is set');
  }
  if (password !== undefined && password.length < 12) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be at least 12 characters long');
  }
  return { adminEmail: email ?? null, adminPassword: password ?? null };
}

/** Reads and validates the environment once; any bad value throws a ConfigError. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = value(env, 'DATA_DIR') ?? './.data';
  return {
    nodeEnv,
    port: port(env, 'PORT', 3000),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: positiveInt(env, 'DATABASE_POOL_SIZE', 20),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir),
    ...admin(env),
    tokenTtlSeconds: parseDuration(env, 'TOKEN_TTL', '12h'),
    invitationTtlSeconds: parseDuration(env, 'INVITATION_TTL', '14d'),
    expertAccessGraceSeconds: parseDuration(env, 'EXPERT_ACCESS_GRACE', '0', { allowZero: true }),
    realtimeReplaySeconds: parseDuration(env, 'REALTIME_REPLAY_HORIZON', '7d'),
    rateLimitMultiplier: positiveNumber(env, 'RATE_LIMIT_MULTIPLIER', 1),
    shutdownDelaySeconds: parseDuration(env, 'SHUTDOWN_DELAY', '0', { allowZero: true }),
    shutdownTimeoutSeconds: parseDuration(env, 'SHUTDOWN_TIMEOUT', '15s'),
    requestsPerMinute: positiveInt(env, 'RATE_LIMIT_PER_MINUTE', 600),
    loginsPerMinutePerIp: positiveInt(env, 'RATE_LIMIT_LOGINS_PER_IP', 20),
    loginsPerMinutePerAccount: positiveInt(env, 'RATE_LIMIT_LOGINS_PER_ACCOUNT', 5),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    runMigrations: bool(env, 'RUN_MIGRATIONS', true),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
