import type { Budget } from "./mtu";

/**
 * The gateway agent's API answers: the agent builds them with these types and the provider's
 * client reads them with the same ones, so the two cannot drift. Node-free, like the rest of
 * the contract.
 */
export interface AgentIssue {
  path: string;
  message: string;
}

/** One step the agent took (or would take) on the data path. */
export interface AgentStep {
  action: string;
  description: string;
}

export interface AgentApplyResult {
  ok: boolean;
  actions: AgentStep[];
  error?: string;
  rolledBack?: boolean;
  rollbackError?: string;
  durationMs: number;
  at: string;
}

/** `PUT /v1/config` when the document was applied (or already was). */
export interface AgentPutResult {
  result: "applied" | "unchanged";
  digest: string;
  apply: AgentApplyResult;
}

export interface AgentConfigView {
  /** The applied document, secrets replaced by `sha256:<hex>`. */
  config: unknown;
  /** Digest of the full document (secrets included), the "applied config version". */
  digest: string;
}

export interface AgentNetworkStatus {
  name: string;
  vni: number;
  bridge: string;
  vxlan: string;
  sitePort: string;
  innerMtu: number;
  present: boolean;
  remoteMacs: string[];
  localMacs: string[];
  counters: { rxBytes: number; txBytes: number; rxDropped: number; txDropped: number } | null;
  /** Frames the egress-optimization filter kept from crossing the stretch. */
  egressDrops: number;
}

export interface AgentTunnelStatus {
  ike: string;
  child: string;
  up: boolean;
  bytesIn: number;
  bytesOut: number;
  charonRunning: boolean;
  charonRestarts: number;
  lastCharonRestart: { at: string; downMs: number } | null;
}

/** `GET /v1/status`. */
export interface AgentStatus {
  configured: boolean;
  digest: string | null;
  tunnel: AgentTunnelStatus;
  budget: Budget | null;
  /**
   * Largest IP packet VTEP to VTEP through the tunnel that is not fragmented on the WAN, as
   * last measured: a DF search through the tunnel bounded by the MTU budget of `underlayMtu`
   * (the document's `underlay.mtu`, or the path MTU measured toward the peer when lower).
   */
  pathMtu: {
    value: number;
    underlayMtu: number;
    underlaySource: "measured" | "configured";
    at: string;
  } | null;
  leakGuardDrops: number;
  injectGuardDrops: number;
  /** Bridged frames kept from an underlay or management NIC by the data-path leak guard. */
  underlayGuardDrops: number;
  /** Bridged frames between ports that are not a network's own site port and VXLAN device. */
  portGuardDrops: number;
  networks: AgentNetworkStatus[];
  lastApply: AgentApplyResult | null;
  rejectedConfigs: number;
  /** Added by the API layer: the agent's own certificate fingerprint. */
  fingerprint256?: string;
}

/** `DELETE /v1/config`. */
export interface AgentDeleteResult {
  result: "removed" | "absent";
  actions: AgentStep[];
}
