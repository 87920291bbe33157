/**
 * Typed errors shared by every vendor client. Callers branch on `code` and `retryable`,
 * never on message text, and every error carries the request id the vendor logged so an
 * operator can find the call on the server side.
 */
export type ApiErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "DUPLICATE_NAME"
  | "BUSY_ENTITY"
  | "CONFLICT"
  | "NOT_ACCEPTABLE"
  | "SERVER_ERROR"
  | "TIMEOUT"
  | "CONNECTION_RESET"
  | "INVALID_RESPONSE"
  /** A body that is not a complete document (cut off in transit): read again, never write from it. */
  | "MALFORMED_RESPONSE"
  | "TASK_FAILED"
  | "UNSUPPORTED";

const RETRYABLE: ReadonlySet<ApiErrorCode> = new Set([
  "BUSY_ENTITY",
  "CONFLICT",
  "SERVER_ERROR",
  "TIMEOUT",
  "CONNECTION_RESET",
  "MALFORMED_RESPONSE",
]);

export interface ApiErrorDetails {
  status?: number;
  vendorCode?: string;
  requestId?: string;
  method?: string;
  url?: string;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly details: ApiErrorDetails;

  constructor(code: ApiErrorCode, message: string, details: ApiErrorDetails = {}) {
    const where = details.method && details.url ? ` (${details.method} ${details.url})` : "";
    const rid = details.requestId ? ` [request ${details.requestId}]` : "";
    super(`${message}${where}${rid}`);
    this.name = "ApiError";
    this.code = code;
    this.details = details;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isApiError(e: unknown, code?: ApiErrorCode): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** Error for problems the user must fix in their program or stack config. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
