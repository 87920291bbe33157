import { parseInputs } from "../common/check";
import { computeDiff, type DiffSpec } from "../common/diff";
import { ConfigError } from "../common/errors";
import type { L2VpnClientConfig, L2VpnConfig, NsxVnic } from "../nsxv/types";
import { edgeKey } from "../../contract/schemas/common";
import {
  l2vpnClientSchema,
  normalizeL2VpnClient,
  type NormalizedL2VpnClient,
} from "../../contract/schemas/l2vpn";
import { edgeFailures, openEdge, type EdgeHandle } from "./edgeAccess";
import { liveStretch, stretchedIndexes, tunnelStatus } from "./l2vpnCommon";
import type { InputSpec, Props, ResourceHandler } from "./types";
import { checkWithSchema } from "../../contract/validation";
import { type TunnelStatus } from "../../contract/outputs";

/**
 * L2VpnClient: the L2VPN client of an NSX-v edge (on-prem or standalone), pointing at a
 * server and stretching the sub-interfaces with the matching tunnel IDs.
 */
type Inputs = NormalizedL2VpnClient;

export interface L2VpnClientOutputs extends Inputs {
  edgeLabel: string;
  /** As of the last `pulumi refresh`; absent right after create/update (see L2VpnServer). */
  tunnel?: TunnelStatus;
}

const INPUT_KEYS: (keyof Inputs)[] = [
  "edge",
  "serverAddress",
  "serverPort",
  "encryptionAlgorithm",
  "allowWeakCipher",
  "caCertificateId",
  "user",
  "password",
  "stretchedTunnelIds",
  "stretchedSubInterfaceIndexes",
  "egressOptimizationGatewayIps",
  "proxy",
  "enabled",
  "adopt",
];

export const DIFF_SPEC: DiffSpec<Inputs> = {
  replaceOn: ["edge"],
  ignore: ["adopt"],
  deleteBeforeReplace: () => true,
};

export const INPUT_SPEC: InputSpec = {
  inputKeys: INPUT_KEYS,
  replaceOn: DIFF_SPEC.replaceOn,
};

function pickInputs(p: Props): Inputs {
  return parseInputs("L2VpnClient", l2vpnClientSchema, normalizeL2VpnClient, INPUT_KEYS, p);
}

function clientConfig(v: Inputs, vnics: NsxVnic[], edge: EdgeHandle): L2VpnClientConfig {
  return {
    serverAddress: v.serverAddress,
    serverPort: v.serverPort,
    vnics: stretchedIndexes(v, vnics, edge, "L2VpnClient"),
    encryptionAlgorithm: v.encryptionAlgorithm,
    ...(v.caCertificateId ? { caCertificate: v.caCertificateId } : {}),
    egressOptimizationIps: v.egressOptimizationGatewayIps,
    userId: v.user,
    password: v.password,
    ...(v.proxy
      ? {
          proxy: {
            type: v.proxy.type,
            address: v.proxy.address,
            port: v.proxy.port,
            ...(v.proxy.user ? { userName: v.proxy.user } : {}),
            ...(v.proxy.password ? { password: v.proxy.password } : {}),
          },
        }
      : {}),
  };
}

async function status(edge: EdgeHandle): Promise<TunnelStatus> {
  const stats = await edge.client.getL2VpnStatistics();
  return { ...tunnelStatus(stats.sites[0]), observedAt: new Date().toISOString() };
}

async function apply(v: Inputs, creating: boolean): Promise<L2VpnClientOutputs> {
  const edge = await openEdge(v.edge);
  const vnics = await edge.client.getVnics();
  await edge.client.updateL2Vpn((cur: L2VpnConfig) => {
    // A client of this server with this user is what this resource writes: a retry, or a create
    // interrupted after its write (a killed `up`), finds its own config and converges it.
    const ownEarlierWrite = cur.client?.serverAddress === v.serverAddress && cur.client.userId === v.user;
    if (cur.server) {
      throw new ConfigError(
        `edge ${edge.label} is already an L2VPN server; an edge is either server or client — delete its L2VpnServer first`,
      );
    }
    if (creating && cur.client && !v.adopt && !ownEarlierWrite) {
      throw new ConfigError(
        `edge ${edge.label} already has an L2VPN client (server ${cur.client.serverAddress}); set adopt: true to take it over`,
      );
    }
    return { enabled: v.enabled, logging: cur.logging, client: clientConfig(v, vnics, edge) };
  });
  return { ...v, edgeLabel: edge.label };
}

export const l2vpnClientHandler: ResourceHandler = {
  async check(_olds, news) {
    const r = checkWithSchema(l2vpnClientSchema, news, normalizeL2VpnClient);
    if (!r.value) return r;
    return { inputs: r.inputs, failures: await edgeFailures(r.value.edge) };
  },

  async diff(_id, olds, news) {
    return computeDiff(DIFF_SPEC, pickInputs(olds), pickInputs(news));
  },

  async create(inputs) {
    const v = pickInputs(inputs);
    const outs = await apply(v, true);
    return { id: `${edgeKey(v.edge)}/l2vpn-client`, outs: outs as unknown as Props };
  },

  async read(id, props) {
    const old = props as unknown as L2VpnClientOutputs;
    const edge = await openEdge(old.edge);
    const cfg = await edge.client.getL2Vpn({ showSensitiveData: true });
    const c = cfg.client;
    if (!c) return { id: "" };
    const live: Inputs = {
      ...pickInputs(props),
      serverAddress: c.serverAddress,
      serverPort: c.serverPort,
      encryptionAlgorithm: c.encryptionAlgorithm,
      ...(c.caCertificate ? { caCertificateId: c.caCertificate } : {}),
      user: c.userId,
      password: c.password ?? old.password,
      ...liveStretch(c.vnics, old, await edge.client.getVnics()),
      egressOptimizationGatewayIps: [...c.egressOptimizationIps].sort(),
      enabled: cfg.enabled,
    };
    const outs: L2VpnClientOutputs = { ...old, ...live, tunnel: await status(edge) };
    return { id, props: outs as unknown as Props, inputs: live as unknown as Props };
  },

  async update(_id, _olds, news) {
    return { outs: (await apply(pickInputs(news), false)) as unknown as Props };
  },

  async delete(_id, props) {
    const old = props as unknown as L2VpnClientOutputs;
    const edge = await openEdge(old.edge);
    await edge.client.updateL2Vpn((cur) => (cur.client ? null : undefined));
  },
};
