// <edgeJob> (async job status) and <pagedEdgeList> (NSX Manager's edge list).
import { jobStatus } from "../core/nsx/jobs";
import type { Edge, EdgeJob } from "../core/world";
import type { XmlTree } from "../xml/xml";

/**
 * @param completedWord "SUCCESS" on NSX Manager; the vCD proxy says "COMPLETED" (reference §2.3).
 */
export function jobTree(job: EdgeJob, edge: Edge | undefined, nowMs: number, completedWord: string): XmlTree {
  const status = jobStatus(job, nowMs);
  const done = status === "SUCCESS" || status === "FAILED";
  return {
    jobId: job.id,
    edgeId: edge?.nsxId,
    module: job.module,
    status: status === "SUCCESS" ? completedWord : status,
    message: done ? (job.error?.message ?? `${job.operation} completed`) : `${job.operation} in progress`,
    errorCode: status === "FAILED" ? job.error?.code : undefined,
    startTime: new Date(job.startMs).toISOString(),
    endTime: done ? new Date(job.startMs + job.durationMs).toISOString() : undefined,
    result:
      status === "SUCCESS" && job.resultLocation ? { key: "location", value: job.resultLocation } : undefined,
  };
}

export function edgeListTree(edges: Edge[]): XmlTree {
  return {
    edgePage: {
      pagingInfo: {
        pageSize: edges.length,
        startIndex: 0,
        totalCount: edges.length,
        sortOrderAscending: true,
      },
      edgeSummary: edges.map((e) => ({
        objectId: e.nsxId,
        id: e.nsxId,
        name: e.name,
        edgeType: "gatewayServices",
        edgeStatus: "GREEN",
        state: "deployed",
        numberOfConnectedVnics: e.vnics.filter((v) => v.isConnected).length,
      })),
    },
  };
}
