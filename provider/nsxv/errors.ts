import { ApiError, type ApiErrorCode } from "../common/errors";

/**
 * NSX-v reports "edge busy" and "stale version" only in message text (no stable error code
 * survives across 6.2–6.4 and the vCD proxy), so both access paths classify them here and
 * the write path can treat them as transient.
 */
const BUSY = /is busy|another configuration is in progress|concurrent (?:update|operation)/i;
/** NSX's optimistic-concurrency rejection: "...has an older version... fetch the latest copy". */
const STALE = /older version|fetch the latest copy/i;

export function classifyNsxMessage(message: string): ApiErrorCode | undefined {
  if (BUSY.test(message)) return "BUSY_ENTITY";
  if (STALE.test(message)) return "CONFLICT";
  return undefined;
}

/**
 * Returns `e` with a more precise code when its text shows a busy edge or a stale version
 * (e.g. the vCD proxy passing an NSX 400 through); any other error is returned unchanged.
 */
export function reclassify(e: unknown): unknown {
  if (!(e instanceof ApiError) || e.code === "BUSY_ENTITY") return e;
  const code = classifyNsxMessage(e.message);
  if (!code || code === e.code) return e;
  const out = new ApiError(code, e.message);
  Object.assign(out, { details: e.details, stack: e.stack });
  return out;
}
