import type { XmlNode } from "../vcd/xml";

/**
 * How an NsxEdgeClient reaches one edge. The NSX API is the same whether it is called on
 * NSX Manager or through vCD's `/network` proxy; only the path prefixes, the edge and
 * certificate-scope ids, and authentication differ, and those live behind this interface.
 */
export interface NsxRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Absolute path from the host (built with the *Path helpers below) or a full URL. */
  path: string;
  /** XML body, sent as application/xml. */
  xml?: string;
  /** Retry transient faults inside the transport. Default: GETs only. */
  retry?: boolean;
}

export interface NsxResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  text: string;
  xml?: XmlNode;
}

export type NsxAccessPath = "vcd-proxy" | "nsx-direct";

export interface NsxTransport {
  readonly kind: NsxAccessPath;
  /** The id this path uses for the edge: the vCD gateway UUID or NSX's edge-N. */
  readonly edgeRef: string;
  /**
   * Key of the process-wide write lock for this edge (common/edgeIdentity.ts). Identical for
   * both access paths and for vCD's network writes whenever the NSX edge id is known, so
   * every writer of the edge in one process queues on it.
   */
  readonly lockKey: string;
  /** Truststore scope of the edge: gatewayUuid (proxy) or edge-N (direct). */
  readonly certificateScope: string;
  /** `/…/edges/{edge}` + suffix, e.g. edgePath("/vnics/2"). */
  edgePath(suffix: string): string;
  /** `/…/services/truststore` + suffix. */
  truststorePath(suffix: string): string;
  /** URL of an edge job given its id or the Location a 202 answered with. */
  jobPath(jobIdOrLocation: string): string;
  request(req: NsxRequest): Promise<NsxResponse>;
}

export function jobPathFrom(jobsBase: string, jobIdOrLocation: string): string {
  if (/^https?:\/\//i.test(jobIdOrLocation) || jobIdOrLocation.startsWith("/")) return jobIdOrLocation;
  return `${jobsBase}/${encodeURIComponent(jobIdOrLocation)}`;
}
