import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from "cockatiel";
import { isApiError } from "./errors";

/**
 * One retry policy for every vendor call: exponential backoff with full jitter on
 * transient faults (busy edge, 409, 5xx, timeouts, resets), bounded by a deadline so a
 * `pulumi up` never hangs forever on a wedged appliance.
 */
export interface RetryOptions {
  /** Give up after this many milliseconds in total. Default 120 000. */
  deadlineMs?: number;
  /** First delay. Default 250 ms. */
  initialDelayMs?: number;
  /** Largest single delay. Default 5 000 ms. */
  maxDelayMs?: number;
  /** Called before each retry, e.g. to log "edge busy, retrying". */
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, "onRetry">> = {
  deadlineMs: 120_000,
  initialDelayMs: 250,
  maxDelayMs: 5_000,
};

export function isTransient(error: unknown): boolean {
  return isApiError(error) && error.retryable;
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...options };
  const started = Date.now();
  const backoff: IBackoffFactory<IRetryBackoffContext<unknown>> = new ExponentialBackoff({
    initialDelay: o.initialDelayMs,
    maxDelay: o.maxDelayMs,
  });
  // Stop retrying once the next attempt could not finish before the deadline.
  const policy = retry(
    handleWhen((e) => isTransient(e) && Date.now() - started < o.deadlineMs),
    { maxAttempts: Number.MAX_SAFE_INTEGER, backoff },
  );
  if (options.onRetry) {
    const cb = options.onRetry;
    policy.onRetry((event) => {
      if ("error" in event) cb(event.attempt, event.error, event.delay);
    });
  }
  return policy.execute(({ attempt }) => fn(attempt));
}
