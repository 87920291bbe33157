// Lookups with vCD's visibility rule: tenant users see only their org, System users see all.
// A tenant gets 403 both for another org's object and for one that does not exist, so ids cannot
// be probed; vCD answers so on the legacy API and on CloudAPI (go-vcloud-director maps a CloudAPI
// 403 to ErrorEntityNotFound: govcd/openapi.go OpenApiGetItem). System users get 404.
import { forbidden, notFound } from "./errors";
import { uuidOf } from "./ids";
import type { SimCore } from "./sim-core";
import type { Session } from "./sessions";
import type { Edge, Network, Org, Task, Vdc, World } from "./world";

export function canSee(session: Session, orgId: string): boolean {
  return session.isSystem || session.orgId === orgId;
}

export function orgOfVdc(world: World, vdcId: string): Org {
  const vdc = world.vdcs.find((v) => v.id === vdcId)!;
  return world.orgs.find((o) => o.id === vdc.orgId)!;
}

function pick<T>(
  kind: string,
  ref: string,
  items: T[],
  id: (t: T) => string,
  orgId: (t: T) => string,
  s: Session,
): T {
  const uuid = uuidOf(ref) ?? ref;
  const found = items.find((t) => id(t) === uuid);
  if (!found && s.isSystem) throw notFound(`No ${kind} with id ${ref} was found.`);
  if (!found || !canSee(s, orgId(found))) {
    throw forbidden(
      `Either you need some or all of the following rights [General: View] to perform operations [${kind}] or the target entity is invalid.`,
    );
  }
  return found;
}

export const getOrg = (c: SimCore, s: Session, ref: string): Org =>
  pick(
    "Org",
    ref,
    c.world.orgs,
    (o) => o.id,
    (o) => o.id,
    s,
  );
export const getVdc = (c: SimCore, s: Session, ref: string): Vdc =>
  pick(
    "VDC",
    ref,
    c.world.vdcs,
    (v) => v.id,
    (v) => v.orgId,
    s,
  );
export const getEdge = (c: SimCore, s: Session, ref: string): Edge =>
  pick(
    "EdgeGateway",
    ref,
    c.world.edges,
    (e) => e.id,
    (e) => orgOfVdc(c.world, e.vdcId).id,
    s,
  );
export const getNetwork = (c: SimCore, s: Session, ref: string): Network =>
  pick(
    "OrgVdcNetwork",
    ref,
    c.world.networks,
    (n) => n.id,
    (n) => orgOfVdc(c.world, n.vdcId).id,
    s,
  );
export const getTask = (c: SimCore, s: Session, ref: string): Task =>
  pick(
    "Task",
    ref,
    c.world.tasks,
    (t) => t.id,
    (t) => t.orgId,
    s,
  );

export const visibleVdcs = (c: SimCore, s: Session): Vdc[] => c.world.vdcs.filter((v) => canSee(s, v.orgId));
export const visibleEdges = (c: SimCore, s: Session): Edge[] =>
  c.world.edges.filter((e) => canSee(s, orgOfVdc(c.world, e.vdcId).id));
export const visibleNetworks = (c: SimCore, s: Session): Network[] =>
  c.world.networks.filter((n) => canSee(s, orgOfVdc(c.world, n.vdcId).id));
