import { parseInputs } from "../common/check";
import { computeDiff, type DiffSpec } from "../common/diff";
import { ConfigError } from "../common/errors";
import { parseCidr } from "../../contract/netmath";
import type { NsxSubInterface, NsxVnic } from "../nsxv/types";
import { edgeKey } from "../../contract/schemas/common";
import {
  edgeTrunkInterfaceSchema,
  normalizeEdgeTrunkInterface,
  type NormalizedEdgeTrunkInterface,
  type NormalizedSubInterface,
} from "../../contract/schemas/edgeTrunkInterface";
import { edgeFailures, openEdge, type EdgeHandle } from "./edgeAccess";
import type { InputSpec, Props, ResourceHandler } from "./types";
import { checkWithSchema } from "../../contract/validation";

/**
 * EdgeTrunkInterface: a trunk vNIC of an NSX-v edge and the sub-interfaces this resource
 * owns on it. Every write is a read-modify-write of that one vNIC under the edge's lock, so
 * sub-interfaces owned by others (vCD's own, or added by hand) are left exactly as they are.
 */
type Inputs = NormalizedEdgeTrunkInterface;

export interface EdgeTrunkInterfaceOutputs extends Inputs {
  /** The vNIC slot in use (given or allocated). */
  allocatedVnicIndex: number;
  /** True when an existing trunk was taken over: delete then removes only our sub-interfaces. */
  adopted: boolean;
  edgeLabel: string;
  subInterfaceIndexes: Record<string, number>;
  tunnelIds: Record<string, number>;
}

const INPUT_KEYS: (keyof Inputs)[] = [
  "edge",
  "vnicIndex",
  "name",
  "portgroupId",
  "mtu",
  "isConnected",
  "subInterfaces",
  "adopt",
];

export const DIFF_SPEC: DiffSpec<Inputs> = {
  // Another edge or slot is another vNIC; everything else NSX changes in place.
  replaceOn: ["edge", "vnicIndex"],
  ignore: ["adopt"],
  // The new vNIC would collide on tunnel IDs and VLANs with the old one on the same edge.
  deleteBeforeReplace: (olds, news) => edgeKey(olds.edge) === edgeKey(news.edge),
};

export const INPUT_SPEC: InputSpec = {
  inputKeys: INPUT_KEYS,
  replaceOn: DIFF_SPEC.replaceOn,
  keyedLists: ["subInterfaces"],
};

function pickInputs(p: Props): Inputs {
  return parseInputs(
    "EdgeTrunkInterface",
    edgeTrunkInterfaceSchema,
    normalizeEdgeTrunkInterface,
    INPUT_KEYS,
    p,
  );
}

/** A slot nobody uses: NSX shows unused vNICs as disconnected internal ones without backing. */
export function isFreeVnic(v: NsxVnic): boolean {
  return (
    v.type !== "uplink" &&
    !v.isConnected &&
    !v.portgroupId &&
    v.subInterfaces.length === 0 &&
    v.addressGroups.length === 0
  );
}

function addressGroups(addresses: string[]): NsxSubInterface["addressGroups"] {
  const [primary, ...secondary] = addresses.map((a) => parseCidr(a)!);
  if (!primary) return [];
  return [
    {
      primaryAddress: primary.address,
      prefixLength: primary.prefixLength,
      ...(secondary.length ? { secondaryAddresses: secondary.map((s) => s.address) } : {}),
    },
  ];
}

function toNsx(s: NormalizedSubInterface, existing: NsxSubInterface | undefined): NsxSubInterface {
  return {
    ...(existing?.index !== undefined ? { index: existing.index } : {}),
    name: s.name,
    tunnelId: s.tunnelId,
    ...(s.vlanId !== undefined ? { vlanId: s.vlanId } : {}),
    ...(s.logicalSwitchId !== undefined ? { logicalSwitchId: s.logicalSwitchId } : {}),
    mtu: s.mtu,
    isConnected: true,
    enableSendRedirects: s.enableSendRedirect,
    addressGroups: addressGroups(s.addresses),
  };
}

