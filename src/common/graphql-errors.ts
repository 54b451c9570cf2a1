import { type ArgumentsHost, Catch, HttpException, Logger, type ValidationError } from '@nestjs/common';
import { GqlArgumentsHost, type GqlExceptionFilter } from '@nestjs/graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode } from './errors.js';
import type { GraphQLContext } from './request-context.js';

const logger = new Logger('Errors');

const CLIENT_CODES = new Set<string>(Object.values(ErrorCode));

/** Apollo's own codes for documents it refuses before any resolver runs. */
const APOLLO_INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_FOUND',
]);

/** Extensions a client may see; everything else (stack traces, driver details) is dropped. */
const SAFE_EXTENSIONS = ['code', 'field', 'reason', 'correlationId', 'retryAfter', 'version'];

/** PostgreSQL's "this value is not valid" states: bad text encoding, dates, numbers and ids. */
const INVALID_INPUT_STATES = new Set(['22021', '22008', '22007', '22003', '22P02']);

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.BAD_USER_INPUT,
  429: ErrorCode.RATE_LIMITED,
};

function internal(error: unknown, requestId: unknown): GraphQLError {
  const correlationId = typeof requestId === 'string' ? requestId : randomUUID();
  logger.error({ err: error, correlationId }, 'Unhandled error');
  return new GraphQLError(`Internal server error (reference ${correlationId})`, {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, correlationId },
  });
}

/** Turns anything a resolver throws into a GraphQL error with one of the contract's codes. */
/** SQLSTATEs raised by the cohort stage guard (migration CohortStageGuard). */
const STAGE_REFUSALS: Record<string, { reason: string; message: string }> = {
  CVARC: { reason: 'COHORT_ARCHIVED', message: 'This cohort is archived and read-only' },
  CVCON: { reason: 'COHORT_CONCLUDED', message: 'This cohort has concluded; members keep talking in its alumni space' },
};

export function toGraphQLError(error: unknown, requestId?: unknown): GraphQLError {
  if (error instanceof AppError) {
    return new GraphQLError(error.message, { extensions: { ...error.extensions, code: error.code } });
  }
  if (error instanceof GraphQLError) return error;
  if (error instanceof HttpException && HTTP_STATUS_CODES[error.getStatus()]) {
    const response = error.getResponse();
    const message = typeof response === 'object' && 'message' in response ? String(response.message) : error.message;
    return new GraphQLError(message, { extensions: { code: HTTP_STATUS_CODES[error.getStatus()] } });
  }
  const sqlState = error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
  if (sqlState && INVALID_INPUT_STATES.has(sqlState)) {
    // Input that slipped past validation and that PostgreSQL refused to read: the client's doing.
    return new GraphQLError('A value in the request cannot be stored or compared', {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  const stage = sqlState ? STAGE_REFUSALS[sqlState] : undefined;
  if (stage) {
    // The database's stage guard caught a write that raced a conclusion or an archiving.
    return new GraphQLError(stage.message, { extensions: { code: ErrorCode.CONFLICT, reason: stage.reason } });
  }
  if (sqlState === '23505') {
    // A concurrent write won a race the service checked for; report it as the conflict it is.
    return new GraphQLError('This conflicts with something that already exists', {
      extensions: { code: ErrorCode.CONFLICT },
    });
  }
  return internal(error, requestId);
}

@Catch()
export class GraphQLExceptionFilter implements GqlExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'http') return httpError(error, host);
    if (host.getType<string>() !== 'graphql') throw error;
    const context = GqlArgumentsHost.create(host).getContext<GraphQLContext | undefined>();
    return toGraphQLError(error, context?.req?.id);
  }
}

/**
 * Plain HTTP routes (health, calendar feeds, unknown paths) answer JSON with the status and a
 * short message, never Express's HTML page with a stack trace.
 */
function httpError(error: unknown, host: ArgumentsHost): void {
  const http = host.switchToHttp();
  const response = http.getResponse<Response>();
  const request = http.getRequest<{ id?: unknown }>();
  if (response.headersSent) return;
  if (error instanceof HttpException) {
    // Nest's own shape: `{ statusCode, message }`, or the body a route chose (readiness details).
    const body = error.getResponse();
    response
      .status(error.getStatus())
      .json(typeof body === 'object' ? body : { statusCode: error.getStatus(), message: error.message });
    return;
  }
  const safe = internal(error, request.id);
  response.status(500).json({ statusCode: 500, message: safe.message });
}

/** Last stop before an error leaves the server: contract codes only, safe extensions only. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // Field resolvers do not pass through Nest's exception filters: map what they threw here.
  const original = unwrapResolverError(error);
  if (!(original instanceof GraphQLError)) {
    const mapped = toGraphQLError(original);
    formatted = { ...formatted, message: mapped.message, extensions: mapped.extensions };
  }
  const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : '';
  let message = formatted.message;
  let extensions: Record<string, unknown> = {};
  if (CLIENT_CODES.has(code)) {
    for (const key of SAFE_EXTENSIONS) {
      if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
    }
  } else if (APOLLO_INPUT_CODES.has(code)) {
    extensions = { code: ErrorCode.BAD_USER_INPUT };
  } else {
    const safe = internal(error, undefined);
    message = safe.message;
    extensions = { ...safe.extensions };
  }
  return { message, locations: formatted.locations, path: formatted.path, extensions };
}

function firstProblem(errors: ValidationError[], prefix = ''): { field: string; problem: string } | null {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const message = Object.values(error.constraints ?? {})[0];
    if (message) {
      const problem = message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message;
      return { field, problem };
    }
    const nested = firstProblem(error.children ?? [], field);
    if (nested) return nested;
  }
  return null;
}

/** class-validator failures become BAD_USER_INPUT naming the field. */
export function validationException(errors: ValidationError[]): AppError {
  const found = firstProblem(errors) ?? { field: 'input', problem: 'is invalid' };
  return new AppError(ErrorCode.BAD_USER_INPUT, `${found.field}: ${found.problem}`, { field: found.field });
}
