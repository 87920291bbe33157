// Public option types and their defaults.
import { randomBytes } from "node:crypto";
import type { SeedWorld } from "./core/seed";
import { isVcdMode, VCD_MODES, type VcdMode } from "./core/versions";

export interface FaultOptions {
  /** Delay added to every /api, /cloudapi and /network request. */
  latencyMs: number;
  /** Probability of answering 503 without applying the request. */
  errorRate: number;
  /** Probability of destroying the socket without answering (and without applying). */
  resetRate: number;
  /** How long an edge stays busy after a network task on it finished. */
  busyMs: number;
  /** Duration of a network task from queued to success. */
  taskMs: number;
  /** Seed of the fault PRNG; setting it restarts the sequence (deterministic tests). */
  faultSeed: number;
}

export interface SimOptions {
  port?: number;
  host?: string;
  stateFile?: string;
  vcdVersion?: VcdMode;
  latencyMs?: number;
  errorRate?: number;
  resetRate?: number;
  busyMs?: number;
  taskMs?: number;
  sessionTtlSeconds?: number;
  seed?: SeedWorld;
  /** Extra (not in the CLI contract's required set): seed for the fault PRNG. */
  faultSeed?: number;
  /**
   * Token the /_sim/* admin endpoints require (`Authorization: Bearer <token>`); they expose
   * every password. Default: $L2STRETCH_SIM_ADMIN_TOKEN, else a random one (see RunningSim.adminToken).
   */
  adminToken?: string;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  stateFile: string | undefined;
  vcdVersion: VcdMode;
  sessionTtlSeconds: number;
  seed: SeedWorld | undefined;
  faults: FaultOptions;
  adminToken: string;
}

function rate(name: string, v: number | undefined): number {
  const r = v ?? 0;
  if (!(r >= 0 && r <= 1)) throw new Error(`${name} must be between 0 and 1, got ${String(v)}`);
  return r;
}

function nonNegative(name: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!(Number.isFinite(n) && n >= 0))
    throw new Error(`${name} must be a non-negative number, got ${String(v)}`);
  return n;
}

export function validateFaults(f: Partial<FaultOptions>, base: FaultOptions): FaultOptions {
  return {
    latencyMs: nonNegative("latencyMs", f.latencyMs, base.latencyMs),
    errorRate: rate("errorRate", f.errorRate ?? base.errorRate),
    resetRate: rate("resetRate", f.resetRate ?? base.resetRate),
    busyMs: nonNegative("busyMs", f.busyMs, base.busyMs),
    taskMs: nonNegative("taskMs", f.taskMs, base.taskMs),
    faultSeed: Math.trunc(nonNegative("faultSeed", f.faultSeed, base.faultSeed)),
  };
}

export function resolveOptions(o: SimOptions = {}): ResolvedOptions {
  const vcdVersion = o.vcdVersion ?? "10.0";
  if (!isVcdMode(vcdVersion)) throw new Error(`vcdVersion must be one of ${VCD_MODES.join(", ")}`);
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`port must be 0-65535, got ${port}`);
  const sessionTtlSeconds = nonNegative("sessionTtlSeconds", o.sessionTtlSeconds, 1800);
  if (sessionTtlSeconds === 0) throw new Error("sessionTtlSeconds must be > 0");
  const defaults: FaultOptions = {
    latencyMs: 0,
    errorRate: 0,
    resetRate: 0,
    busyMs: 0,
    taskMs: 400,
    faultSeed: Date.now() % 2 ** 31,
  };
  const adminToken =
    o.adminToken ?? process.env["L2STRETCH_SIM_ADMIN_TOKEN"] ?? randomBytes(18).toString("base64url");
  if (adminToken.length < 8) throw new Error("adminToken must be at least 8 characters");
  return {
    adminToken,
    port,
    host: o.host ?? "127.0.0.1",
    stateFile: o.stateFile,
    vcdVersion,
    sessionTtlSeconds,
    seed: o.seed,
    faults: validateFaults(
      {
        latencyMs: o.latencyMs,
        errorRate: o.errorRate,
        resetRate: o.resetRate,
        busyMs: o.busyMs,
        taskMs: o.taskMs,
        faultSeed: o.faultSeed,
      },
      defaults,
    ),
  };
}
