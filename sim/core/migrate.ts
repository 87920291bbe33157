// Upgrades state files written by older simulators. Version 1 (before NSX Manager support) had
// no NSX ids, per-vnic revisions or NSX-only objects: its vCD edges get edge-1, edge-2, … and
// the NSX part (users, standalone edges) comes from the current seed.
import { VNIC_COUNT } from "./vnics";
import { buildNsxWorld, nsxIdAllocator, parseSeed, type SeedWorld } from "./seed";
import type { StateFile } from "./store";
import { WORLD_FORMAT_VERSION, type Edge, type World } from "./world";

type V1Edge = Omit<Edge, "nsxId" | "vnicRevisions" | "l2vpnRevision">;
type V1World = Omit<World, "formatVersion" | "edges" | "nsx"> & { formatVersion: 1; edges: V1Edge[] };

function fromV1(w: V1World, seed: SeedWorld): World {
  const nsx = buildNsxWorld(parseSeed(seed).nsx);
  const nextNsxId = nsxIdAllocator(nsx.edges.map((e) => e.nsxId));
  const edges: Edge[] = w.edges.map((e) => ({
    ...e,
    nsxId: nextNsxId(),
    vnicRevisions: Array.from({ length: VNIC_COUNT }, () => e.vnicsRevision),
    l2vpnRevision: 1,
    // Version 1 only ever had the trunk vCD builds for subinterface networks.
    vnics: e.vnics.map((v) => (v.type === "trunk" ? { ...v, vcdTrunk: true } : v)),
  }));
  return { ...w, formatVersion: WORLD_FORMAT_VERSION, edges, nsx };
}

export function upgradeWorld(path: string, file: StateFile, seed: SeedWorld): World {
  if (file.formatVersion === WORLD_FORMAT_VERSION) return file.world as World;
  if (file.formatVersion === 1) return fromV1(file.world as V1World, seed);
  throw new Error(
    `state file ${path} has formatVersion ${file.formatVersion}, which this simulator cannot read (it reads 1-${WORLD_FORMAT_VERSION}); delete the file or use another --state path`,
  );
}
