// One error type for everything a handler rejects; the HTTP layer renders it as a vCD XML Error,
// a CloudAPI JSON error, an NSX <error> (NSX Manager direct), or (for faults) a 503.

export type MinorErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "ACCESS_TO_RESOURCE_IS_FORBIDDEN"
  | "RESOURCE_NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "DUPLICATE_NAME"
  | "BUSY_ENTITY"
  | "NOT_ACCEPTABLE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "INTERNAL_SERVER_ERROR"
  | "SERVICE_UNAVAILABLE";

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly minorErrorCode: MinorErrorCode,
    message: string,
    /** NSX errorCode when the error comes from an NSX edge service (shown on both access paths). */
    readonly nsxCode?: number,
  ) {
    super(message);
    this.name = "SimError";
  }
}

export const badRequest = (msg: string): SimError => new SimError(400, "BAD_REQUEST", msg);
export const unauthorized = (msg = "Unauthorized"): SimError => new SimError(401, "UNAUTHORIZED", msg);
export const forbidden = (msg: string): SimError => new SimError(403, "ACCESS_TO_RESOURCE_IS_FORBIDDEN", msg);
export const notFound = (msg: string): SimError => new SimError(404, "RESOURCE_NOT_FOUND", msg);
export const duplicateName = (msg: string): SimError => new SimError(400, "DUPLICATE_NAME", msg);
export const busyEntity = (msg: string): SimError => new SimError(400, "BUSY_ENTITY", msg);
export const notAcceptable = (): SimError =>
  new SimError(
    406,
    "NOT_ACCEPTABLE",
    "The request has invalid accept header: Invalid API version requested.",
  );
export const unsupportedMedia = (msg: string): SimError => new SimError(415, "UNSUPPORTED_MEDIA_TYPE", msg);
