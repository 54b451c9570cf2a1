/** The codes clients see in `extensions.code` (see the API contract). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CHARTER_NOT_ACCEPTED = 'CHARTER_NOT_ACCEPTED',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  /** Only for faults of the server itself; the message is generic and carries a correlation id. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** An error meant for the client: its message and extensions are safe to send as they are. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Not found') => new AppError(ErrorCode.NOT_FOUND, what);

export const unauthenticated = (message = 'Authentication required') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message = 'Not allowed') => new AppError(ErrorCode.FORBIDDEN, message);

export const conflict = (message: string, reason?: string) =>
  new AppError(ErrorCode.CONFLICT, message, reason ? { reason } : {});

export const badInput = (field: string, problem: string) =>
  new AppError(ErrorCode.BAD_USER_INPUT, `${field}: ${problem}`, { field });

export const charterNotAccepted = () =>
  new AppError(ErrorCode.CHARTER_NOT_ACCEPTED, 'Accept the current version of the cohort charter first');
