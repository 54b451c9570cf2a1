import { SetMetadata } from '@nestjs/common';

export const POLICY_KEY = 'convene:policy';

/**
 * What an operation requires before its resolver runs. Every resolver and controller method
 * declares one; the global guard refuses any that does not (deny by default).
 * - public: anyone, authenticated or not.
 * - authenticated: any signed-in account; the service then checks the loaded object itself.
 * - optionalAuthentication: anyone; a bearer token, when sent, must be valid and identifies the caller.
 * - platformAdmin: the platform's ADMIN role.
 */
export type Policy =
  { kind: 'public' } | { kind: 'authenticated' } | { kind: 'optionalAuthentication' } | { kind: 'platformAdmin' };

export const Public = () => SetMetadata(POLICY_KEY, { kind: 'public' } satisfies Policy);

export const Authenticated = () => SetMetadata(POLICY_KEY, { kind: 'authenticated' } satisfies Policy);

export const PlatformAdmin = () => SetMetadata(POLICY_KEY, { kind: 'platformAdmin' } satisfies Policy);

export const OptionalAuthentication = () =>
  SetMetadata(POLICY_KEY, { kind: 'optionalAuthentication' } satisfies Policy);