function fromNsx(s: NsxSubInterface): NormalizedSubInterface {
  const g = s.addressGroups[0];
  const prefix = g?.prefixLength ?? 24;
  return {
    name: s.name,
    tunnelId: s.tunnelId,
    ...(s.vlanId !== undefined ? { vlanId: s.vlanId } : {}),
    ...(s.logicalSwitchId !== undefined ? { logicalSwitchId: s.logicalSwitchId } : {}),
    addresses: g ? [g.primaryAddress, ...(g.secondaryAddresses ?? [])].map((a) => `${a}/${prefix}`) : [],
    mtu: s.mtu,
    enableSendRedirect: s.enableSendRedirects,
  };
}

/**
 * The vNIC as this resource wants it: its own settings and sub-interfaces, plus every
 * sub-interface it does not own (by name) untouched, with NSX's indexes kept.
 */
export function desiredVnic(current: NsxVnic, v: Inputs, previouslyOwned: readonly string[]): NsxVnic {
  const mine = new Set([...previouslyOwned, ...v.subInterfaces.map((s) => s.name)]);
  const others = current.subInterfaces.filter((s) => !mine.has(s.name));
  const clash = others.find((o) => v.subInterfaces.some((s) => s.tunnelId === o.tunnelId));
  if (clash) {
    throw new ConfigError(
      `tunnel ID ${clash.tunnelId} is already used by sub-interface "${clash.name}" on vNIC ${current.index}, which this resource does not own; pick another tunnelId`,
    );
  }
  return {
    ...current,
    name: v.name,
    type: "trunk",
    mtu: v.mtu,
    isConnected: v.isConnected,
    portgroupId: v.portgroupId,
    subInterfaces: [
      ...others,
      ...v.subInterfaces.map((s) =>
        toNsx(
          s,
          current.subInterfaces.find((c) => c.name === s.name),
        ),
      ),
    ],
  };
}

function outputs(v: Inputs, vnic: NsxVnic, adopted: boolean, edge: EdgeHandle): EdgeTrunkInterfaceOutputs {
  const mine = vnic.subInterfaces.filter((s) => v.subInterfaces.some((d) => d.name === s.name));
  return {
    ...v,
    allocatedVnicIndex: vnic.index,
    adopted,
    edgeLabel: edge.label,
    subInterfaceIndexes: Object.fromEntries(mine.map((s) => [s.name, s.index ?? -1])),
    tunnelIds: Object.fromEntries(mine.map((s) => [s.name, s.tunnelId])),
  };
}

class SlotTaken extends Error {}

/**
 * The mark of a trunk this resource wrote: its name on its port group (a port group backs one
 * vNIC of an edge). NSX vNICs have no description to carry more.
 */
function isOwnTrunk(vnic: NsxVnic, v: Inputs): boolean {
  return vnic.type === "trunk" && vnic.name === v.name && vnic.portgroupId === v.portgroupId;
}

async function createOn(edge: EdgeHandle, v: Inputs): Promise<EdgeTrunkInterfaceOutputs> {
  // Allocation reads outside the lock; the write re-checks the slot under it and we try the
  // next free one if someone took it in between.
  for (let attempt = 0; attempt < 10; attempt++) {
    // Our own trunk from a create that was interrupted after its write comes first, so the
    // next `up` converges it instead of allocating a second trunk with the same tunnel IDs.
    const vnics = v.vnicIndex === undefined ? await edge.client.getVnics() : [];
    const index = v.vnicIndex ?? (vnics.find((n) => isOwnTrunk(n, v)) ?? vnics.find(isFreeVnic))?.index;
    if (index === undefined) {
      throw new ConfigError(
        `edge ${edge.label} has no free vNIC (an NSX-v edge has 10); free one or set vnicIndex with adopt: true`,
      );
    }
    let adopted = false;
    try {
      const vnic = await edge.client.updateVnic(index, (cur) => {
        // A retried write (the PUT went through, a later read faulted) finds its own trunk.
        const ours = isOwnTrunk(cur, v);
        adopted = !isFreeVnic(cur) && !ours;
        if (adopted && !v.adopt) {
          if (v.vnicIndex === undefined) throw new SlotTaken();
          throw new ConfigError(
            `vNIC ${index} of edge ${edge.label} is in use ("${cur.name}", ${cur.type}); choose another vnicIndex, omit it to allocate a free one, or set adopt: true to take this trunk over`,
          );
        }
        if (adopted && cur.type !== "trunk") {
          throw new ConfigError(
            `cannot adopt vNIC ${index} of edge ${edge.label}: it is an ${cur.type} interface, not a trunk`,
          );
        }
        return desiredVnic(cur, v, []);
      });
      return outputs(v, vnic, adopted, edge);
    } catch (e) {
      if (!(e instanceof SlotTaken)) throw e;
    }
  }
  throw new ConfigError(
    `could not allocate a vNIC on edge ${edge.label}: every free slot was taken concurrently`,
  );
}

