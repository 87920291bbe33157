// Edge job status (both paths) and NSX Manager's edge list (direct only; vCD has its own queries).
import { getEdge } from "../core/access";
import { SimError } from "../core/errors";
import { nsxEdges } from "../core/nsx/edges";
import { nsxNotFound } from "../core/nsx/errors";
import { findJob } from "../core/nsx/jobs";
import type { Edge, EdgeJob } from "../core/world";
import { edgeListTree, jobTree } from "../render/nsx-jobs";
import { nsxXmlReply, requireSession } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";
import { onEdgesRoot, viaNsx } from "./nsx-access";

/** The job's edge as this caller may see it; undefined when a vCD session may not. */
function visibleEdgeOf(ctx: Ctx, job: EdgeJob): Edge | undefined {
  const edge = nsxEdges(ctx.core.world).find((e) => e.id === job.edgeId);
  if (viaNsx(ctx)) return edge;
  if (!edge || !ctx.core.world.edges.includes(edge)) return undefined;
  try {
    return getEdge(ctx.core, requireSession(ctx), edge.id);
  } catch (e) {
    if (e instanceof SimError) return undefined;
    throw e;
  }
}

const completedWord = (ctx: Ctx): string => (viaNsx(ctx) ? "SUCCESS" : "COMPLETED");

function getJob(ctx: Ctx): Reply {
  const id = ctx.params["job"]!;
  const job = findJob(ctx.core.world, id);
  const edge = job && visibleEdgeOf(ctx, job);
  if (!job || !edge) throw nsxNotFound(`Job ${id} was not found.`);
  return nsxXmlReply(200, "edgeJob", jobTree(job, edge, Date.now(), completedWord(ctx)));
}

function listJobs(ctx: Ctx): Reply {
  const now = Date.now();
  const jobs = ctx.core.world.nsx.jobs.flatMap((j) => {
    const edge = visibleEdgeOf(ctx, j);
    return edge ? [jobTree(j, edge, now, completedWord(ctx))] : [];
  });
  return nsxXmlReply(200, "edgeJobs", { edgeJob: jobs });
}

function listEdges(ctx: Ctx): Reply {
  return nsxXmlReply(200, "pagedEdgeList", edgeListTree(nsxEdges(ctx.core.world)));
}

export const nsxJobRoutes: Route[] = [
  ...onEdgesRoot("GET", "/jobs", listJobs),
  ...onEdgesRoot("GET", "/jobs/:job", getJob),
  { method: "GET", pattern: "/api/4.0/edges", versioned: false, auth: "nsx", handler: listEdges },
];
