import type { XmlNode } from "../vcd/xml";
import type { EdgeJob } from "./types";
import { child, str } from "./xmlNodes";

/** NSX says SUCCESS, the vCD proxy says COMPLETED (V2T checks the latter): both are done. */
export const JOB_DONE: ReadonlySet<string> = new Set(["SUCCESS", "COMPLETED"]);
export const JOB_RUNNING: ReadonlySet<string> = new Set(["QUEUED", "RUNNING", "PENDING", "IN_PROGRESS"]);

export function readEdgeJob(xml: XmlNode | undefined): EdgeJob | undefined {
  const j = child(xml, "edgeJob");
  if (!j) return undefined;
  return {
    jobId: str(j, "jobId") ?? "",
    status: (str(j, "status") ?? "").toUpperCase(),
    message: str(j, "message"),
    edgeId: str(j, "edgeId"),
    errorCode: str(j, "errorCode"),
  };
}
