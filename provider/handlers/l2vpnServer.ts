import { isDeepStrictEqual } from "node:util";
import { parseInputs } from "../common/check";
import { computeDiff, type DiffSpec } from "../common/diff";
import { ConfigError } from "../common/errors";
import type { L2VpnConfig, L2VpnServerConfig, NsxVnic } from "../nsxv/types";
import { edgeKey } from "../../contract/schemas/common";
import {
  l2vpnServerSchema,
  normalizeL2VpnServer,
  type NormalizedL2VpnServer,
} from "../../contract/schemas/l2vpn";
import { openEdge, uplinkAddresses, type EdgeHandle } from "./edgeAccess";
import {
  bareTrustId,
  createServerCertificate,
  ownedCertificateIds,
  removeLeftovers,
  type CertificateRequest,
} from "./serverCertificate";
import { liveStretch, stretchedIndexes, tunnelStatus } from "./l2vpnCommon";
import type { InputSpec, Props, ResourceHandler } from "./types";
import { checkWithSchema, type CheckFailure } from "../../contract/validation";
import { type TunnelStatus } from "../../contract/outputs";

/**
 * L2VpnServer: the L2VPN server of an NSX-v edge with its peer sites. The resource owns the
 * edge's whole L2VPN config (an edge is either server or client); the write is still a
 * read-modify-write under the edge lock so it never races the edge's other writers.
 */
type Inputs = NormalizedL2VpnServer;

export interface L2VpnServerOutputs extends Inputs {
  edgeLabel: string;
  serverCertificateId?: string;
  /** A self-signed certificate this resource generated (deleted with it). */
  createdCertificateId?: string;
  /**
   * Per-site tunnel status as of the last `pulumi refresh` (with `observedAt`); absent right
   * after create/update, when the peer cannot have connected yet. getL2VpnStatus reads it live.
   */
  siteStatus?: Record<string, TunnelStatus>;
}

const INPUT_KEYS: (keyof Inputs)[] = [
  "edge",
  "listenerIp",
  "listenerPort",
  "encryptionAlgorithm",
  "allowWeakCipher",
  "serverCertificate",
  "sites",
  "sitePasswords",
  "enabled",
  "logLevel",
  "adopt",
  "owner",
];

export const DIFF_SPEC: DiffSpec<Inputs> = {
  replaceOn: ["edge"],
  ignore: ["adopt", "owner"],
  deleteBeforeReplace: () => true,
};

export const INPUT_SPEC: InputSpec = {
  inputKeys: INPUT_KEYS,
  replaceOn: DIFF_SPEC.replaceOn,
  keyedLists: ["sites"],
  // Passwords travel in one secret map beside the sites; the user wrote them in each site.
  userPath: (p) => p.replace(/^sitePasswords\.(.+)$/, "sites[$1].password"),
};

function pickInputs(p: Props): Inputs {
  return parseInputs("L2VpnServer", l2vpnServerSchema, normalizeL2VpnServer, INPUT_KEYS, p);
}

/** The listener must be an address the edge owns on an uplink, checked against the live edge. */
async function liveFailures(v: Inputs): Promise<CheckFailure[]> {
  try {
    const edge = await openEdge(v.edge);
    const uplinks = uplinkAddresses(await edge.client.getVnics());
    if (!uplinks.includes(v.listenerIp)) {
      return [
        {
          property: "listenerIp",
          reason: `${v.listenerIp} is not an address of an uplink of edge ${edge.label} (uplink addresses: ${uplinks.join(", ") || "none"}); listen on one of them`,
        },
      ];
    }
    return [];
  } catch (e) {
    return [{ property: "edge", reason: (e as Error).message }];
  }
}

