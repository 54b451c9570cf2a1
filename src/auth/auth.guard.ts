import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, unauthenticated } from '../common/errors.js';
import { type AuthUser, bearerToken, type ConveneRequest, requestOf } from '../common/request-context.js';
import { type Policy, POLICY_KEY } from '../authz/policy.decorator.js';
import { AuthService } from './auth.service.js';

/** Global guard: every operation is authenticated unless it declares itself public. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<Policy | undefined>(POLICY_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) {
      // A handler without a declared policy is a bug; refuse rather than guess.
      this.logger.error(`No policy declared on ${context.getClass().name}.${context.getHandler().name}`);
      throw forbidden();
    }
    if (policy.kind === 'public') return true;
    if (context.getType() === 'ws') return this.socketMay(context, policy);

    const request = requestOf(context);
    const user = await this.authenticateOnce(request);
    if (!user) {
      if (policy.kind === 'optionalAuthentication' && !request.headers.authorization) return true;
      throw unauthenticated();
    }
    request.user = user;

    switch (policy.kind) {
      case 'authenticated':
      case 'optionalAuthentication':
        return true;
      case 'platformAdmin':
        if (user.platformRole !== 'ADMIN') throw forbidden('Only the platform admin may do this');
        return true;
    }
  }

  /** Sockets are authenticated once, at the handshake; the account is on the socket. */
  private socketMay(context: ExecutionContext, policy: Policy): boolean {
    const user = context.switchToWs().getClient<{ data?: { user?: AuthUser } }>().data?.user;
    if (!user) throw unauthenticated();
    if (policy.kind === 'platformAdmin' && user.platformRole !== 'ADMIN') throw forbidden();
    return true;
  }

  private authenticateOnce(request: ConveneRequest): Promise<AuthUser | null> {
    request.authentication ??= this.readToken(request);
    return request.authentication;
  }

  private async readToken(request: ConveneRequest): Promise<AuthUser | null> {
    const token = bearerToken(request);
    return token ? this.auth.authenticate(token, { withMemberships: true }) : null;
  }
}
