import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { unauthenticated } from './errors.js';

/** Who is calling, as the auth guard established it for this request. */
export interface AuthUser {
  id: string;
  platformRole: 'ADMIN' | 'USER';
  /** The access token this request carried; `logout` revokes exactly this one. */
  tokenId: string;
}

export interface ConveneRequest extends Request {
  user?: AuthUser;
  /** Authentication runs once per HTTP request even when a document has several root fields. */
  authentication?: Promise<AuthUser | null>;
}

export interface GraphQLContext {
  req: ConveneRequest;
}

export function requestOf(context: ExecutionContext): ConveneRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<GraphQLContext>().req;
  }
  return context.switchToHttp().getRequest<ConveneRequest>();
}

/** The authenticated caller; only usable on operations that are not public. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const user = requestOf(context).user;
  if (!user) throw unauthenticated();
  return user;
});

const BEARER = /^Bearer\s+(\S+)$/i;

export function bearerToken(request: ConveneRequest): string | null {
  const header = request.headers.authorization;
  return (header && BEARER.exec(header)?.[1]) || null;
}

/** The caller, or null on an operation with optional authentication and no token. */
export const OptionalUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser | null => requestOf(context).user ?? null,
);

/** The bearer token the request carried (already verified by the guard). */
export const RequestToken = createParamDecorator((_data: unknown, context: ExecutionContext): string | null =>
  bearerToken(requestOf(context)),
);

/** The client's address as Express sees it (behind a proxy, set Express's `trust proxy`). */
export const RequestIp = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => requestOf(context).ip ?? 'unknown',
);
