import { createHash } from "node:crypto";
import { computeDiff, type DiffSpec } from "../common/diff";
import { ConfigError } from "../common/errors";
import { withKeyLock } from "../common/lock";
import { GatewayAgentClient } from "../gateway/client";
import { waitForConvergence } from "../gateway/converge";
import type { AgentConfigView, AgentStatus } from "../../contract/agentApi";
import { PartialFailure } from "../runtime";
import {
  joinSecrets,
  validateGatewayConfig,
  type Credentials,
  type NormalizedGatewayConfig,
} from "../../contract/schemas/gatewayConfig";
import type { InputSpec, Props, ResourceHandler } from "./types";

/**
 * GatewayConfig: the desired state of one reference gateway, pushed to its agent.
 * create/update = PUT the document, then wait for convergence; read = the agent's live
 * document and status mapped back to inputs, so `pulumi refresh` shows drift such as a
 * deleted VXLAN device; delete = remove the stretch from the appliance.
 */
type Inputs = NormalizedGatewayConfig;

export interface NetworkObservation {
  vni: number;
  present: boolean;
  innerMtu: number;
  /** MACs the bridge learned through the stretch (the other site's hosts). */
  remoteMacs: string[];
  /** MACs learned on the site port. */
  localMacs: string[];
}

export interface GatewayConfigOutputs extends Inputs {
  /** Digest of the applied document: the agent's config version. */
  configDigest: string;
  tunnel: { up: boolean; ike: string; child: string };
  networkStatus: Record<string, NetworkObservation>;
  innerMtu: number | null;
  mss: number | null;
  mssV6: number | null;
  agentFingerprint: string | null;
}

export const DIFF_SPEC: DiffSpec<Inputs> = {
  // Another endpoint is another appliance. The old one is cleared first, because the "new"
  // endpoint may be the same appliance under a new address and must keep its config.
  replaceOn: ["endpoint"],
  deleteBeforeReplace: () => true,
};

const INPUT_KEYS: (keyof Inputs)[] = [
  "endpoint",
  "token",
  "fingerprint",
  "caCertificate",
  "config",
  "credentials",
  "convergenceTimeoutSeconds",
  "waitForTunnel",
];

export const INPUT_SPEC: InputSpec = {
  inputKeys: INPUT_KEYS,
  replaceOn: DIFF_SPEC.replaceOn,
  keyedLists: ["config.networks"],
};

function pickInputs(p: Props): Inputs {
  const own = Object.fromEntries(
    INPUT_KEYS.filter((k) => p[k] !== undefined && p[k] !== null).map((k) => [k, p[k]]),
  );
  const r = validateGatewayConfig(own);
  if (!r.value)
    throw new ConfigError(
      `invalid GatewayConfig inputs: ${r.issues.map((i) => `${i.property}: ${i.reason}`).join("; ")}`,
    );
  return r.value;
}

/** Stored inputs, as they are (they were validated when written). */
function storedInputs(p: Props): Inputs {
  return Object.fromEntries(INPUT_KEYS.filter((k) => k in p).map((k) => [k, p[k]])) as unknown as Inputs;
}

const secretOf = (c: Credentials | undefined) =>
  c === undefined ? undefined : "psk" in c ? c.psk : c.privateKey;

function clientFor(v: Inputs): GatewayAgentClient {
  const secret = secretOf(v.credentials);
  return new GatewayAgentClient({
    endpoint: v.endpoint,
    token: v.token,
    ...(v.fingerprint !== undefined ? { fingerprint: v.fingerprint } : {}),
    ...(v.caCertificate !== undefined ? { caCertificate: v.caCertificate } : {}),
    retry: { deadlineMs: 60_000 },
    redact: secret ? [secret] : [],
  });
}

/** Progress goes to stderr, which the Pulumi CLI shows with the resource; never a secret. */
function progress(v: Inputs): (line: string) => void {
  return (line) => process.stderr.write(`GatewayConfig ${v.endpoint}: ${line}\n`);
}

function observe(v: Inputs, status: AgentStatus, digest: string): GatewayConfigOutputs {
  const networkStatus: Record<string, NetworkObservation> = {};
  for (const n of status.networks)
    networkStatus[n.name] = {
      vni: n.vni,
      present: n.present,
      innerMtu: n.innerMtu,
      remoteMacs: [...n.remoteMacs].sort(),
      localMacs: [...n.localMacs].sort(),
    };
  return {
    ...v,
    configDigest: digest,
    tunnel: { up: status.tunnel.up, ike: status.tunnel.ike, child: status.tunnel.child },
    networkStatus,
    innerMtu: status.budget?.innerMtu ?? null,
    mss: status.budget?.mss ?? null,
    mssV6: status.budget?.mssV6 ?? null,
    agentFingerprint: status.fingerprint256 ?? null,
  };
}

