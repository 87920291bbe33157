/**
 * Verify and plan: compare the desired document with live state and produce the minimal,
 * ordered list of actions. Pure (no I/O): every input is passed in, so the same code serves
 * the apply path, the "would change" report and the unit tests.
 *
 * Ordering rules, and why:
 *  1. VTEP address and the blackhole route to the peer VTEP first: fail closed before any
 *     VXLAN device exists.
 *  2. nftables next (leak guard, MSS clamp, egress filter), replaced atomically.
 *  3. strongSwan config / daemon.
 *  4. Ports that left a network are detached, removed networks deleted, then new or drifted
 *     networks built. A network whose devices already match is not touched at all, so its
 *     traffic never pauses; a network whose VNI changed is rebuilt (its devices are named by
 *     the VNI), and only that one.
 */
import {
  GatewayConfig,
  NetworkConfig,
  bridgeName,
  effectiveInnerMtu,
  sitePortName,
  vxlanName,
} from "../../contract/gatewayDocument";
import { LiveLink, LiveState } from "./live";
import { renderGuardChains, underlayDevices } from "./guard";
import {
  CHILD_SA,
  CharonPaths,
  IKE_CONN,
  VXLAN_PORT,
  nftDigest,
  renderNftScript,
  renderStrongswanConf,
  renderSwanctlConf,
  renderSwanctlFiles,
} from "./render";

export type Step =
  | { op: "exec"; argv: string[]; input?: string; allowFail?: boolean }
  | { op: "write"; path: string; content: string; mode?: number }
  | { op: "charon-start" }
  | { op: "charon-restart" }
  | { op: "swanctl-load" };

export interface Action {
  /** Stable identifier, e.g. `network/blue` or `nft`. */
  id: string;
  network?: string;
  description: string;
  steps: Step[];
}

export interface PlannerInput {
  live: LiveState;
  /** Current contents of the generated files (undefined = missing). */
  files: Record<string, string | undefined>;
  charonRunning: boolean;
  /** Whether charon has our connection loaded (swanctl --list-conns). */
  connLoaded: boolean;
}

export { verify, type VerifyIssue } from "./verify";

const MANAGED = /^l2(br|vx)\d+$/;

function vlanMatches(l: LiveLink | undefined, trunk: string, id: number): boolean {
  return (
    !!l && l.kind === "vlan" && l.vlan?.id === id && (l.vlan.link === undefined || l.vlan.link === trunk)
  );
}

function networkSteps(
  cfg: GatewayConfig,
  n: NetworkConfig,
  live: LiveState,
): { steps: Step[]; why: string[] } {
  const steps: Step[] = [];
  const why: string[] = [];
  const br = bridgeName(n.vni);
  const vx = vxlanName(n.vni);
  const port = sitePortName(n);
  const mtu = effectiveInnerMtu(cfg, n);
  const u = cfg.underlay;

  if (n.attachment.type === "vlan") {
    const l = live.links.get(port);
    if (!vlanMatches(l, n.attachment.trunk, n.attachment.vlanId)) {
      if (l) steps.push({ op: "exec", argv: ["ip", "link", "del", port] });
      steps.push({
        op: "exec",
        argv: [
          "ip",
          "link",
          "add",
          "link",
          n.attachment.trunk,
          "name",
          port,
          "type",
          "vlan",
          "id",
          String(n.attachment.vlanId),
        ],
      });
      why.push(l ? `${port}: wrong VLAN` : `${port}: missing`);
    }
  }

  const b = live.links.get(br);
  if (!b || b.kind !== "bridge") {
    if (b) steps.push({ op: "exec", argv: ["ip", "link", "del", br] });
    steps.push({ op: "exec", argv: ["ip", "link", "add", "name", br, "type", "bridge"] });
    why.push(`${br}: missing`);
  }

  const v = live.links.get(vx);
  const vxOk =
    !!v &&
    v.kind === "vxlan" &&
    v.vxlan?.id === n.vni &&
    v.vxlan.local === u.vtepLocal &&
    v.vxlan.remote === u.vtepPeer &&
    (v.vxlan.port ?? VXLAN_PORT) === VXLAN_PORT;
  if (!vxOk) {
    if (v) steps.push({ op: "exec", argv: ["ip", "link", "del", vx] });
    // No `dev`: the VTEP is routed into the tunnel (ipsec0 or xfrm), not bound to a NIC.
    steps.push({
      op: "exec",
      argv: [
        "ip",
        "link",
        "add",
        vx,
        "mtu",
        String(mtu),
        "type",
        "vxlan",
        "id",
        String(n.vni),
        "local",
        u.vtepLocal,
        "remote",
        u.vtepPeer,
        "dstport",
        String(VXLAN_PORT),
      ],
    });
    why.push(v ? `${vx}: attributes differ` : `${vx}: missing`);
  } else if (v.mtu !== mtu) {
    steps.push({ op: "exec", argv: ["ip", "link", "set", vx, "mtu", String(mtu)] });
    why.push(`${vx}: mtu ${v.mtu} -> ${mtu}`);
  }
  if (!vxOk || v.master !== br) {
    steps.push({ op: "exec", argv: ["ip", "link", "set", vx, "master", br] });
    if (vxOk) why.push(`${vx}: not in ${br}`);
  }
  const p = live.links.get(port);
  const portFresh = n.attachment.type === "vlan" && !vlanMatches(p, n.attachment.trunk, n.attachment.vlanId);
  if (portFresh || p?.master !== br) {
    steps.push({ op: "exec", argv: ["ip", "link", "set", port, "master", br] });
    if (!portFresh) why.push(`${port}: not in ${br}`);
  }
  if (n.attachment.type === "vlan" && !live.links.get(n.attachment.trunk)?.up) {
    steps.push({ op: "exec", argv: ["ip", "link", "set", n.attachment.trunk, "up"] });
    why.push(`${n.attachment.trunk}: down`);
  }
  for (const [name, l, fresh] of [
    [port, p, portFresh],
    [vx, v, !vxOk],
    [br, b, !b || b.kind !== "bridge"],
  ] as const) {
    if (fresh || !l?.up) {
      steps.push({ op: "exec", argv: ["ip", "link", "set", name, "up"] });
      if (!fresh) why.push(`${name}: down`);
    }
  }
  return { steps, why };
}

