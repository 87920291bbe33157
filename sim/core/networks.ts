// Org VDC network operations shared by the XML API and CloudAPI: validation, the checks vCD does
// before accepting a write (duplicate name, busy edge, immutable subnet), task creation, and what
// happens when the task completes.
import { badRequest, busyEntity, duplicateName, SimError } from "./errors";
import { newId, urn } from "./ids";
import { rangeContains } from "../../contract/netmath";
import { isIpv4, isUsableHost, subnetOf, subnetsOverlap, toInt } from "./netmath";
import type { Session } from "./sessions";
import type { SimCore } from "./sim-core";
import { assertCapacity, attachNetwork, detachNetwork, refreshAttachment } from "./vnics";
import type { Edge, Network, NetworkSpec, Task, TaskAction, Vdc } from "./world";

export const networkKey = (id: string): string => `network:${id}`;

/** Checks one subnet definition the way vCD does; throws 400 with a readable message. */
export function validateSpec(spec: NetworkSpec): void {
  if (!spec.name.trim()) throw badRequest("The network name must not be empty.");
  if (!(Number.isInteger(spec.prefixLength) && spec.prefixLength >= 1 && spec.prefixLength <= 30)) {
    throw badRequest(`Invalid netmask / prefix length ${spec.prefixLength}.`);
  }
  if (!isIpv4(spec.gateway)) throw badRequest(`Invalid gateway address ${spec.gateway}.`);
  const subnet = subnetOf(spec.gateway, spec.prefixLength);
  if (!isUsableHost(spec.gateway, subnet)) {
    throw badRequest(`Gateway ${spec.gateway} is not a usable host address of its subnet.`);
  }
  for (const dns of [spec.dns1, spec.dns2]) {
    if (dns && !isIpv4(dns)) throw badRequest(`Invalid DNS server address ${dns}.`);
  }
  for (const r of spec.ipRanges) {
    if (!isIpv4(r.start) || !isIpv4(r.end)) throw badRequest(`Invalid IP range ${r.start}-${r.end}.`);
    if (!isUsableHost(r.start, subnet) || !isUsableHost(r.end, subnet)) {
      throw badRequest(
        `IP range ${r.start}-${r.end} is not within the network's subnet ${spec.gateway}/${spec.prefixLength}.`,
      );
    }
    if (toInt(r.start) > toInt(r.end))
      throw badRequest(`IP range ${r.start}-${r.end}: start address is after end address.`);
    if (rangeContains(r, spec.gateway))
      throw badRequest(`IP range ${r.start}-${r.end} contains the gateway address ${spec.gateway}.`);
  }
}

function assertNotBusy(core: SimCore, edge: Edge): void {
  const op = core.edgeBusyWith(edge.id);
  if (op) {
    core.stats.busyRejections++;
    throw busyEntity(
      `The entity EdgeGateway ${edge.name} (${urn("gateway", edge.id)}) is busy completing an operation ${op}.`,
    );
  }
}

function assertUniqueName(core: SimCore, vdcId: string, name: string, exceptId?: string): void {
  const clash = core.world.networks.find(
    (n) => n.vdcId === vdcId && n.id !== exceptId && n.name.toLowerCase() === name.toLowerCase(),
  );
  if (clash) throw duplicateName(`The VDC network name "${name}" is already in use.`);
}

function assertNoOverlap(core: SimCore, edge: Edge, spec: NetworkSpec, exceptId?: string): void {
  const mine = subnetOf(spec.gateway, spec.prefixLength);
  for (const n of core.world.networks) {
    if (n.edgeId !== edge.id || n.id === exceptId) continue;
    if (subnetsOverlap(mine, subnetOf(n.gateway, n.prefixLength))) {
      throw badRequest(
        `The subnet ${spec.gateway}/${spec.prefixLength} overlaps with network ${n.name} on edge gateway ${edge.name}.`,
      );
    }
  }
}

function newTask(core: SimCore, s: Session, net: Network, action: TaskAction): Task {
  const names = {
    create: "orgVdcNetworkCreate",
    update: "orgVdcNetworkUpdate",
    delete: "orgVdcNetworkDelete",
  } as const;
  const verbs = { create: "Creating", update: "Updating", delete: "Deleting" } as const;
  const task: Task = {
    id: newId(),
    operationName: names[action.kind],
    operation: `${verbs[action.kind]} Network ${net.name}(${net.id})`,
    status: "running",
    startMs: Date.now(),
    durationMs: core.faults.taskMs,
    cancelRequested: false,
    ownerId: net.id,
    ownerName: net.name,
    orgId: core.world.vdcs.find((v) => v.id === net.vdcId)!.orgId,
    userId: s.userId,
    userName: s.userName,
    edgeId: net.edgeId,
    action,
    sessionId: s.id,
  };
  core.tasks.start(task);
  return task;
}

