// The shape of a loaded world (world.ts), checked when a state file is read: a hand-edited or
// truncated file is refused at start with the path of its first problem, instead of a simulator
// that prints its URL and then answers 500 or dies on the first request that touches it.
import { z } from "zod";
import type { OpaqueElement, World } from "./world";

const id = z.string().min(1);
const count = z.number().int().min(0);

const opaque: z.ZodType<OpaqueElement> = z.lazy(() =>
  z.object({
    name: z.string(),
    ns: z.string().optional(),
    attrs: z.record(z.string()),
    children: z.array(opaque),
    text: z.string(),
  }),
);
const extras = z.array(opaque).optional();

const addressGroup = z.object({
  primaryAddress: z.string(),
  prefixLength: z.number().int().min(0).max(32),
  secondaryAddresses: z.array(z.string()).optional(),
});

const subInterface = z.object({
  index: count,
  tunnelId: count,
  name: z.string(),
  vlanId: count.optional(),
  logicalSwitchId: z.string().optional(),
  mtu: count,
  enableSendRedirects: z.boolean(),
  isConnected: z.boolean(),
  networkId: z.string().optional(),
  addressGroup: addressGroup.optional(),
  extras,
});

const vnic = z.object({
  index: z.number().int().min(0).max(9),
  name: z.string(),
  type: z.enum(["uplink", "internal", "trunk"]),
  mtu: count,
  isConnected: z.boolean(),
  portgroupId: z.string(),
  portgroupName: z.string(),
  addressGroups: z.array(addressGroup),
  enableProxyArp: z.boolean(),
  enableSendRedirects: z.boolean(),
  networkId: z.string().optional(),
  networkName: z.string().optional(),
  vcdTrunk: z.boolean().optional(),
  subInterfaces: z.array(subInterface),
  extras,
});

const l2vpnUser = z.object({ userId: z.string(), password: z.string() });
const l2vpn = z.object({
  enabled: z.boolean(),
  logging: z.object({ enable: z.boolean(), logLevel: z.string() }),
  server: z
    .object({
      listenerIp: z.string(),
      listenerPort: count,
      encryptionAlgorithm: z.string(),
      serverCertificate: z.string().optional(),
      peerSites: z.array(
        z.object({
          name: z.string(),
          description: z.string(),
          user: l2vpnUser,
          vnics: z.array(count),
          egressGateways: z.array(z.string()),
          enabled: z.boolean(),
          extras,
        }),
      ),
      extras,
    })
    .optional(),
  client: z
    .object({
      serverAddress: z.string(),
      serverPort: count,
      vnics: z.array(count),
      encryptionAlgorithm: z.string(),
      caCertificate: z.string().optional(),
      egressGateways: z.array(z.string()),
      user: l2vpnUser,
      proxy: z
        .object({
          type: z.enum(["http", "https"]),
          address: z.string(),
          port: count,
          userName: z.string().optional(),
          password: z.string().optional(),
        })
        .optional(),
      extras,
    })
    .optional(),
  extras,
});

const edge = z.object({
  id,
  nsxId: z.string().regex(/^edge-\d+$/),
  name: z.string(),
  vdcId: z.string(),
  uplinkGateway: z.string(),
  vnics: z.array(vnic),
  vnicsRevision: count,
  vnicRevisions: z.array(count),
  l2vpn: l2vpn.optional(),
  l2vpnRevision: count,
});

const networkSpec = z.object({
  name: z.string().min(1),
  description: z.string(),
  gateway: z.string(),
  prefixLength: z.number().int().min(0).max(32),
  dns1: z.string(),
  dns2: z.string(),
  dnsSuffix: z.string(),
  ipRanges: z.array(z.object({ start: z.string(), end: z.string() })),
  isShared: z.boolean(),
  guestVlanAllowed: z.boolean(),
  retainNetInfo: z.boolean(),
  interfaceType: z.enum(["subinterface", "internal"]),
  vcloudExtensions: extras,
});

const network = networkSpec.extend({
  id,
  vdcId: id,
  edgeId: id,
  status: z.union([z.literal(0), z.literal(1)]),
  revision: count,
});

