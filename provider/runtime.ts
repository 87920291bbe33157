import { createHash } from "node:crypto";
import type { ConfigSource } from "./config";
import { nsxManagerConnectionFrom, retryFrom, vcdConnectionFrom } from "./config";
import type { RetryOptions } from "./common/retry";
import { NsxExecutor } from "./nsxv/executor";
import { VcdExecutor } from "./vcd/executor";

/**
 * Process-wide state of one dynamic-provider process: the stack config handed to
 * `configure()` and the vCD session built from it, shared by every resource so a
 * `pulumi up` with fifty networks logs in once. Pulumi calls `configure()` once per
 * resource type with the same config: a client (and its session, caches and edge handles)
 * is kept as long as the connection settings it was made from are the same.
 */
let config: ConfigSource | undefined;
let vcd: { settings: string; exec: VcdExecutor } | undefined;
let nsx: { settings: string; exec: NsxExecutor } | undefined;

export function setConfig(source: ConfigSource): void {
  config = source;
}

/** A digest of connection settings (they hold the password: never kept in clear twice). */
function digest(settings: object): string {
  return createHash("sha256").update(JSON.stringify(settings)).digest("hex");
}

const debugLog = process.env["L2STRETCH_DEBUG"]
  ? (line: string) => console.error(`[l2stretch] ${line}`)
  : undefined;

/** NSX Manager client for edges addressed directly; configured from l2stretch:nsx*. */
export function nsxExecutor(): NsxExecutor {
  const conn = nsxManagerConnectionFrom(config);
  const settings = digest(conn);
  if (nsx?.settings !== settings) nsx = { settings, exec: new NsxExecutor({ ...conn, log: debugLog }) };
  return nsx.exec;
}

/** Deadline for whole read-modify-write cycles on busy edges. */
export function writeRetry(): RetryOptions | undefined {
  return retryFrom(config);
}

export function vcdExecutor(): VcdExecutor {
  const conn = vcdConnectionFrom(config);
  const settings = digest(conn);
  if (vcd?.settings !== settings) vcd = { settings, exec: new VcdExecutor({ ...conn, log: debugLog }) };
  return vcd.exec;
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
