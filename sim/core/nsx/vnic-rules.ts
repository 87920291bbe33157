// The rules NSX (and vCD, for what it owns) enforce on an edge's vnics after a change. Pure:
// callers build the candidate vnic list, these functions throw a 400 NSX error naming the first
// violation, and only then is the candidate stored.
import { isIpv4, subnetOf, subnetsOverlap, inSubnet, type Ipv4Cidr } from "../netmath";
import { SimError } from "../errors";
import {
  MAX_SUBINTERFACES,
  MAX_SUBINTERFACE_INDEX,
  MAX_TUNNEL_ID,
  VNIC_COUNT,
  FIRST_SUBINTERFACE_INDEX,
} from "../vnics";
import type { AddressGroup, SubInterface, Vnic } from "../world";
import { NSX_CODE, nsxBad } from "./errors";

const bad = (msg: string): SimError => nsxBad(msg, NSX_CODE.vnic);

const DVPORTGROUP = /^dvportgroup-\d+$/;
const LOGICAL_SWITCH =
  /^(virtualwire-\d+|dvportgroup-\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * What vCD created must survive NSX writes: vnics of vCD networks (uplink, internal) are not
 * writable through NSX at all, and sub-interfaces of subinterface Org VDC networks must be kept
 * with their index, tunnel id and address.
 * @param networkName the vCD network's name for messages.
 */
export function assertVcdOwnedKept(old: Vnic[], next: Vnic[], networkName: (id: string) => string): void {
  for (const o of old) {
    if (o.networkId === undefined) continue;
    const n = next.find((v) => v.index === o.index);
    if (!n || n.networkId !== o.networkId) {
      throw bad(
        `vnic ${o.index} is managed by vCloud Director (${o.type} network ${networkName(o.networkId)}); change it through vCloud Director.`,
      );
    }
  }
  const nextSubs = new Map(next.flatMap((v) => v.subInterfaces.map((s) => [s.index, s] as const)));
  for (const s of old.flatMap((v) => v.subInterfaces)) {
    if (s.networkId === undefined) continue;
    const n = nextSubs.get(s.index);
    const same =
      n !== undefined &&
      n.networkId === s.networkId &&
      n.tunnelId === s.tunnelId &&
      n.addressGroup?.primaryAddress === s.addressGroup?.primaryAddress &&
      n.addressGroup?.prefixLength === s.addressGroup?.prefixLength;
    if (!same) {
      throw bad(
        `Sub-interface ${s.index} (tunnel id ${s.tunnelId}) belongs to vCloud Director network ${networkName(s.networkId)}; keep it unchanged or change the network through vCloud Director.`,
      );
    }
  }
}

function checkVnic(v: Vnic): void {
  const where = `vnic ${v.index}`;
  if (!(Number.isInteger(v.index) && v.index >= 0 && v.index < VNIC_COUNT))
    throw bad(`Invalid vnic index ${v.index}: must be 0-${VNIC_COUNT - 1}.`);
  if (!(Number.isInteger(v.mtu) && v.mtu >= 68 && v.mtu <= 9000))
    throw bad(`${where}: mtu ${v.mtu} is out of range 68-9000.`);
  if (v.subInterfaces.length > 0 && v.type !== "trunk")
    throw bad(`${where}: type must be trunk when sub-interfaces are configured (is ${v.type}).`);
  if (v.type === "trunk" && v.index === 0) throw bad("vnic 0 is the uplink and cannot be a trunk.");
  if (v.isConnected && !v.portgroupId)
    throw bad(`${where}: portgroupId is required when isConnected is true.`);
  if (v.type === "trunk" && v.portgroupId && !DVPORTGROUP.test(v.portgroupId)) {
    throw bad(
      `${where}: a trunk vnic must be connected to a distributed port group (dvportgroup-N); ${v.portgroupId} is not allowed${/^virtualwire-/.test(v.portgroupId) ? " (logical switches cannot back a trunk)" : ""}.`,
    );
  }
}

function checkSubInterface(v: Vnic, s: SubInterface): void {
  const where = `Sub-interface ${s.name} (index ${s.index})`;
  if (!(
    Number.isInteger(s.index) &&
    s.index >= FIRST_SUBINTERFACE_INDEX &&
    s.index <= MAX_SUBINTERFACE_INDEX
  ))
    throw bad(`${where}: index must be ${FIRST_SUBINTERFACE_INDEX}-${MAX_SUBINTERFACE_INDEX}.`);
  if (!(Number.isInteger(s.tunnelId) && s.tunnelId >= 1 && s.tunnelId <= MAX_TUNNEL_ID))
    throw bad(`${where}: tunnelId ${s.tunnelId} is out of range 1-${MAX_TUNNEL_ID}.`);
  const hasVlan = s.vlanId !== undefined;
  const hasSwitch = s.logicalSwitchId !== undefined;
  if (hasVlan === hasSwitch)
    throw bad(
      `${where}: exactly one of vlanId and logicalSwitchId must be set (has ${hasVlan ? "both" : "neither"}).`,
    );
  if (hasVlan && !(Number.isInteger(s.vlanId) && s.vlanId! >= 0 && s.vlanId! <= 4094))
    throw bad(`${where}: vlanId ${s.vlanId} is out of range 0-4094.`);
  if (hasSwitch && !LOGICAL_SWITCH.test(s.logicalSwitchId!))
    throw bad(`${where}: logicalSwitchId ${s.logicalSwitchId} must be virtualwire-N or dvportgroup-N.`);
  if (!(Number.isInteger(s.mtu) && s.mtu >= 68 && s.mtu <= v.mtu))
    throw bad(`${where}: mtu ${s.mtu} must be between 68 and the trunk vnic ${v.index}'s mtu ${v.mtu}.`);
}

interface Iface {
  label: string;
  cidr: Ipv4Cidr;
}

function subnetOfGroup(label: string, ag: AddressGroup): Ipv4Cidr {
  if (!isIpv4(ag.primaryAddress)) throw bad(`${label}: invalid primaryAddress ${ag.primaryAddress}.`);
  if (!(Number.isInteger(ag.prefixLength) && ag.prefixLength >= 1 && ag.prefixLength <= 32))
    throw bad(`${label}: invalid prefix length ${ag.prefixLength} for ${ag.primaryAddress}.`);
  const cidr = subnetOf(ag.primaryAddress, ag.prefixLength);
  for (const sec of ag.secondaryAddresses ?? []) {
    if (!isIpv4(sec) || !inSubnet(sec, cidr))
      throw bad(`${label}: secondary address ${sec} is not in ${cidr.networkAddress}/${cidr.prefixLength}.`);
  }
  return cidr;
}

/** Subnets of different interfaces must not overlap (NSX cannot route between them otherwise). */
function checkOverlaps(vnics: Vnic[]): void {
  const ifaces: Iface[] = [];
  for (const v of vnics) {
    for (const ag of v.addressGroups)
      ifaces.push({ label: `vNic_${v.index}`, cidr: subnetOfGroup(`vnic ${v.index}`, ag) });
    for (const s of v.subInterfaces) {
      if (s.addressGroup)
        ifaces.push({
          label: `vNic_${s.index}`,
          cidr: subnetOfGroup(`Sub-interface ${s.name}`, s.addressGroup),
        });
    }
  }
  for (let i = 0; i < ifaces.length; i++) {
    for (let j = i + 1; j < ifaces.length; j++) {
      const a = ifaces[i]!;
      const b = ifaces[j]!;
      if (a.label !== b.label && subnetsOverlap(a.cidr, b.cidr)) {
        throw bad(
          `Address ${b.cidr.address}/${b.cidr.prefixLength} of ${b.label} overlaps the subnet ${a.cidr.networkAddress}/${a.cidr.prefixLength} of ${a.label}.`,
        );
      }
    }
  }
}

/** Checks a whole candidate vnic set (the edge after the change). */
export function validateVnics(vnics: Vnic[]): void {
  const sorted = [...vnics].sort((a, b) => a.index - b.index);
  const indexes = new Set<number>();
  for (const v of sorted) {
    if (indexes.has(v.index)) throw bad(`vnic index ${v.index} is given more than once.`);
    indexes.add(v.index);
    checkVnic(v);
  }
  const subs = sorted.flatMap((v) => v.subInterfaces.map((s) => ({ v, s })));
  if (subs.length > MAX_SUBINTERFACES)
    throw bad(
      `An edge supports at most ${MAX_SUBINTERFACES} sub-interfaces (this change makes ${subs.length}).`,
    );
  const subIndexes = new Map<number, string>();
  const tunnels = new Map<number, string>();
  for (const { v, s } of subs) {
    checkSubInterface(v, s);
    const i = subIndexes.get(s.index);
    if (i !== undefined) throw bad(`Sub-interface index ${s.index} is used by both ${i} and ${s.name}.`);
    subIndexes.set(s.index, s.name);
    const t = tunnels.get(s.tunnelId);
    if (t !== undefined)
      throw bad(
        `tunnelId ${s.tunnelId} is used by both sub-interface ${t} and ${s.name}; tunnel ids must be unique per edge.`,
      );
    tunnels.set(s.tunnelId, s.name);
  }
  checkOverlaps(sorted);
}
