// The seed describes the initial world (users, orgs, VDCs, edges). It is validated with zod
// because it may come from a user-supplied JSON file (--seed).
import { z } from "zod";
import { newId } from "./ids";
import { firstHost, isIpv4 } from "./netmath";
import { VNIC_COUNT } from "./vnics";
import { WORLD_FORMAT_VERSION, type Edge, type NsxWorld, type World } from "./world";

const ipv4 = z.string().refine((s) => isIpv4(s), "must be an IPv4 address");
const uuid = z.string().uuid();

const uplinkSchema = z.object({
  name: z.string().min(1).default("uplink"),
  portgroupId: z.string().min(1).default("dvportgroup-10"),
  portgroupName: z.string().optional(),
  primaryAddress: ipv4,
  prefixLength: z.number().int().min(1).max(32).default(24),
  gateway: ipv4.optional(),
});

const nsxEdgeId = z.string().regex(/^edge-\d+$/, "must look like edge-N");
const edgeSchema = z.object({
  id: uuid.optional(),
  /** NSX Manager id; vCD edges without one get edge-1, edge-2, … in seed order. */
  nsxId: nsxEdgeId.optional(),
  name: z.string().min(1),
  uplink: uplinkSchema,
});
const standaloneEdgeSchema = z.object({ id: nsxEdgeId, name: z.string().min(1), uplink: uplinkSchema });
const nsxSchema = z.object({
  users: z.array(z.object({ name: z.string().min(1), password: z.string().min(1) })).min(1),
  edges: z.array(standaloneEdgeSchema).default([]),
});

/** NSX Manager's login when a seed does not say otherwise. */
export const DEFAULT_NSX_USER = { name: "admin", password: "Nsx-Admin-Secret-1" };
const vdcSchema = z.object({
  id: uuid.optional(),
  name: z.string().min(1),
  edges: z.array(edgeSchema).default([]),
});
const userSchema = z.object({ name: z.string().min(1), password: z.string().min(1) });
const orgSchema = z.object({
  id: uuid.optional(),
  name: z.string().min(1),
  fullName: z.string().optional(),
  users: z.array(userSchema).default([]),
  vdcs: z.array(vdcSchema).default([]),
});

export const seedSchema = z
  .object({
    orgs: z.array(orgSchema).min(1),
    nsx: nsxSchema.default({ users: [DEFAULT_NSX_USER], edges: [] }),
  })
  .refine((s) => s.orgs.some((o) => o.name.toLowerCase() === "system"), "a 'System' org is required")
  .refine(
    (s) => new Set(s.orgs.map((o) => o.name.toLowerCase())).size === s.orgs.length,
    "org names must be unique",
  )
  .refine((s) => {
    const ids = [
      ...s.orgs.flatMap((o) => o.vdcs.flatMap((v) => v.edges.flatMap((e) => (e.nsxId ? [e.nsxId] : [])))),
      ...s.nsx.edges.map((e) => e.id),
    ];
    return new Set(ids).size === ids.length;
  }, "NSX edge ids (edges[].nsxId, nsx.edges[].id) must be unique");

export type SeedWorld = z.input<typeof seedSchema>;

export const DEFAULT_SEED: SeedWorld = {
  orgs: [
    {
      name: "System",
      fullName: "System Organization",
      users: [{ name: "administrator", password: "Admin-Secret-1" }],
    },
    {
      name: "acme",
      fullName: "ACME Corp",
      users: [{ name: "alice", password: "Alice-Secret-1" }],
      vdcs: [
        {
          name: "acme-vdc",
          edges: [
            { name: "edge-cloud-1", uplink: { primaryAddress: "192.0.2.10", prefixLength: 24 } },
            { name: "edge-cloud-2", uplink: { primaryAddress: "192.0.2.11", prefixLength: 24 } },
          ],
        },
      ],
    },
  ],
  nsx: {
    users: [DEFAULT_NSX_USER],
    edges: [
      {
        id: "edge-101",
        name: "edge-onprem-1",
        uplink: { primaryAddress: "198.51.100.20", prefixLength: 24, portgroupId: "dvportgroup-210" },
      },
      {
        id: "edge-102",
        name: "edge-onprem-2",
        uplink: { primaryAddress: "198.51.100.21", prefixLength: 24, portgroupId: "dvportgroup-211" },
      },
    ],
  },
};