const task = z.object({
  id,
  operationName: z.enum(["orgVdcNetworkCreate", "orgVdcNetworkUpdate", "orgVdcNetworkDelete"]),
  operation: z.string(),
  status: z.enum(["running", "success", "error", "aborted"]),
  startMs: z.number(),
  durationMs: z.number(),
  endMs: z.number().optional(),
  cancelRequested: z.boolean(),
  ownerId: z.string(),
  ownerName: z.string(),
  orgId: z.string(),
  userId: z.string(),
  userName: z.string(),
  edgeId: z.string(),
  action: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("create") }),
    z.object({ kind: z.literal("update"), spec: networkSpec }),
    z.object({ kind: z.literal("delete") }),
  ]),
  error: z.object({ majorErrorCode: z.number(), minorErrorCode: z.string(), message: z.string() }).optional(),
  sessionId: z.string().optional(),
  resultLocation: z.string().optional(),
});

const user = z.object({ id, name: z.string().min(1), password: z.string() });

const nsxWorld = z.object({
  users: z.array(z.object({ name: z.string().min(1), password: z.string() })),
  edges: z.array(edge),
  certificates: z.array(
    z.object({
      id,
      scope: z.string(),
      name: z.string(),
      description: z.string(),
      type: z.enum(["certificate_ca", "certificate_signed", "certificate_self_signed"]),
      pem: z.string(),
      hasPrivateKey: z.boolean(),
      notBefore: z.string(),
      notAfter: z.string(),
      daysValid: z.number().optional(),
    }),
  ),
  csrs: z.array(
    z.object({
      id,
      scope: z.string(),
      name: z.string().optional(),
      description: z.string().optional(),
      commonName: z.string(),
      algorithm: z.string(),
      keySize: count,
      pem: z.string(),
    }),
  ),
  jobs: z.array(
    z.object({
      id,
      edgeId: z.string(),
      module: z.enum(["vnics", "l2vpn", "truststore"]),
      operation: z.string(),
      startMs: z.number(),
      durationMs: z.number(),
      error: z.object({ code: z.number(), message: z.string() }).optional(),
      resultLocation: z.string().optional(),
    }),
  ),
  tunnelsUp: z.record(z.number()),
  nextCertificate: count,
  nextCsr: count,
  nextJob: count,
});

/** References between objects: what the handlers look up and would otherwise crash on. */
function checkReferences(w: z.infer<typeof worldShape>, ctx: z.RefinementCtx): void {
  const problem = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  const orgs = new Set(w.orgs.map((o) => o.id));
  const vdcs = new Set(w.vdcs.map((v) => v.id));
  const edges = new Set(w.edges.map((e) => e.id));
  const nsxIds = new Set([...w.edges, ...w.nsx.edges].map((e) => e.nsxId));
  w.vdcs.forEach((v, i) => {
    if (!orgs.has(v.orgId)) problem(["vdcs", i, "orgId"], `no org has id ${v.orgId}`);
  });
  w.edges.forEach((e, i) => {
    if (!vdcs.has(e.vdcId)) problem(["edges", i, "vdcId"], `no vdc has id ${e.vdcId}`);
  });
  w.networks.forEach((n, i) => {
    if (!vdcs.has(n.vdcId)) problem(["networks", i, "vdcId"], `no vdc has id ${n.vdcId}`);
    if (!edges.has(n.edgeId)) problem(["networks", i, "edgeId"], `no edge has id ${n.edgeId}`);
  });
  w.nsx.certificates.forEach((c, i) => {
    if (!nsxIds.has(c.scope)) problem(["nsx", "certificates", i, "scope"], `no edge has NSX id ${c.scope}`);
  });
}

const worldShape = z.object({
  formatVersion: z.literal(2),
  orgs: z.array(
    z.object({
      id,
      name: z.string().min(1),
      fullName: z.string(),
      isSystem: z.boolean(),
      users: z.array(user),
    }),
  ),
  vdcs: z.array(z.object({ id, name: z.string().min(1), orgId: id })),
  edges: z.array(edge),
  networks: z.array(network),
  tasks: z.array(task),
  nextPortgroup: count,
  nsx: nsxWorld,
});

export const worldSchema = worldShape.superRefine(checkReferences);

/** A path as a reader of the JSON file writes it: world.networks[2].edgeId. */
export function jsonPath(path: (string | number)[]): string {
  return path.reduce<string>((p, k) => (typeof k === "number" ? `${p}[${k}]` : `${p}.${k}`), "world");
}

/** The world as loaded, or an Error naming the state file and the path of its first problem. */
export function validateWorld(file: string, world: unknown): World {
  const r = worldSchema.safeParse(world);
  if (r.success) return world as World; // the original object: fields we do not model stay
  const first = r.error.issues[0]!;
  throw new Error(`state file ${file} is invalid at ${jsonPath(first.path)}: ${first.message}`);
}
