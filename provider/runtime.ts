import type { ConfigSource } from "./config";
import { nsxManagerConnectionFrom, retryFrom, vcdConnectionFrom } from "./config";
import type { RetryOptions } from "./common/retry";
import { NsxExecutor } from "./nsxv/executor";
import { VcdExecutor } from "./vcd/executor";

/**
 * Process-wide state of one dynamic-provider process: the stack config handed to
 * `configure()` and the vCD session built from it, shared by every resource so a
 * `pulumi up` with fifty networks logs in once.
 */
let config: ConfigSource | undefined;
let vcd: VcdExecutor | undefined;
let nsx: NsxExecutor | undefined;

export function setConfig(source: ConfigSource): void {
  config = source;
  vcd = undefined;
  nsx = undefined;
}

const debugLog = process.env["L2STRETCH_DEBUG"]
  ? (line: string) => console.error(`[l2stretch] ${line}`)
  : undefined;

/** NSX Manager client for edges addressed directly; configured from l2stretch:nsx*. */
export function nsxExecutor(): NsxExecutor {
  nsx ??= new NsxExecutor({ ...nsxManagerConnectionFrom(config), log: debugLog });
  return nsx;
}

/** Deadline for whole read-modify-write cycles on busy edges. */
export function writeRetry(): RetryOptions | undefined {
  return retryFrom(config);
}

export function vcdExecutor(): VcdExecutor {
  if (!vcd) {
    const conn = vcdConnectionFrom(config);
    vcd = new VcdExecutor({ ...conn, log: debugLog });
  }
  return vcd;
}

/**
 * Thrown when the object exists but a later step failed: Pulumi records `id` and
 * `properties` in state (a partial failure), so the next `pulumi up` converges instead
 * of creating a duplicate or losing track of what was made.
 */
export class PartialFailure extends Error {
  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[],
  ) {
    super(reasons.join("; "));
    this.name = "PartialFailure";
  }
}
