import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AppError, ErrorCode } from '../errors.js';

const MINUTE_S = 60;

export function rateLimited(retryAfterSeconds: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError(ErrorCode.RATE_LIMITED, `Too many requests; try again in ${retryAfter} s`, { retryAfter });
}

/** A limit scaled by `RATE_LIMIT_MULTIPLIER`, never below one. */
const scaled = (config: AppConfig, perMinute: number): number =>
  Math.max(1, Math.floor(perMinute * config.rateLimitMultiplier));

/**
 * Convene's rate limits (rate-limiter-flexible), counted per minute in Redis when `REDIS_URL` is
 * set, so every instance shares one count per key; in memory otherwise. Should Redis fail, each
 * instance falls back to counting in its own memory rather than refusing everyone.
 */
@Injectable()
export class RateLimits implements OnModuleDestroy {
  private readonly redis: Redis | null;
  /** GraphQL top-level fields, per account (or per IP when signed out). */
  readonly api: RateLimiterAbstract;
  readonly loginsPerIp: RateLimiterAbstract;
  readonly loginsPerAccount: RateLimiterAbstract;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : null;
    const limiter = (keyPrefix: string, perMinute: number): RateLimiterAbstract => {
      const options = { keyPrefix: `convene:${keyPrefix}`, points: scaled(config, perMinute), duration: MINUTE_S };
      if (!this.redis) return new RateLimiterMemory(options);
      return new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        insuranceLimiter: new RateLimiterMemory(options),
      });
    };
    this.api = limiter('api', config.requestsPerMinute);
    this.loginsPerIp = limiter('login-ip', config.loginsPerMinutePerIp);
    this.loginsPerAccount = limiter('login-account', config.loginsPerMinutePerAccount);
  }

  /** Counts one hit for the key; over the limit, RATE_LIMITED with the seconds to wait. */
  async consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw rateLimited(error.msBeforeNext / 1000);
      throw error;
    }
  }

  /**
   * Logins are limited per IP and per account, each alias of a document counting once: a
   * password cannot be guessed faster by batching attempts into one request.
   */
  async login(ip: string, email: string): Promise<void> {
    await this.consume(this.loginsPerIp, ip);
    await this.consume(this.loginsPerAccount, email.trim().toLowerCase());
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

@Global()
@Module({ providers: [RateLimits], exports: [RateLimits] })
export class RateLimitModule {}
