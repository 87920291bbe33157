// Programmatic entry point of the vCD / NSX-v simulator.
import type { AddressInfo } from "node:net";
import { SimCore } from "./core/sim-core";
import type { RequestLogEntry } from "./core/requestLog";
import type { SimStats } from "./core/stats";
import type { World } from "./core/world";
import { adminRoutes } from "./handlers/admin";
import { entityRoutes } from "./handlers/entities";
import { networkCloudRoutes } from "./handlers/networks-cloudapi";
import { networkXmlRoutes } from "./handlers/networks-xml";
import { nsxJobRoutes } from "./handlers/nsx-jobs";
import { nsxL2VpnRoutes } from "./handlers/nsx-l2vpn";
import { nsxTruststoreRoutes } from "./handlers/nsx-truststore";
import { nsxVnicRoutes } from "./handlers/nsx-vnics";
import { queryRoutes } from "./handlers/query";
import { sessionRoutes } from "./handlers/sessions";
import { taskRoutes } from "./handlers/tasks";
import { vdcCapabilityRoutes } from "./handlers/vdc-capabilities";
import { versionRoutes } from "./handlers/versions";
import { Router } from "./http/router";
import { createSimServer } from "./http/server";
import { resolveOptions, type FaultOptions, type SimOptions } from "./options";

export type { FaultOptions, SimOptions } from "./options";
export type { SimStats, LostUpdateEvent } from "./core/stats";
export type { RequestLogEntry } from "./core/requestLog";
export type { World } from "./core/world";
export { DEFAULT_SEED, parseSeed, type SeedWorld } from "./core/seed";

export interface RunningSim {
  url: string;
  /** Bearer token of the /_sim/* admin endpoints. */
  adminToken: string;
  close(): Promise<void>;
  stats(): SimStats;
  /** Vendor requests served since start or the last reset, oldest first. */
  requests(): RequestLogEntry[];
  world(): World;
  setFaults(f: Partial<FaultOptions>): void;
}

export function buildRouter(): Router {
  return new Router().add(
    ...versionRoutes,
    ...sessionRoutes,
    ...entityRoutes,
    ...queryRoutes,
    ...networkXmlRoutes,
    ...taskRoutes,
    ...networkCloudRoutes,
    ...vdcCapabilityRoutes,
    // Jobs first: /edges/jobs/{id} must not be read as an edge called "jobs".
    ...nsxJobRoutes,
    ...nsxVnicRoutes,
    ...nsxL2VpnRoutes,
    ...nsxTruststoreRoutes,
    ...adminRoutes,
  );
}

export async function startSimulator(opts?: SimOptions): Promise<RunningSim> {
  const resolved = resolveOptions(opts);
  const core = new SimCore(resolved);
  const server = createSimServer(core, buildRouter());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  core.baseUrl = `http://${host}:${addr.port}`;

  let closed: Promise<void> | undefined;
  return {
    url: core.baseUrl,
    adminToken: core.adminToken,
    stats: () => core.stats,
    requests: () => core.requestLog,
    world: () => core.world,
    setFaults: (f) => core.setFaults(f),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        core.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
