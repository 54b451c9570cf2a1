import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/errors.js';
import type { AuthService } from './auth.service.js';
import { AuthGuard } from './auth.guard.js';
import { Authenticated, PlatformAdmin } from '../authz/policy.decorator.js';

class Handlers {
  undeclared() {}
  @Authenticated() signedIn() {}
  @PlatformAdmin() adminOnly() {}
}

function contextFor(method: keyof Handlers, authorization?: string): ExecutionContext {
  const request = { headers: authorization ? { authorization } : {} };
  return {
    getType: () => 'http',
    getHandler: () => Handlers.prototype[method],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const fakeAuth = (platformRole: 'ADMIN' | 'USER') =>
  ({
    authenticate: (token: string) =>
      Promise.resolve(token === 'good' ? { id: 'u1', platformRole, tokenId: 't1' } : null),
  }) as unknown as AuthService;

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'allowed',
    (error: AppError) => error.code,
  );

describe('AuthGuard', () => {
  const guard = new AuthGuard(new Reflector(), fakeAuth('USER'));

  it('refuses an operation that declares no policy, even for a signed-in user', async () => {
    expect(await codeOf(guard.canActivate(contextFor('undeclared', 'Bearer good')))).toBe('FORBIDDEN');
  });

  it('requires a valid bearer token for authenticated operations', async () => {
    expect(await codeOf(guard.canActivate(contextFor('signedIn')))).toBe('UNAUTHENTICATED');
    expect(await codeOf(guard.canActivate(contextFor('signedIn', 'Bearer bad')))).toBe('UNAUTHENTICATED');
    expect(await codeOf(guard.canActivate(contextFor('signedIn', 'Bearer good')))).toBe('allowed');
  });

  it('lets only the platform admin through admin operations', async () => {
    expect(await codeOf(guard.canActivate(contextFor('adminOnly', 'Bearer good')))).toBe('FORBIDDEN');
    const adminGuard = new AuthGuard(new Reflector(), fakeAuth('ADMIN'));
    expect(await codeOf(adminGuard.canActivate(contextFor('adminOnly', 'Bearer good')))).toBe('allowed');
  });
});
