// Every vendor request the simulator served, with the NSX edge it touched, so benchmarks and
// tests can count requests and edge writes per resource change (/_sim/requests).
import type { Edge, World } from "./world";

export interface RequestLogEntry {
  /** When the request arrived (ms since the epoch). */
  atMs: number;
  /** Time to the reply, simulated latency included. */
  ms: number;
  method: string;
  /** Path and query as sent. */
  path: string;
  status: number;
  /** Bytes of the reply body. */
  bytes: number;
  /** NSX id (edge-N) of the edge the request reads or changes, when it addresses one. */
  edge?: string;
}

const UUID = "[0-9a-fA-F-]{36}";

function allEdges(world: World): Edge[] {
  return [...world.edges, ...world.nsx.edges];
}

const nsxIdOf = (world: World, edgeUuid: string): string | undefined =>
  allEdges(world).find((e) => e.id === edgeUuid)?.nsxId;

/** A truststore scope is edge-N (NSX Manager) or the gateway UUID (vCD proxy). */
function scopeEdge(world: World, scope: string): string | undefined {
  return /^edge-\d+$/.test(scope) ? scope : nsxIdOf(world, scope);
}

/**
 * The edge a request addresses, from its path (and for a network create, from the body's
 * EdgeGateway reference). Worked out before the request runs, so a delete still finds it.
 */
export function edgeOfRequest(world: World, method: string, path: string, body: string): string | undefined {
  const direct = /^\/api\/4\.0\/edges\/(edge-\d+)(\/|$|\?)/.exec(path);
  if (direct) return direct[1];
  const proxied = new RegExp(`^/network/edges/(${UUID})(/|$|\\?)`).exec(path);
  if (proxied) return nsxIdOf(world, proxied[1]!);
  const network = new RegExp(`^/api/(?:admin/)?network/(${UUID})`).exec(path);
  if (network) {
    const net = world.networks.find((n) => n.id === network[1]);
    return net && nsxIdOf(world, net.edgeId);
  }
  if (method === "POST" && /^\/api\/admin\/vdc\/[^/]+\/networks/.test(path)) {
    const gw = new RegExp(`edgeGateway/(${UUID})`).exec(body);
    return gw ? nsxIdOf(world, gw[1]!) : undefined;
  }
  const trust = /\/services\/truststore\/(certificate|csr)\/(?:scope\/)?([^/?]+)/.exec(path);
  if (trust) {
    const ref = trust[2]!.split(":").pop()!;
    const csr = world.nsx.csrs.find((c) => c.id === ref);
    const cert = world.nsx.certificates.find((c) => c.id === ref);
    return scopeEdge(world, csr?.scope ?? cert?.scope ?? trust[2]!.split(":")[0]!);
  }
  return undefined;
}
