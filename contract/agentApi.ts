/**
 * The parts of the agent's API answers the provider uses (see gateway/agent/api.ts and
 * agent.ts). Declared here rather than imported so the client compiles without the agent's
 * Node-side modules; fields the provider does not read are left out.
 */
export interface AgentIssue {
  path: string;
  message: string;
}

export interface AgentPutResult {
  result: "applied" | "unchanged";
  digest: string;
  apply: { ok: boolean; actions: { action: string; description: string }[]; at: string };
}

export interface AgentConfigView {
  /** The applied document, secrets replaced by `sha256:<hex>`. */
  config: Record<string, unknown>;
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
}

export interface AgentStatus {
  configured: boolean;
  digest: string | null;
  tunnel: { ike: string; child: string; up: boolean; charonRunning: boolean };
  budget: { innerMtu: number; mss: number; mssV6: number; tunnelMtu: number } | null;
  pathMtu: { value: number; at: string } | null;
  networks: AgentNetworkStatus[];
  lastApply: { ok: boolean; error?: string; at: string } | null;
  fingerprint256?: string;
}

export interface AgentDeleteResult {
  result: "removed" | "absent";
  actions: { action: string; description: string }[];
}