function serverConfig(
  v: Inputs,
  vnics: NsxVnic[],
  edge: EdgeHandle,
  certificateId: string | undefined,
): L2VpnServerConfig {
  return {
    listenerIp: v.listenerIp,
    listenerPort: v.listenerPort,
    encryptionAlgorithm: v.encryptionAlgorithm,
    ...(certificateId ? { serverCertificate: certificateId } : {}),
    peerSites: v.sites.map((s) => ({
      name: s.name,
      ...(s.description ? { description: s.description } : {}),
      userId: s.user,
      password: v.sitePasswords[s.name]!,
      vnics: stretchedIndexes(s, vnics, edge, `sites[${s.name}]`),
      egressOptimizationIps: s.egressOptimizationGatewayIps,
      enabled: s.enabled,
    })),
  };
}

/** What names this server's certificates: its owner mark and listener (for older names). */
function certificateRequest(
  v: Pick<Inputs, "owner" | "listenerIp" | "serverCertificate">,
): CertificateRequest {
  const selfSigned =
    v.serverCertificate && "selfSigned" in v.serverCertificate ? v.serverCertificate.selfSigned : {};
  return {
    owner: v.owner ?? "",
    listenerIp: v.listenerIp,
    commonName: selfSigned.commonName ?? v.listenerIp,
    validityDays: selfSigned.validityDays ?? 365,
  };
}

interface ChosenCertificate {
  id: string | undefined;
  /** Set when the certificate is one this resource generated (deleted with it). */
  created: string | undefined;
  /** The live L2VPN config already uses a certificate with our mark: a create interrupted after its write. */
  serverIsOurs: boolean;
}

async function certificateFor(
  edge: EdgeHandle,
  v: Inputs,
  old: L2VpnServerOutputs | undefined,
  liveCertificate: string | undefined,
): Promise<ChosenCertificate> {
  const spec = v.serverCertificate;
  const none = { id: undefined, created: undefined, serverIsOurs: false };
  if (!spec) return none;
  if ("certificateId" in spec) return { ...none, id: spec.certificateId };
  if (old?.createdCertificateId && isDeepStrictEqual(old.serverCertificate, spec)) {
    return { id: old.serverCertificateId, created: old.createdCertificateId, serverIsOurs: false };
  }
  const req = certificateRequest(v);
  if (!old && liveCertificate) {
    const mine = (await ownedCertificateIds(edge, req)).find(
      (id) => bareTrustId(id) === bareTrustId(liveCertificate),
    );
    if (mine) return { id: mine, created: mine, serverIsOurs: true };
  }
  const id = await createServerCertificate(edge, req);
  return { id, created: id, serverIsOurs: false };
}

async function apply(v: Inputs, old: L2VpnServerOutputs | undefined): Promise<L2VpnServerOutputs> {
  const edge = await openEdge(v.edge);
  const vnics = await edge.client.getVnics();
  const before = await edge.client.getL2Vpn();
  const cert = await certificateFor(edge, v, old, before.server?.serverCertificate);
  try {
    await writeServer(edge, v, old, vnics, cert);
  } catch (e) {
    // Nothing of ours may stay behind but what the live config still uses.
    const live = await edge.client.getL2Vpn().catch(() => before);
    if (v.serverCertificate && "selfSigned" in v.serverCertificate)
      await removeLeftovers(edge, certificateRequest(v), live.server?.serverCertificate);
    throw e;
  }
  if (old?.createdCertificateId && old.createdCertificateId !== cert.created) {
    await edge.client.deleteCertificate(old.createdCertificateId).catch(() => undefined);
  }
  // Leftovers of earlier failed or interrupted creates of this server.
  if (cert.created) await removeLeftovers(edge, certificateRequest(v), cert.created);
  return {
    ...v,
    edgeLabel: edge.label,
    ...(cert.id ? { serverCertificateId: cert.id } : {}),
    ...(cert.created ? { createdCertificateId: cert.created } : {}),
  };
}