/** Parses untrusted seed JSON; throws an Error whose message lists every problem. */
export function parseSeed(input: unknown): z.output<typeof seedSchema> {
  const r = seedSchema.safeParse(input);
  if (!r.success) {
    throw new Error(
      `invalid seed: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
  return r.data;
}

type UplinkSeed = z.output<typeof uplinkSchema>;

/** A fresh edge with only its uplink on vnic 0 (standalone edges pass vdcId ""). */
export function newEdge(id: string, nsxId: string, name: string, vdcId: string, u: UplinkSeed): Edge {
  return {
    id,
    nsxId,
    name,
    vdcId,
    uplinkGateway: u.gateway ?? firstHost(u.primaryAddress, u.prefixLength),
    vnicsRevision: 1,
    vnicRevisions: Array.from({ length: VNIC_COUNT }, () => 1),
    l2vpnRevision: 1,
    vnics: [
      {
        index: 0,
        name: u.name,
        type: "uplink",
        mtu: 1500,
        isConnected: true,
        portgroupId: u.portgroupId,
        portgroupName: u.portgroupName ?? `dvs.VCDVS-${u.name}`,
        addressGroups: [{ primaryAddress: u.primaryAddress, prefixLength: u.prefixLength }],
        enableProxyArp: false,
        enableSendRedirects: true,
        // Only vCD edges' uplinks belong to a vCD external network.
        networkId: vdcId ? newId() : undefined,
        networkName: vdcId ? u.name : undefined,
        subInterfaces: [],
      },
    ],
  };
}

/** NSX Manager's part of the world, from the seed (also used to upgrade version-1 state files). */
export function buildNsxWorld(nsx: z.output<typeof nsxSchema>): NsxWorld {
  return {
    users: nsx.users.map((u) => ({ ...u })),
    edges: nsx.edges.map((e) => newEdge(newId(), e.id, e.name, "", e.uplink)),
    certificates: [],
    csrs: [],
    jobs: [],
    tunnelsUp: {},
    nextCertificate: 1,
    nextCsr: 1,
    nextJob: 1,
  };
}

/** vCD edges without an explicit nsxId get the lowest free edge-N, in seed order. */
export function nsxIdAllocator(taken: Iterable<string>): () => string {
  const used = new Set(taken);
  let n = 1;
  return () => {
    while (used.has(`edge-${n}`)) n++;
    used.add(`edge-${n}`);
    return `edge-${n}`;
  };
}

export function buildWorld(seed: SeedWorld): World {
  const s = parseSeed(seed);
  const world: World = {
    formatVersion: WORLD_FORMAT_VERSION,
    orgs: [],
    vdcs: [],
    edges: [],
    networks: [],
    tasks: [],
    nextPortgroup: 100,
    nsx: buildNsxWorld(s.nsx),
  };
  const explicit = s.orgs.flatMap((o) => o.vdcs.flatMap((v) => v.edges.flatMap((e) => e.nsxId ?? [])));
  const nextNsxId = nsxIdAllocator([...explicit, ...s.nsx.edges.map((e) => e.id)]);
  for (const o of s.orgs) {
    const orgId = o.id ?? newId();
    world.orgs.push({
      id: orgId,
      name: o.name,
      fullName: o.fullName ?? o.name,
      isSystem: o.name.toLowerCase() === "system",
      users: o.users.map((u) => ({ id: newId(), name: u.name, password: u.password })),
    });
    for (const v of o.vdcs) {
      const vdcId = v.id ?? newId();
      world.vdcs.push({ id: vdcId, name: v.name, orgId });
      for (const e of v.edges)
        world.edges.push(newEdge(e.id ?? newId(), e.nsxId ?? nextNsxId(), e.name, vdcId, e.uplink));
    }
  }
  return world;
}
