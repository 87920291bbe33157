/**
 * Live-state readers (the "get" step). Each reader runs one command through the executor and
 * turns its JSON (or, for swanctl, text) into a small typed model; parsing is separated from
 * running so unit tests can feed captured output.
 */
import { Executor } from "./exec";

export interface LiveLink {
  name: string;
  kind: string | undefined;
  mtu: number;
  up: boolean;
  master: string | undefined;
  /** `link_type` from iproute2, e.g. "ether" or "loopback". */
  linkType?: string | undefined;
  vxlan?: { id: number; local: string | undefined; remote: string | undefined; port: number | undefined };
  vlan?: { id: number; link: string | undefined };
  stats?: {
    rxBytes: number;
    txBytes: number;
    rxPackets: number;
    txPackets: number;
    rxDropped: number;
    txDropped: number;
  };
}

export interface LiveFdbEntry {
  mac: string;
  ifname: string;
  master: string | undefined;
  permanent: boolean;
  dst: string | undefined;
}

export interface LiveChildSa {
  name: string;
  state: string;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
}

export interface LiveIkeSa {
  name: string;
  state: string;
  children: LiveChildSa[];
}

export interface LiveNftTable {
  family: string;
  name: string;
  digest: string | undefined;
  /** Counter packets keyed by rule comment (rules without comments are not reported). */
  counters: Record<string, number>;
}

/** A route that sends traffic out of a device (kernel-made link-local and local-table routes left out). */
export interface LiveRoute {
  dst: string;
  dev: string;
  table: string;
}

export interface LiveState {
  links: Map<string, LiveLink>;
  loAddresses: string[];
  /** Addresses other than link-local/host scope, by interface: what makes a NIC underlay or management. */
  addresses: Map<string, string[]>;
  routes: LiveRoute[];
  blackholes: string[];
  nft: LiveNftTable[];
  sas: LiveIkeSa[] | undefined;
}

type Json = Record<string, unknown>;

function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

export function parseLinks(json: string): Map<string, LiveLink> {
  const out = new Map<string, LiveLink>();
  for (const l of asArray(JSON.parse(json || "[]"))) {
    const name = String(l["ifname"]);
    const info = (l["linkinfo"] ?? {}) as Json;
    const data = (info["info_data"] ?? {}) as Json;
    const kind = typeof info["info_kind"] === "string" ? (info["info_kind"] as string) : undefined;
    const flags = Array.isArray(l["flags"]) ? (l["flags"] as string[]) : [];
    const link: LiveLink = {
      name,
      kind,
      mtu: Number(l["mtu"] ?? 0),
      up: flags.includes("UP"),
      master: typeof l["master"] === "string" ? (l["master"] as string) : undefined,
      linkType: typeof l["link_type"] === "string" ? (l["link_type"] as string) : undefined,
    };
    if (kind === "vxlan") {
      link.vxlan = {
        id: Number(data["id"]),
        local: data["local"] as string | undefined,
        remote: data["remote"] as string | undefined,
        port: data["port"] === undefined ? undefined : Number(data["port"]),
      };
    }
    if (kind === "vlan") {
      link.vlan = { id: Number(data["id"]), link: l["link"] as string | undefined };
    }
    const s = (l["stats64"] ?? l["stats"]) as Json | undefined;
    if (s) {
      const rx = (s["rx"] ?? {}) as Json;
      const tx = (s["tx"] ?? {}) as Json;
      link.stats = {
        rxBytes: Number(rx["bytes"] ?? 0),
        txBytes: Number(tx["bytes"] ?? 0),
        rxPackets: Number(rx["packets"] ?? 0),
        txPackets: Number(tx["packets"] ?? 0),
        rxDropped: Number(rx["dropped"] ?? 0),
        txDropped: Number(tx["dropped"] ?? 0),
      };
    }
    out.set(name, link);
  }
  return out;
}

export function parseAddresses(json: string): string[] {
  const out: string[] = [];
  for (const l of asArray(JSON.parse(json || "[]"))) {
    for (const a of asArray(l["addr_info"])) out.push(`${String(a["local"])}/${String(a["prefixlen"])}`);
  }
  return out;
}