async function writeServer(
  edge: EdgeHandle,
  v: Inputs,
  old: L2VpnServerOutputs | undefined,
  vnics: NsxVnic[],
  cert: ChosenCertificate,
): Promise<void> {
  // Set once a write was attempted: a retry then may find the config it wrote itself.
  let attempted = false;
  await edge.client.updateL2Vpn((cur: L2VpnConfig) => {
    const ownEarlierWrite = (attempted || cert.serverIsOurs) && cur.server?.listenerIp === v.listenerIp;
    attempted = true;
    if (cur.client) {
      throw new ConfigError(
        `edge ${edge.label} is already an L2VPN client; an edge is either server or client — delete its L2VpnClient first`,
      );
    }
    if (!old && cur.server && !v.adopt && !ownEarlierWrite) {
      throw new ConfigError(
        `edge ${edge.label} already has an L2VPN server (listener ${cur.server.listenerIp}); set adopt: true to take it over`,
      );
    }
    return {
      enabled: v.enabled,
      logging: { enable: v.logLevel === "debug", logLevel: v.logLevel },
      server: serverConfig(v, vnics, edge, cert.id),
    };
  });
}

async function statuses(edge: EdgeHandle, v: Inputs): Promise<Record<string, TunnelStatus>> {
  const stats = await edge.client.getL2VpnStatistics();
  const observedAt = new Date().toISOString();
  return Object.fromEntries(
    v.sites.map((s) => [s.name, { ...tunnelStatus(stats.sites.find((x) => x.name === s.name)), observedAt }]),
  );
}

export const l2vpnServerHandler: ResourceHandler = {
  async check(_olds, news) {
    const r = checkWithSchema(l2vpnServerSchema, news, normalizeL2VpnServer);
    if (!r.value) return r;
    return { inputs: r.inputs, failures: await liveFailures(r.value) };
  },

  async diff(_id, olds, news) {
    return computeDiff(DIFF_SPEC, pickInputs(olds), pickInputs(news));
  },

  async create(inputs) {
    const v = pickInputs(inputs);
    const outs = await apply(v, undefined);
    return { id: `${edgeKey(v.edge)}/l2vpn-server`, outs: outs as unknown as Props };
  },

  async read(id, props) {
    const old = props as unknown as L2VpnServerOutputs;
    const edge = await openEdge(old.edge);
    const cfg = await edge.client.getL2Vpn({ showSensitiveData: true });
    const server = cfg.server;
    if (!server) return { id: "" };
    const vnics = await edge.client.getVnics();
    const previous = new Map(old.sites.map((s) => [s.name, s]));
    const live: Inputs = {
      ...pickInputs(props),
      listenerIp: server.listenerIp,
      listenerPort: server.listenerPort,
      encryptionAlgorithm: server.encryptionAlgorithm,
      enabled: cfg.enabled,
      sites: server.peerSites
        .map((p) => {
          const prev = previous.get(p.name) ?? { stretchedTunnelIds: [], stretchedSubInterfaceIndexes: [] };
          return {
            name: p.name,
            description: p.description ?? "",
            user: p.userId,
            ...liveStretch(p.vnics, prev, vnics),
            egressOptimizationGatewayIps: [...p.egressOptimizationIps].sort(),
            enabled: p.enabled,
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
      // NSX before 6.3.5 never returns passwords; then the last known one stands.
      sitePasswords: Object.fromEntries(
        server.peerSites.map((p) => [p.name, p.password ?? old.sitePasswords[p.name] ?? ""]),
      ),
    };
    const outs: L2VpnServerOutputs = { ...old, ...live, siteStatus: await statuses(edge, live) };
    // Status is only ever what this refresh saw; never carried over from an older read.
    return { id, props: outs as unknown as Props, inputs: live as unknown as Props };
  },

  async update(_id, olds, news) {
    return {
      outs: (await apply(pickInputs(news), olds as unknown as L2VpnServerOutputs)) as unknown as Props,
    };
  },

  async delete(_id, props) {
    const old = props as unknown as L2VpnServerOutputs;
    const edge = await openEdge(old.edge);
    await edge.client.updateL2Vpn((cur) => (cur.server ? null : undefined));
    if (old.createdCertificateId)
      await edge.client.deleteCertificate(old.createdCertificateId).catch(() => undefined);
    // And whatever failed or interrupted creates of this server left (certificates, CSRs).
    if (old.serverCertificate && "selfSigned" in old.serverCertificate)
      await removeLeftovers(edge, certificateRequest(old));
  },
};
