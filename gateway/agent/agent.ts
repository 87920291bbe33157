/**
 * The agent: owns the pipeline get → verify → generate → apply, the last good config, the
 * charon supervisor, and the status/metrics views. The HTTP layer (api.ts) only translates.
 */
import * as fs from "node:fs";
import { Mutex } from "async-mutex";
import type {
  AgentConfigView,
  AgentDeleteResult,
  AgentNetworkStatus,
  AgentStatus,
} from "../../contract/agentApi";
import { Executor } from "./exec";
import { Charon } from "./charon";
import { Applier, ApplyResult, ConfigStore } from "./apply";
import { LiveFdbEntry, LiveState, readFdb, readLiveState } from "./live";
import { verify } from "./verify";
import { guardDrops } from "./guard";
import { SingleFlight } from "./singleFlight";
import {
  GatewayConfig,
  GatewayConfigSchema,
  bridgeName,
  effectiveInnerMtu,
  formatIssues,
  sitePortName,
  vxlanName,
} from "../../contract/gatewayDocument";
import { CHILD_SA, IKE_CONN, NFT_TABLE, charonPaths, sha256 } from "./render";
import { Metric, renderMetrics } from "./metrics";
import { teardownPlan } from "./teardown";
import { computeBudget } from "../../contract/mtu";
import { measurePathMtu } from "./pathMtu";
import { DatapathScheduling } from "./tuning";
import { kernelEspAvailable } from "./kernelEsp";

export interface AgentOptions {
  stateDir: string;
  executor: Executor;
  log?: (msg: string) => void;
  /** Scheduling of the data-path daemon; default SCHED_RR 10 (tuning.ts says why). */
  datapathScheduling?: DatapathScheduling;
  /** CPUs for the data-path daemon (taskset list); default: not pinned. */
  datapathCpus?: string;
  /**
   * How long one live-state read serves `GET /v1/status` and `/metrics` (default 1000 ms);
   * concurrent requests always share the read in flight. 0 = every request reads on its own.
   */
  statusCacheMs?: number;
}

/** What the status page reads from the machine: shared by concurrent status and metrics calls. */
interface StatusSnapshot {
  config: GatewayConfig | undefined;
  live: LiveState;
  fdb: Map<string, LiveFdbEntry[]>;
}

export type PutOutcome =
  | { status: 200; body: { result: "applied" | "unchanged"; digest: string; apply: ApplyResult } }
  | { status: 400 | 422; body: { error: string; issues: { path: string; message: string }[] } }
  | { status: 500; body: { error: string; apply: ApplyResult } };

/** The document as shown over the API: secrets replaced by a digest so drift is still visible. */
export function redact(cfg: GatewayConfig): unknown {
  const copy = JSON.parse(JSON.stringify(cfg)) as GatewayConfig;
  const a = copy.transport.auth;
  if (a.method === "psk") a.psk = `sha256:${sha256(a.psk)}`;
  else a.privateKey = `sha256:${sha256(a.privateKey)}`;
  return copy;
}

export function configDigest(cfg: GatewayConfig): string {
  return sha256(JSON.stringify(cfg));
}

export class Agent {
  readonly charon: Charon;
  private readonly applier: Applier;
  private readonly store: ConfigStore;
  private readonly mutex = new Mutex();
  private current: GatewayConfig | undefined;
  private lastApply: ApplyResult | undefined;
  private applyCount = { ok: 0, failed: 0 };
  private rejected = 0;
  private pathMtu: AgentStatus["pathMtu"] | undefined;
  private probing = false;
  private lastRestart: { at: string; downMs: number } | undefined;
  private readonly log: (m: string) => void;
  private readonly snapshot: SingleFlight<StatusSnapshot>;

  constructor(private readonly opts: AgentOptions) {
    this.log = opts.log ?? (() => undefined);
    this.snapshot = new SingleFlight(() => this.readSnapshot(), opts.statusCacheMs ?? 1000);
    const paths = charonPaths(opts.stateDir);
    this.charon = new Charon(
      opts.executor,
      paths,
      {
        log: this.log,
        onRestart: (r) => {
          this.lastRestart = { at: r.at.toISOString(), downMs: r.downMs };
          this.log(`charon restarted after ${r.downMs} ms down`);
        },
      },
      opts.datapathScheduling,
      opts.datapathCpus,
    );
    this.applier = new Applier(opts.executor, this.charon, paths);
    this.store = new ConfigStore(opts.stateDir);
  }

