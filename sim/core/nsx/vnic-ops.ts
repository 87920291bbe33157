// vnic and sub-interface writes as plans: each builds the edge's vnic list after the change and
// validates it; nothing is stored until commitVnics, so the caller can still reject the write
// (busy edge) or count it (lost updates) with the world untouched.
import { VNIC_COUNT, bumpVnic } from "../vnics";
import type { Edge, SubInterface, Vnic } from "../world";
import { NSX_CODE, nsxBad, nsxNotFound } from "./errors";
import {
  buildSubInterface,
  buildVnic,
  usedSubInterfaceIndexes,
  type SubInterfaceInput,
  type VnicInput,
} from "./vnic-model";
import { assertVcdOwnedKept, validateVnics } from "./vnic-rules";

export interface VnicPlan {
  vnics: Vnic[];
  /** vnic slots whose document changes. */
  touched: number[];
  /** Index of a sub-interface the write created. */
  createdSubInterface?: number;
}

export type NetworkNameOf = (networkId: string) => string;

export function parseVnicIndex(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n >= VNIC_COUNT)
    throw nsxBad(`Invalid vnic index ${raw}: must be 0-${VNIC_COUNT - 1}.`, NSX_CODE.vnic);
  return n;
}

function finish(edge: Edge, vnics: Vnic[], touched: number[], names: NetworkNameOf): VnicPlan {
  assertVcdOwnedKept(edge.vnics, vnics, names);
  validateVnics(vnics);
  return { vnics: vnics.sort((a, b) => a.index - b.index), touched };
}

const copy = (edge: Edge): Vnic[] => structuredClone(edge.vnics);

function replaceSlot(vnics: Vnic[], v: Vnic): Vnic[] {
  return [...vnics.filter((x) => x.index !== v.index), v];
}

export function planPutVnic(edge: Edge, index: number, input: VnicInput, names: NetworkNameOf): VnicPlan {
  if (input.index !== undefined && input.index !== index)
    throw nsxBad(
      `The vnic index in the body (${input.index}) does not match the URL (${index}).`,
      NSX_CODE.vnic,
    );
  const v = buildVnic({ vnics: copy(edge) }, index, input);
  return finish(edge, replaceSlot(copy(edge), v), [index], names);
}

/** DELETE resets the slot to an unused, disconnected vnic. */
export function planDeleteVnic(edge: Edge, index: number, names: NetworkNameOf): VnicPlan {
  return finish(
    edge,
    copy(edge).filter((v) => v.index !== index),
    [index],
    names,
  );
}

/** `POST vnics?action=patch`: every listed vnic (each must carry its index) is replaced. */
export function planPatchVnics(edge: Edge, inputs: VnicInput[], names: NetworkNameOf): VnicPlan {
  if (inputs.length === 0) throw nsxBad("The patch lists no vnic.", NSX_CODE.vnic);
  let vnics = copy(edge);
  const touched: number[] = [];
  for (const input of inputs) {
    if (input.index === undefined) throw nsxBad("Every vnic in a patch needs its index.", NSX_CODE.vnic);
    if (touched.includes(input.index))
      throw nsxBad(`vnic ${input.index} is listed twice in the patch.`, NSX_CODE.vnic);
    vnics = replaceSlot(vnics, buildVnic({ vnics }, input.index, input));
    touched.push(input.index);
  }
  return finish(edge, vnics, touched, names);
}

function trunkAt(vnics: Vnic[], parent: number, edge: Edge): Vnic {
  const v = vnics.find((x) => x.index === parent);
  if (!v || v.type !== "trunk")
    throw nsxBad(
      `vnic ${parent} of edge ${edge.nsxId} is not a trunk; sub-interfaces need a trunk vnic.`,
      NSX_CODE.vnic,
    );
  return v;
}

function findSub(v: Vnic, index: number, edge: Edge): SubInterface {
  const s = v.subInterfaces.find((x) => x.index === index);
  if (!s)
    throw nsxNotFound(`Sub-interface ${index} does not exist on vnic ${v.index} of edge ${edge.nsxId}.`);
  return s;
}

/** NSX 6.4 `POST vnics/{p}/subinterfaces`. */
export function planAddSubInterface(
  edge: Edge,
  parent: number,
  input: SubInterfaceInput,
  names: NetworkNameOf,
): VnicPlan {
  const vnics = copy(edge);
  const trunk = trunkAt(vnics, parent, edge);
  const used = usedSubInterfaceIndexes(vnics);
  let index = input.index;
  if (index === undefined) {
    index = 10;
    while (used.has(index)) index++;
  } else if (used.has(index)) {
    throw nsxBad(`Sub-interface index ${index} is already in use on edge ${edge.nsxId}.`, NSX_CODE.vnic);
  }
  trunk.subInterfaces.push(buildSubInterface(input, index));
  trunk.subInterfaces.sort((a, b) => a.index - b.index);
  return { ...finish(edge, vnics, [parent], names), createdSubInterface: index };
}

/** NSX 6.4 `PUT vnics/{p}/subinterfaces/{i}`: replaces one sub-interface, index unchanged. */
export function planPutSubInterface(
  edge: Edge,
  parent: number,
  index: number,
  input: SubInterfaceInput,
  names: NetworkNameOf,
): VnicPlan {
  const vnics = copy(edge);
  const trunk = trunkAt(vnics, parent, edge);
  const old = findSub(trunk, index, edge);
  if (input.index !== undefined && input.index !== index)
    throw nsxBad(
      `The sub-interface index in the body (${input.index}) does not match the URL (${index}).`,
      NSX_CODE.vnic,
    );
  const next = buildSubInterface(input, index, old.networkId !== undefined ? old : undefined);
  trunk.subInterfaces = trunk.subInterfaces.map((s) => (s.index === index ? next : s));
  return finish(edge, vnics, [parent], names);
}

export function planDeleteSubInterface(
  edge: Edge,
  parent: number,
  index: number,
  names: NetworkNameOf,
): VnicPlan {
  const vnics = copy(edge);
  const trunk = trunkAt(vnics, parent, edge);
  findSub(trunk, index, edge);
  trunk.subInterfaces = trunk.subInterfaces.filter((s) => s.index !== index);
  return finish(edge, vnics, [parent], names);
}

export function commitVnics(edge: Edge, plan: VnicPlan): void {
  edge.vnics = plan.vnics;
  for (const i of plan.touched) bumpVnic(edge, i);
}

/** The sub-interface with this index anywhere on the edge, with its parent vnic. */
export function findSubInterface(edge: Edge, index: number): { parent: Vnic; sub: SubInterface } | undefined {
  for (const parent of edge.vnics) {
    const sub = parent.subInterfaces.find((s) => s.index === index);
    if (sub) return { parent, sub };
  }
  return undefined;
}
