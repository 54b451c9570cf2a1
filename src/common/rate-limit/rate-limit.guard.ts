import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLContext } from '../request-context.js';
import { RateLimits } from './rate-limit.module.js';

/**
 * Counts every GraphQL field the client asks at the top level (each alias counts): per account
 * when signed in, per IP otherwise. Runs after authentication. Sockets have their own limit in
 * the realtime hub; plain HTTP routes are not counted.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true;
    const { req } = GqlExecutionContext.create(context).getContext<GraphQLContext>();
    const key = req.user ? `user:${req.user.id}` : `ip:${req.ip ?? 'unknown'}`;
    await this.limits.consume(this.limits.api, key);
    return true;
  }
}