  /** Whether this gateway's kernel can do ESP itself (detected at start). */
  kernelEsp: boolean | undefined;

  /** Converges to the persisted last good config (boot, agent restart). */
  async start(): Promise<void> {
    this.kernelEsp = await kernelEspAvailable(this.opts.executor);
    this.log(
      this.kernelEsp
        ? 'kernel ESP available: "transport.backend": "kernel" keeps every packet in the kernel'
        : "no kernel ESP here: the data path is kernel-libipsec (userspace, real-time scheduled)",
    );
    const saved = this.store.load();
    if (saved) {
      this.current = saved;
      const r = await this.mutex.runExclusive(() => this.applier.apply(saved, undefined));
      this.lastApply = r;
      this.log(
        `startup convergence: ${r.ok ? "ok" : r.error} (${r.actions.length} actions: ${r.actions.map((a) => a.action).join(", ") || "none"})`,
      );
    }
    this.charon.supervise(() => this.current !== undefined);
  }

  stop(): void {
    this.charon.unsupervise();
  }

  get config(): GatewayConfig | undefined {
    return this.current;
  }

  async putConfig(raw: unknown): Promise<PutOutcome> {
    const parsed = GatewayConfigSchema.safeParse(raw);
    if (!parsed.success) {
      this.rejected++;
      const issues = formatIssues(parsed.error);
      return {
        status: 400,
        body: { error: `invalid config: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues },
      };
    }
    const cfg = parsed.data;
    return this.mutex.runExclusive(async () => {
      const live = await readLiveState(this.opts.executor, this.charon.swanctlPaths(), NFT_TABLE);
      const issues = verify(cfg, live);
      if (issues.length > 0) {
        this.rejected++;
        return {
          status: 422 as const,
          body: {
            error: `config does not fit this gateway: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
            issues,
          },
        };
      }
      const result = await this.applier.apply(cfg, this.current);
      this.snapshot.invalidate();
      this.lastApply = result;
      if (!result.ok) {
        this.applyCount.failed++;
        return { status: 500 as const, body: { error: result.error ?? "apply failed", apply: result } };
      }
      this.applyCount.ok++;
      this.current = cfg;
      this.store.save(cfg);
      void this.probePathMtu();
      return {
        status: 200 as const,
        body: {
          result: result.actions.length > 0 ? ("applied" as const) : ("unchanged" as const),
          digest: configDigest(cfg),
          apply: result,
        },
      };
    });
  }

  /**
   * Removes the stretch from this gateway (`DELETE /v1/config`): devices, guards, VTEP, the
   * IKE daemon, and the files holding the PSK or key. Idempotent: `absent` when nothing was
   * configured, so a retried delete succeeds.
   */
  async deleteConfig(): Promise<AgentDeleteResult> {
    return this.mutex.runExclusive(async () => {
      const t0 = Date.now();
      const previous = this.current ?? this.store.load();
      // Unconfigured before anything stops: the supervisor must not restart charon meanwhile.
      this.current = undefined;
      const live = await readLiveState(this.opts.executor, this.charon.swanctlPaths(), NFT_TABLE);
      const done = await this.applier.execute(teardownPlan(live, previous));
      if (this.charon.isRunning()) {
        await this.charon.stop();
        done.push({ action: "ipsec", description: "stop the IKE daemon" });
      }
      this.store.clear();
      fs.rmSync(this.charon.paths.swanctlDir, { recursive: true, force: true });
      fs.rmSync(this.charon.paths.strongswanConf, { force: true });
      this.pathMtu = undefined;
      this.snapshot.invalidate();
      this.lastApply = { ok: true, actions: done, durationMs: Date.now() - t0, at: new Date().toISOString() };
      return {
        result: previous || done.length > 0 ? ("removed" as const) : ("absent" as const),
        actions: done,
      };
    });
  }

  getConfig(): AgentConfigView | undefined {
    return this.current ? { config: redact(this.current), digest: configDigest(this.current) } : undefined;
  }

  /**
   * The largest tunnel packet that crosses VTEP to VTEP unfragmented (see pathMtu.ts). Runs in
   * the background; the status shows the last measurement.
   */
  async probePathMtu(): Promise<void> {
    const cfg = this.current;
    if (!cfg || this.probing) return;
    this.probing = true;
    try {
      const m = await measurePathMtu(this.opts.executor, cfg);
      if (m) this.pathMtu = { ...m, at: new Date().toISOString() };
    } finally {
      this.probing = false;
    }
  }

  private async readSnapshot(): Promise<StatusSnapshot> {
    const ex = this.opts.executor;
    const config = this.current;
    const [live, fdb] = await Promise.all([
      readLiveState(ex, this.charon.swanctlPaths(), NFT_TABLE, "status"),
      config && config.networks.length > 0 ? readFdb(ex) : Promise.resolve([]),
    ]);
    const byBridge = new Map<string, LiveFdbEntry[]>();
    for (const e of fdb) if (e.master) byBridge.set(e.master, [...(byBridge.get(e.master) ?? []), e]);
    return { config, live, fdb: byBridge };
  }

  async status(): Promise<AgentStatus> {
    let snap = await this.snapshot.get();
    // The config changed while the read was in flight: read again for the new networks.
    if (snap.config !== this.current) {
      this.snapshot.invalidate();
      snap = await this.snapshot.get();
    }
    const { live } = snap;
    const cfg = snap.config;
    const ike = live.sas?.find((s) => s.name === IKE_CONN);
    const child = ike?.children.find((c) => c.name === CHILD_SA && c.state === "INSTALLED");
    const networks: AgentNetworkStatus[] = [];
    for (const n of cfg?.networks ?? []) {
      const br = bridgeName(n.vni);
      const vx = vxlanName(n.vni);
      const fdb = (snap.fdb.get(br) ?? []).filter((e) => !e.permanent && e.master === br);
      const v = live.links.get(vx);
      networks.push({
        name: n.name,
        vni: n.vni,
        bridge: br,
        vxlan: vx,
        sitePort: sitePortName(n),
        innerMtu: effectiveInnerMtu(cfg as GatewayConfig, n),
        present: !!v && live.links.has(br),
        remoteMacs: fdb.filter((e) => e.ifname === vx).map((e) => e.mac),
        localMacs: fdb.filter((e) => e.ifname === sitePortName(n)).map((e) => e.mac),
        counters: v?.stats ?? null,
        egressDrops: Object.entries(live.nft.find((t) => t.family === "bridge")?.counters ?? {})
          .filter(([k]) => k.startsWith(`egress-`) && k.includes(`:${n.name}:`))
          .reduce((s, [, v2]) => s + v2, 0),
      });
    }
    const inet = live.nft.find((t) => t.family === "inet");
    const guard = guardDrops(live.nft.find((t) => t.family === "bridge")?.counters ?? {});
    return {
      configured: !!cfg,
      digest: cfg ? configDigest(cfg) : null,
      tunnel: {
        ike: ike?.state ?? "DOWN",
        child: child ? "INSTALLED" : "DOWN",
        up: !!child,
        bytesIn: child?.bytesIn ?? 0,
        bytesOut: child?.bytesOut ?? 0,
        charonRunning: this.charon.isRunning(),
        charonRestarts: this.charon.restarts,
        lastCharonRestart: this.lastRestart ?? null,
      },
      budget: cfg ? computeBudget({ underlayMtu: cfg.underlay.mtu, transport: cfg.transport }) : null,
      pathMtu: this.pathMtu ?? null,
      leakGuardDrops: inet?.counters["leak-guard"] ?? 0,
      injectGuardDrops: inet?.counters["inject-guard"] ?? 0,
      underlayGuardDrops: guard.underlay,
      portGuardDrops: guard.ports,
      networks,
      lastApply: this.lastApply ?? null,
      rejectedConfigs: this.rejected,
    };
  }

  async metrics(): Promise<string> {
    const s = await this.status();
    const t = s.tunnel;
    const nets = s.networks;
    const lbl = (n: { name: string; vni: number }) => ({ network: n.name, vni: String(n.vni) });
    const m: Metric[] = [
      {
        name: "l2stretch_configured",
        help: "1 when a configuration is applied",
        type: "gauge",
        samples: [{ value: s.configured ? 1 : 0 }],
      },
      {
        name: "l2stretch_tunnel_up",
        help: "1 when the IPsec CHILD_SA carrying VXLAN is installed",
        type: "gauge",
        samples: [{ value: t.up ? 1 : 0 }],
      },
      {
        name: "l2stretch_tunnel_bytes",
        help: "Bytes through the CHILD_SA",
        type: "counter",
        samples: [
          { labels: { direction: "in" }, value: t.bytesIn },
          { labels: { direction: "out" }, value: t.bytesOut },
        ],
      },
      {
        name: "l2stretch_charon_restarts_total",
        help: "IKE daemon restarts by the supervisor",
        type: "counter",
        samples: [{ value: t.charonRestarts }],
      },
      {
        name: "l2stretch_leak_guard_drops_total",
        help: "Clear-text VXLAN packets to the peer dropped",
        type: "counter",
        samples: [{ value: s.leakGuardDrops }],
      },
      {
        name: "l2stretch_underlay_guard_drops_total",
        help: "Bridged frames kept from entering or leaving an underlay or management NIC",
        type: "counter",
        samples: [{ value: s.underlayGuardDrops }],
      },
      {
        name: "l2stretch_port_guard_drops_total",
        help: "Bridged frames between ports other than a network's site port and its VXLAN device",
        type: "counter",
        samples: [{ value: s.portGuardDrops }],
      },
      {
        name: "l2stretch_inject_guard_drops_total",
        help: "Clear-text VXLAN packets from the WAN dropped",
        type: "counter",
        samples: [{ value: s.injectGuardDrops }],
      },
      {
        name: "l2stretch_apply_total",
        help: "Configuration applies by result",
        type: "counter",
        samples: [
          { labels: { result: "ok" }, value: this.applyCount.ok },
          { labels: { result: "failed" }, value: this.applyCount.failed },
          { labels: { result: "rejected" }, value: this.rejected },
        ],
      },
      {
        name: "l2stretch_path_mtu_bytes",
        help: "Measured IP MTU across the tunnel (VTEP to VTEP)",
        type: "gauge",
        samples: [{ value: this.pathMtu?.value ?? 0 }],
      },
      {
        name: "l2stretch_network_learned_macs",
        help: "MACs learned per side",
        type: "gauge",
        samples: nets.flatMap((n) => [
          { labels: { ...lbl(n), side: "remote" }, value: n.remoteMacs.length },
          { labels: { ...lbl(n), side: "local" }, value: n.localMacs.length },
        ]),
      },
      {
        name: "l2stretch_network_bytes",
        help: "Bytes on the network's VXLAN port",
        type: "counter",
        samples: nets.flatMap((n) => [
          { labels: { ...lbl(n), direction: "rx" }, value: n.counters?.rxBytes ?? 0 },
          { labels: { ...lbl(n), direction: "tx" }, value: n.counters?.txBytes ?? 0 },
        ]),
      },
      {
        name: "l2stretch_network_dropped",
        help: "Packets dropped on the network's VXLAN port",
        type: "counter",
        samples: nets.flatMap((n) => [
          { labels: { ...lbl(n), direction: "rx" }, value: n.counters?.rxDropped ?? 0 },
          { labels: { ...lbl(n), direction: "tx" }, value: n.counters?.txDropped ?? 0 },
        ]),
      },
      {
        name: "l2stretch_network_egress_filtered_total",
        help: "ARP/ND for the gateway IP kept from crossing",
        type: "counter",
        samples: nets.map((n) => ({ labels: lbl(n), value: n.egressDrops })),
      },
    ];
    return renderMetrics(m);
  }
}