/**
 * `ip -j addr show` (all interfaces) → addresses by interface, without link-local and host
 * scope: every up interface has an fe80:: address, which says nothing about its role.
 */
export function parseAddressesByLink(json: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of asArray(JSON.parse(json || "[]"))) {
    const found = asArray(l["addr_info"])
      .filter((a) => a["scope"] !== "link" && a["scope"] !== "host")
      .map((a) => `${String(a["local"])}/${String(a["prefixlen"])}`);
    if (found.length > 0) out.set(String(l["ifname"]), found);
  }
  return out;
}

/** Every address of one interface (all scopes), e.g. the VTEP /32 and 127.0.0.1/8 on lo. */
export function addressesOf(json: string, ifname: string): string[] {
  return parseAddresses(
    JSON.stringify(asArray(JSON.parse(json || "[]")).filter((l) => l["ifname"] === ifname)),
  );
}

/**
 * `ip -j route show table all` (IPv4 or IPv6) → routes that use a device. Local/broadcast/
 * multicast routes and the kernel's fe80::/64 per interface are left out: the kernel makes
 * them for any interface that is up, so they do not mark a NIC as routed.
 */
export function parseRoutes(json: string): LiveRoute[] {
  return asArray(JSON.parse(json || "[]"))
    .filter(
      (r) =>
        typeof r["dev"] === "string" &&
        r["table"] !== "local" &&
        !["local", "broadcast", "multicast", "anycast"].includes(String(r["type"] ?? "unicast")) &&
        !String(r["dst"]).startsWith("fe80:"),
    )
    .map((r) => ({ dst: String(r["dst"]), dev: String(r["dev"]), table: String(r["table"] ?? "main") }));
}

export function parseBlackholes(json: string): string[] {
  return asArray(JSON.parse(json || "[]"))
    .filter((r) => r["type"] === "blackhole")
    .map((r) => {
      const dst = String(r["dst"]);
      return dst.includes("/") ? dst : `${dst}/32`;
    });
}

export function parseFdb(json: string): LiveFdbEntry[] {
  return asArray(JSON.parse(json || "[]")).map((e) => {
    const state = e["state"];
    const flags = Array.isArray(e["flags"]) ? (e["flags"] as string[]) : [];
    return {
      mac: String(e["mac"]),
      ifname: String(e["ifname"]),
      master: e["master"] as string | undefined,
      permanent: state === "permanent" || flags.includes("permanent"),
      dst: e["dst"] as string | undefined,
    };
  });
}

/** Parses `swanctl --list-sas` text output (stable across 5.x). */
export function parseSas(text: string): LiveIkeSa[] {
  const sas: LiveIkeSa[] = [];
  let cur: LiveIkeSa | undefined;
  let child: LiveChildSa | undefined;
  for (const line of text.split("\n")) {
    const ike = /^([\w.-]+): #\d+, (\w+),/.exec(line);
    if (ike) {
      cur = { name: ike[1] as string, state: ike[2] as string, children: [] };
      sas.push(cur);
      child = undefined;
      continue;
    }
    const ch = /^\s{2}([\w.-]+): #\d+, reqid \d+, (\w+),/.exec(line);
    if (ch && cur) {
      child = {
        name: ch[1] as string,
        state: ch[2] as string,
        bytesIn: 0,
        bytesOut: 0,
        packetsIn: 0,
        packetsOut: 0,
      };
      cur.children.push(child);
      continue;
    }
    const traffic = /^\s+(in|out)\s+\S+,\s+(\d+) bytes,\s+(\d+) packets/.exec(line);
    if (traffic && child) {
      if (traffic[1] === "in") {
        child.bytesIn = Number(traffic[2]);
        child.packetsIn = Number(traffic[3]);
      } else {
        child.bytesOut = Number(traffic[2]);
        child.packetsOut = Number(traffic[3]);
      }
    }
  }
  return sas;
}

export const DIGEST_PREFIX = "l2stretch-digest:";