export function plan(
  cfg: GatewayConfig,
  input: PlannerInput,
  paths: CharonPaths,
  previous?: GatewayConfig,
): Action[] {
  const { live } = input;
  const actions: Action[] = [];
  const u = cfg.underlay;

  // 1. Fail closed first.
  const vtep = `${u.vtepLocal}/32`;
  const stale =
    previous && previous.underlay.vtepLocal !== u.vtepLocal ? `${previous.underlay.vtepLocal}/32` : undefined;
  if (!live.loAddresses.includes(vtep) || (stale && live.loAddresses.includes(stale))) {
    const steps: Step[] = [];
    if (!live.loAddresses.includes(vtep))
      steps.push({ op: "exec", argv: ["ip", "addr", "add", vtep, "dev", "lo"] });
    if (stale && live.loAddresses.includes(stale))
      steps.push({ op: "exec", argv: ["ip", "addr", "del", stale, "dev", "lo"], allowFail: true });
    actions.push({ id: "vtep-address", description: `local VTEP ${vtep} on lo`, steps });
  }
  const hole = `${u.vtepPeer}/32`;
  const staleHole =
    previous && previous.underlay.vtepPeer !== u.vtepPeer ? `${previous.underlay.vtepPeer}/32` : undefined;
  if (!live.blackholes.includes(hole) || (staleHole && live.blackholes.includes(staleHole))) {
    const steps: Step[] = [];
    if (!live.blackholes.includes(hole))
      steps.push({ op: "exec", argv: ["ip", "route", "replace", "blackhole", hole] });
    if (staleHole && live.blackholes.includes(staleHole))
      steps.push({ op: "exec", argv: ["ip", "route", "del", "blackhole", staleHole], allowFail: true });
    actions.push({
      id: "fail-closed-route",
      description: `blackhole ${hole} in the main table (VXLAN to the peer never leaves unencrypted)`,
      steps,
    });
  }

  // 2. nftables, compared by the digest stored in the tables themselves.
  const guard = renderGuardChains(cfg, underlayDevices(cfg, live));
  const digest = nftDigest(cfg, guard);
  const tables = live.nft;
  if (tables.length !== 2 || tables.some((t) => t.digest !== digest)) {
    actions.push({
      id: "nft",
      description: "nftables: leak guard, bridge port guard, MSS clamp, egress optimisation",
      steps: [{ op: "exec", argv: ["nft", "-f", "-"], input: renderNftScript(cfg, guard) }],
    });
  }

  // 3. strongSwan.
  const ssConf = renderStrongswanConf(cfg, paths);
  const swConf = renderSwanctlConf(cfg);
  const extra = renderSwanctlFiles(cfg);
  const writes: Step[] = [];
  if (input.files[paths.strongswanConf] !== ssConf)
    writes.push({ op: "write", path: paths.strongswanConf, content: ssConf, mode: 0o600 });
  const swPath = `${paths.swanctlDir}/swanctl.conf`;
  if (input.files[swPath] !== swConf)
    writes.push({ op: "write", path: swPath, content: swConf, mode: 0o600 });
  for (const [rel, content] of Object.entries(extra)) {
    const p = `${paths.swanctlDir}/${rel}`;
    if (input.files[p] !== content) writes.push({ op: "write", path: p, content, mode: 0o600 });
  }
  const ssChanged = input.files[paths.strongswanConf] !== ssConf;
  const charonSteps: Step[] = [...writes];
  if (!input.charonRunning) charonSteps.push({ op: "charon-start" });
  else if (ssChanged) charonSteps.push({ op: "charon-restart" });
  if (charonSteps.length > 0 || !input.connLoaded) charonSteps.push({ op: "swanctl-load" });
  if (charonSteps.length > 0) {
    actions.push({
      id: "ipsec",
      description: `IKEv2 ${IKE_CONN}/${CHILD_SA} ${u.localAddress} <-> ${u.peerAddress} (${cfg.transport.backend})`,
      steps: charonSteps,
    });
  }

  // 4a. Networks that are no longer wanted (managed names only; never someone else's devices).
  const wanted = new Set(cfg.networks.flatMap((n) => [bridgeName(n.vni), vxlanName(n.vni)]));
  const wantedPorts = new Set(cfg.networks.map((n) => sitePortName(n)));
  const doomed = [...live.links.values()].filter((l) => MANAGED.test(l.name) && !wanted.has(l.name));
  // VXLAN before bridges: the bridge delete then frees the site port.
  doomed.sort((a, b) => (a.kind === "vxlan" ? 0 : 1) - (b.kind === "vxlan" ? 0 : 1));
  const staleVlans = (previous?.networks ?? [])
    .filter(
      (n) =>
        n.attachment.type === "vlan" && !wantedPorts.has(sitePortName(n)) && live.links.has(sitePortName(n)),
    )
    .map((n) => sitePortName(n));
  // Ports left in a network's bridge that are not its site port any more (the network moved to
  // another port): detached before anything is built, so two site segments are never bridged.
  const keep = new Map(
    cfg.networks.map((n) => [bridgeName(n.vni), new Set([sitePortName(n), vxlanName(n.vni)])]),
  );
  const strays = [...live.links.values()].filter(
    (l) =>
      l.master !== undefined &&
      keep.has(l.master) &&
      !keep.get(l.master)?.has(l.name) &&
      !staleVlans.includes(l.name),
  );
  if (strays.length > 0) {
    actions.push({
      id: "detach-ports",
      description: `detach ${strays.map((l) => `${l.name} from ${l.master as string}`).join(", ")}`,
      steps: strays.map((l): Step => ({ op: "exec", argv: ["ip", "link", "set", l.name, "nomaster"] })),
    });
  }
  if (doomed.length > 0 || staleVlans.length > 0) {
    actions.push({
      id: "remove-networks",
      description: `remove ${[...doomed.map((l) => l.name), ...staleVlans].join(", ")}`,
      steps: [
        ...doomed.map((l): Step => ({ op: "exec", argv: ["ip", "link", "del", l.name], allowFail: true })),
        ...staleVlans.map((p): Step => ({ op: "exec", argv: ["ip", "link", "del", p], allowFail: true })),
      ],
    });
  }

  // 4b. New or drifted networks; untouched when everything matches.
  for (const n of cfg.networks) {
    const { steps, why } = networkSteps(cfg, n, live);
    const was = previous?.networks.find((p) => p.name === n.name);
    if (was && was.vni !== n.vni) why.unshift(`VNI ${was.vni} -> ${n.vni}: rebuilt as ${bridgeName(n.vni)}`);
    else if (was && sitePortName(was) !== sitePortName(n))
      why.unshift(`site port ${sitePortName(was)} -> ${sitePortName(n)}`);
    if (steps.length > 0) {
      actions.push({
        id: `network/${n.name}`,
        network: n.name,
        description: `${n.name} (VNI ${n.vni}): ${why.join("; ")}`,
        steps,
      });
    }
  }
  return actions;
}

/** Files the planner wants to compare (so the caller can read exactly these). */
export function plannedFiles(cfg: GatewayConfig, paths: CharonPaths): string[] {
  return [
    paths.strongswanConf,
    `${paths.swanctlDir}/swanctl.conf`,
    ...Object.keys(renderSwanctlFiles(cfg)).map((r) => `${paths.swanctlDir}/${r}`),
  ];
}