/** PUT, then wait for convergence; a timeout keeps the (applied) resource in state. */
async function push(id: string, v: Inputs): Promise<GatewayConfigOutputs> {
  const client = clientFor(v);
  const log = progress(v);
  const put = await client.putConfig(joinSecrets(v.config, v.credentials));
  log(
    `${put.result}${put.apply.actions.length ? ` (${put.apply.actions.map((a) => a.action).join(", ")})` : ""}`,
  );
  const r = await waitForConvergence(client, {
    digest: put.digest,
    waitForTunnel: v.waitForTunnel,
    deadlineMs: v.convergenceTimeoutSeconds * 1000,
    onProgress: (summary) => log(summary),
  });
  const outs = observe(v, r.status, put.digest);
  if (!r.converged) {
    throw new PartialFailure(id, outs as unknown as Props, [
      `the gateway at ${v.endpoint} took the config but did not converge within ${v.convergenceTimeoutSeconds} s: ${r.pending.join("; ")}`,
    ]);
  }
  log(`converged in ${r.elapsedMs} ms`);
  return outs;
}

const sha256 = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;

/**
 * The agent's live view as inputs. The agent shows the PSK/key only as `sha256:<hex>`: when it
 * matches the hash of the stored secret the stored secret stands; otherwise the hash becomes
 * the value, which differs from the program's and so shows (and repairs) as an update. A
 * network whose devices are gone from the appliance is left out of `networks`.
 */
export function liveInputs(old: Inputs, view: AgentConfigView, status: AgentStatus): Inputs {
  const live = JSON.parse(JSON.stringify(view.config)) as Record<string, unknown>;
  const auth = ((live["transport"] ?? {}) as Record<string, unknown>)["auth"] as Record<string, unknown>;
  const key = auth?.["method"] === "x509" ? "privateKey" : "psk";
  const liveHash = typeof auth?.[key] === "string" ? (auth[key] as string) : undefined;
  if (auth) delete auth[key];
  const oldSecret = secretOf(old.credentials);
  const credentials: Credentials =
    oldSecret !== undefined && liveHash === sha256(oldSecret) && key in (old.credentials ?? {})
      ? old.credentials
      : key === "psk"
        ? { psk: liveHash ?? "" }
        : { privateKey: liveHash ?? "" };
  const present = new Map(status.networks.map((n) => [n.name, n.present]));
  if (Array.isArray(live["networks"]))
    live["networks"] = (live["networks"] as { name: string }[]).filter((n) => present.get(n.name) !== false);
  return { ...old, config: live, credentials };
}

const lockKey = (v: Inputs) => `gateway:${v.endpoint}`;

export const gatewayConfigHandler: ResourceHandler = {
  async check(_olds, news) {
    const r = validateGatewayConfig(news);
    return {
      inputs: r.value ? { ...news, ...r.value } : news,
      failures: r.issues.map((i) => ({ property: i.property, reason: i.reason })),
    };
  },

  async diff(_id, olds, news) {
    return computeDiff(DIFF_SPEC, storedInputs(olds), pickInputs(news));
  },

  async create(inputs) {
    const v = pickInputs(inputs);
    const outs = await withKeyLock(lockKey(v), () => push(v.endpoint, v));
    return { id: v.endpoint, outs: outs as unknown as Props };
  },

  async read(id, props) {
    const old = storedInputs(props);
    const client = clientFor(old);
    const view = await client.getConfig();
    // Nothing configured: the stretch is gone from the appliance (re-created by `pulumi up`).
    if (!view) return { id: "" };
    const status = await client.getStatus();
    const inputs = liveInputs(old, view, status);
    const outs = observe(inputs, status, view.digest);
    return { id, props: outs as unknown as Props, inputs: inputs as unknown as Props };
  },

  async update(id, _olds, news) {
    const v = pickInputs(news);
    const outs = await withKeyLock(lockKey(v), () => push(id, v));
    return { outs: outs as unknown as Props };
  },

  async delete(_id, props) {
    const v = storedInputs(props);
    const client = clientFor(v);
    await withKeyLock(lockKey(v), async () => {
      const r = await client.deleteConfig();
      if (r === "unsupported") {
        // An agent without DELETE: keep identity, underlay and tunnel but carry no network.
        await client.putConfig(joinSecrets({ ...v.config, networks: [] }, v.credentials));
        progress(v)("agent has no DELETE /v1/config; removed every network instead");
        return;
      }
      progress(v)(r.result === "absent" ? "nothing configured" : "stretch removed");
    });
  },
};