export function parseNft(json: string, tableName: string): LiveNftTable[] {
  const doc = JSON.parse(json || "{}") as { nftables?: Json[] };
  const tables = new Map<string, LiveNftTable>();
  for (const item of doc.nftables ?? []) {
    const t = item["table"] as Json | undefined;
    if (t && t["name"] === tableName) {
      tables.set(`${String(t["family"])}`, {
        family: String(t["family"]),
        name: tableName,
        digest: undefined,
        counters: {},
      });
    }
    const r = item["rule"] as Json | undefined;
    if (r && r["table"] === tableName) {
      const tbl = tables.get(String(r["family"]));
      const comment = typeof r["comment"] === "string" ? (r["comment"] as string) : undefined;
      if (!tbl || !comment) continue;
      if (comment.startsWith(DIGEST_PREFIX)) tbl.digest = comment.slice(DIGEST_PREFIX.length);
      const counter = asArray(r["expr"]).find((e) => e["counter"] !== undefined);
      if (counter) tbl.counters[comment] = Number((counter["counter"] as Json)["packets"] ?? 0);
    }
  }
  return [...tables.values()];
}

export interface SwanctlPaths {
  /** SWANCTL_DIR of this gateway (private per instance). */
  swanctlDir: string;
  /** vici socket URI, e.g. unix:///var/lib/l2stretch/charon.vici */
  viciUri: string;
}

/** Runs `swanctl <cmd> --uri …` with the private config dir (the command word must come first). */
export function swanctl(ex: Executor, paths: SwanctlPaths, cmd: string, ...args: string[]) {
  return ex.run(["swanctl", cmd, "--uri", paths.viciUri, ...args], {
    env: { SWANCTL_DIR: paths.swanctlDir },
    timeoutMs: 15_000,
  });
}

const SKIPPED = { code: 1, stdout: "", stderr: "not read" };

/**
 * Reads everything the planner needs, in parallel. `scope: "status"` leaves out addresses and
 * routes (only verify and plan use them), so the status page costs three processes, not seven.
 */
export async function readLiveState(
  ex: Executor,
  paths: SwanctlPaths,
  nftTable: string,
  scope: "plan" | "status" = "plan",
): Promise<LiveState> {
  const forPlan = (argv: string[]) => (scope === "plan" ? ex.run(argv) : Promise.resolve(SKIPPED));
  const [links, addrs, routes, routes4, routes6, nft, sas] = await Promise.all([
    ex.run(["ip", "-j", "-d", "-s", "link", "show"]),
    forPlan(["ip", "-j", "addr", "show"]),
    forPlan(["ip", "-j", "route", "show", "table", "main", "type", "blackhole"]),
    forPlan(["ip", "-j", "-4", "route", "show", "table", "all"]),
    forPlan(["ip", "-j", "-6", "route", "show", "table", "all"]),
    ex.run(["nft", "-j", "list", "ruleset"]),
    swanctl(ex, paths, "--list-sas"),
  ]);
  if (links.code !== 0) throw new Error(`ip link: ${links.stderr}`);
  return {
    links: parseLinks(links.stdout),
    loAddresses: addrs.code === 0 ? addressesOf(addrs.stdout, "lo") : [],
    addresses: addrs.code === 0 ? parseAddressesByLink(addrs.stdout) : new Map(),
    routes: [
      ...(routes4.code === 0 ? parseRoutes(routes4.stdout) : []),
      ...(routes6.code === 0 ? parseRoutes(routes6.stdout) : []),
    ],
    blackholes: routes.code === 0 ? parseBlackholes(routes.stdout) : [],
    nft: nft.code === 0 ? parseNft(nft.stdout, nftTable) : [],
    sas: sas.code === 0 ? parseSas(sas.stdout) : undefined,
  };
}

/** The forwarding database of one bridge, or of every bridge (one process for the status page). */
export async function readFdb(ex: Executor, bridge?: string): Promise<LiveFdbEntry[]> {
  const r = await ex.run(["bridge", "-j", "fdb", "show", ...(bridge ? ["br", bridge] : [])]);
  return r.code === 0 ? parseFdb(r.stdout) : [];
}