export const edgeTrunkInterfaceHandler: ResourceHandler = {
  async check(_olds, news) {
    const r = checkWithSchema(edgeTrunkInterfaceSchema, news, normalizeEdgeTrunkInterface);
    if (!r.value) return r;
    return { inputs: r.inputs, failures: await edgeFailures(r.value.edge) };
  },

  async diff(_id, olds, news) {
    const o = olds as unknown as EdgeTrunkInterfaceOutputs;
    const n = pickInputs(news);
    // An allocated slot is not a change: only an explicit, different vnicIndex is.
    const before = {
      ...pickInputs(olds),
      vnicIndex: n.vnicIndex === undefined ? undefined : o.allocatedVnicIndex,
    };
    return computeDiff(DIFF_SPEC, before, n);
  },

  async create(inputs) {
    const v = pickInputs(inputs);
    const edge = await openEdge(v.edge);
    const outs = await createOn(edge, v);
    return { id: `${edgeKey(v.edge)}/vnic-${outs.allocatedVnicIndex}`, outs: outs as unknown as Props };
  },

  async read(id, props) {
    const old = props as unknown as EdgeTrunkInterfaceOutputs;
    const edge = await openEdge(old.edge);
    const vnic = await edge.client.getVnic(old.allocatedVnicIndex);
    if (isFreeVnic(vnic) || vnic.type !== "trunk") return { id: "" };
    const owned = new Set(old.subInterfaces.map((s) => s.name));
    const live: Inputs = {
      ...pickInputs(props),
      name: vnic.name,
      portgroupId: vnic.portgroupId ?? "",
      mtu: vnic.mtu,
      isConnected: vnic.isConnected,
      subInterfaces: vnic.subInterfaces
        .filter((s) => owned.has(s.name))
        .map(fromNsx)
        .sort((a, b) => a.tunnelId - b.tunnelId),
    };
    const outs = outputs(live, vnic, old.adopted, edge);
    return { id, props: outs as unknown as Props, inputs: live as unknown as Props };
  },

  async update(_id, olds, news) {
    const old = olds as unknown as EdgeTrunkInterfaceOutputs;
    const v = pickInputs(news);
    const edge = await openEdge(v.edge);
    const previouslyOwned = old.subInterfaces.map((s) => s.name);
    const vnic = await edge.client.updateVnic(old.allocatedVnicIndex, (cur) =>
      desiredVnic(cur, v, previouslyOwned),
    );
    return { outs: outputs(v, vnic, old.adopted, edge) as unknown as Props };
  },

  async delete(_id, props) {
    const old = props as unknown as EdgeTrunkInterfaceOutputs;
    const edge = await openEdge(old.edge);
    const owned = new Set(old.subInterfaces.map((s) => s.name));
    await edge.client.updateVnic(old.allocatedVnicIndex, (cur) => {
      if (cur.type !== "trunk") return undefined; // already reset by someone else
      const others = cur.subInterfaces.filter((s) => !owned.has(s.name));
      // Give the slot back only if it is ours alone; otherwise remove just our sub-interfaces.
      if (!old.adopted && others.length === 0) return null;
      return { ...cur, subInterfaces: others };
    });
  },
};
