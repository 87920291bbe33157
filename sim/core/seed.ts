// The seed describes the initial world (users, orgs, VDCs, edges). It is validated with zod
// because it may come from a user-supplied JSON file (--seed).
import { z } from "zod";
import { newId } from "./ids";
import { firstHost, parseIpv4 } from "./netmath";
import type { Edge, World } from "./world";

const ipv4 = z.string().refine((s) => parseIpv4(s) !== undefined, "must be an IPv4 address");
const uuid = z.string().uuid();

const uplinkSchema = z.object({
  name: z.string().min(1).default("uplink"),
  portgroupId: z.string().min(1).default("dvportgroup-10"),
  portgroupName: z.string().optional(),
  primaryAddress: ipv4,
  prefixLength: z.number().int().min(1).max(32).default(24),
  gateway: ipv4.optional(),
});

const edgeSchema = z.object({ id: uuid.optional(), name: z.string().min(1), uplink: uplinkSchema });
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
  .object({ orgs: z.array(orgSchema).min(1) })
  .refine((s) => s.orgs.some((o) => o.name.toLowerCase() === "system"), "a 'System' org is required")
  .refine(
    (s) => new Set(s.orgs.map((o) => o.name.toLowerCase())).size === s.orgs.length,
    "org names must be unique",
  );

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

function buildEdge(e: z.output<typeof edgeSchema>, vdcId: string): Edge {
  const u = e.uplink;
  return {
    id: e.id ?? newId(),
    name: e.name,
    vdcId,
    uplinkGateway: u.gateway ?? firstHost(u.primaryAddress, u.prefixLength),
    vnicsRevision: 1,
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
        networkId: newId(),
        networkName: u.name,
        subInterfaces: [],
      },
    ],
  };
}

export function buildWorld(seed: SeedWorld): World {
  const s = parseSeed(seed);
  const world: World = {
    formatVersion: 1,
    orgs: [],
    vdcs: [],
    edges: [],
    networks: [],
    tasks: [],
    nextPortgroup: 100,
  };
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
      for (const e of v.edges) world.edges.push(buildEdge(e, vdcId));
    }
  }
  return world;
}