export function createNetwork(
  core: SimCore,
  s: Session,
  vdc: Vdc,
  edge: Edge,
  spec: NetworkSpec,
): { network: Network; task: Task } {
  validateSpec(spec);
  if (edge.vdcId !== vdc.id)
    throw badRequest(`Edge gateway ${edge.name} does not belong to VDC ${vdc.name}.`);
  assertUniqueName(core, vdc.id, spec.name);
  assertNotBusy(core, edge);
  assertNoOverlap(core, edge, spec);
  assertCapacity(edge, spec.interfaceType);
  const network: Network = { ...spec, id: newId(), vdcId: vdc.id, edgeId: edge.id, status: 0, revision: 1 };
  core.world.networks.push(network);
  const task = newTask(core, s, network, { kind: "create" });
  core.lostUpdates.noteSeen(s.id, networkKey(network.id), network.revision);
  core.persist();
  return { network, task };
}

export function updateNetwork(
  core: SimCore,
  s: Session,
  net: Network,
  spec: NetworkSpec,
  edgeId: string | undefined,
): Task {
  validateSpec(spec);
  if (edgeId !== undefined && edgeId !== net.edgeId) {
    throw badRequest("Changing the edge gateway of a routed network is not supported.");
  }
  if (spec.gateway !== net.gateway || spec.prefixLength !== net.prefixLength) {
    throw badRequest(
      `Cannot change the gateway or netmask of network ${net.name}; they are set at creation.`,
    );
  }
  const edge = core.world.edges.find((e) => e.id === net.edgeId)!;
  assertUniqueName(core, net.vdcId, spec.name, net.id);
  assertNotBusy(core, edge);
  if (spec.interfaceType !== net.interfaceType) {
    assertCapacity(edge, spec.interfaceType);
  }
  core.lostUpdates.checkWrite(s.id, s.userName, networkKey(net.id), net.revision);
  const task = newTask(core, s, net, { kind: "update", spec });
  core.persist();
  return task;
}

export function deleteNetwork(core: SimCore, s: Session, net: Network): Task {
  const edge = core.world.edges.find((e) => e.id === net.edgeId)!;
  assertNotBusy(core, edge);
  const task = newTask(core, s, net, { kind: "delete" });
  core.persist();
  return task;
}

/** Applied when a task succeeds (TaskEngine calls it; SimError fails the task). */
export function applyNetworkTask(core: SimCore, task: Task): void {
  const net = core.world.networks.find((n) => n.id === task.ownerId);
  const edge = core.world.edges.find((e) => e.id === task.edgeId);
  if (!net || !edge)
    throw new SimError(500, "INTERNAL_SERVER_ERROR", "The network or its edge gateway no longer exists.");
  const allocatePortgroup = (): string => `dvportgroup-${core.world.nextPortgroup++}`;
  switch (task.action.kind) {
    case "create":
      attachNetwork(edge, net, allocatePortgroup);
      net.status = 1;
      break;
    case "update": {
      const typeChanged = task.action.spec.interfaceType !== net.interfaceType;
      Object.assign(net, task.action.spec);
      net.revision++;
      if (typeChanged) {
        detachNetwork(edge, net.id);
        attachNetwork(edge, net, allocatePortgroup);
      } else refreshAttachment(edge, net);
      if (task.sessionId) core.lostUpdates.noteSeen(task.sessionId, networkKey(net.id), net.revision);
      break;
    }
    case "delete":
      detachNetwork(edge, net.id);
      core.world.networks = core.world.networks.filter((n) => n.id !== net.id);
      break;
  }
}

/** A cancelled or failed create leaves no network behind; updates and deletes change nothing. */
export function rollbackNetworkTask(core: SimCore, task: Task): void {
  if (task.action.kind === "create") {
    const edge = core.world.edges.find((e) => e.id === task.edgeId);
    if (edge) detachNetwork(edge, task.ownerId);
    core.world.networks = core.world.networks.filter((n) => n.id !== task.ownerId);
  }
}
