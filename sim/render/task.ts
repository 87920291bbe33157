// Task document (TaskType element order: Link, Owner, Error, User, Organization, Progress, Details).
import { urn } from "../core/ids";
import type { SimCore } from "../core/sim-core";
import type { Task } from "../core/world";
import type { XmlTree } from "../xml/xml";
import { href, MEDIA } from "./hrefs";

const iso = (ms: number): string => new Date(ms).toISOString();

/** Attributes and children of a Task; used both as a root document and nested in <Tasks>. */
export function taskTree(core: SimCore, t: Task): XmlTree {
  const b = core.baseUrl;
  const v = core.tasks.view(t);
  const org = core.world.orgs.find((o) => o.id === t.orgId);
  const running = t.status === "running";
  return {
    "@_cancelRequested": t.cancelRequested,
    "@_expiryTime": iso(t.startMs + 30 * 24 * 3600 * 1000),
    "@_operation": t.operation,
    "@_operationName": t.operationName,
    "@_serviceNamespace": "com.vmware.cloud",
    "@_startTime": iso(t.startMs),
    "@_endTime": t.endMs !== undefined ? iso(t.endMs) : undefined,
    "@_status": v.status,
    "@_name": "task",
    "@_id": urn("task", t.id),
    "@_href": href.task(b, t.id),
    "@_type": MEDIA.task,
    Link: running ? { "@_rel": "task:cancel", "@_href": `${href.task(b, t.id)}/action/cancel` } : undefined,
    Owner: {
      "@_href": href.adminNetwork(b, t.ownerId),
      "@_id": urn("network", t.ownerId),
      "@_name": t.ownerName,
      "@_type": MEDIA.network,
    },
    Error: t.error
      ? {
          "@_majorErrorCode": t.error.majorErrorCode,
          "@_minorErrorCode": t.error.minorErrorCode,
          "@_message": t.error.message,
          "@_stackTrace": "",
        }
      : undefined,
    User: { "@_href": href.user(b, t.userId.split(":").pop()!), "@_name": t.userName, "@_type": MEDIA.user },
    Organization: org
      ? { "@_href": href.org(b, org.id), "@_name": org.name, "@_type": MEDIA.org }
      : undefined,
    Progress: v.progress,
    Details: t.error ? t.error.message : undefined,
  };
}
