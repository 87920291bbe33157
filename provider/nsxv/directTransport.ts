import { ApiError } from "../common/errors";
import { asArray, text, type XmlNode } from "../vcd/xml";
import type { NsxExecutor } from "./executor";
import type { NsxEdgeSummary } from "./types";
import { edgeLockKey } from "../common/edgeIdentity";
import { sharedReads } from "../common/sharedReads";
import { jobPathFrom, type NsxRequest, type NsxResponse, type NsxTransport } from "./transport";

/** Reaches an edge on NSX Manager itself (`/api/4.0/edges/edge-N`, basic auth). */
export class NsxDirectTransport implements NsxTransport {
  readonly kind = "nsx-direct" as const;
  readonly edgeRef: string;
  readonly lockKey: string;
  readonly certificateScope: string;

  constructor(
    private readonly exec: NsxExecutor,
    edgeId: string,
  ) {
    if (!EDGE_ID.test(edgeId)) throw new Error(`not an NSX edge id (edge-N): ${edgeId}`);
    this.edgeRef = edgeId;
    this.certificateScope = edgeId;
    this.lockKey = edgeLockKey({ nsxEdgeId: edgeId });
  }

  edgePath(suffix: string): string {
    return `/api/4.0/edges/${this.edgeRef}${suffix}`;
  }

  truststorePath(suffix: string): string {
    return `/api/2.0/services/truststore${suffix}`;
  }

  jobPath(jobIdOrLocation: string): string {
    return jobPathFrom("/api/4.0/edges/jobs", jobIdOrLocation);
  }

  request(req: NsxRequest): Promise<NsxResponse> {
    return this.exec.request(req);
  }
}

const EDGE_ID = /^edge-\d+$/;

/** Lists the edges NSX Manager knows (`GET /api/4.0/edges`). */
export async function listNsxEdges(exec: NsxExecutor): Promise<NsxEdgeSummary[]> {
  const res = await exec.request({ method: "GET", path: "/api/4.0/edges" });
  const paged = (res.xml?.["pagedEdgeList"] ?? {}) as XmlNode;
  const page = (paged["edgePage"] ?? {}) as XmlNode;
  return asArray(page["edgeSummary"] as XmlNode[]).map((n) => ({
    objectId: text(n["objectId"]) ?? text(n["id"]) ?? "",
    name: text(n["name"]) ?? "",
  }));
}

/**
 * Resolves an edge given as edge-N or by name. Names are not unique in NSX, so an
 * ambiguous name is an error that lists the candidates' ids. The edge list is read once for
 * all the edges a command opens (common/sharedReads.ts).
 */
export async function resolveNsxEdge(exec: NsxExecutor, idOrName: string): Promise<NsxEdgeSummary> {
  const all = await sharedReads(exec).get("nsx-edges", () => listNsxEdges(exec));
  if (EDGE_ID.test(idOrName)) {
    const byId = all.find((e) => e.objectId === idOrName);
    if (byId) return byId;
  }
  const byName = all.filter((e) => e.name === idOrName);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new ApiError(
      "BAD_REQUEST",
      `edge name "${idOrName}" is ambiguous on NSX Manager ${exec.host} (${byName.map((e) => e.objectId).join(", ")}); give the edge id instead`,
    );
  }
  throw new ApiError(
    "NOT_FOUND",
    `edge "${idOrName}" not found on NSX Manager ${exec.host}; edges there: ${all.map((e) => `${e.name} (${e.objectId})`).join(", ") || "none"}`,
  );
}

/** Convenience: a direct transport for an edge given by id or name. */
export async function nsxDirectTransport(exec: NsxExecutor, idOrName: string): Promise<NsxDirectTransport> {
  return new NsxDirectTransport(exec, (await resolveNsxEdge(exec, idOrName)).objectId);
}
