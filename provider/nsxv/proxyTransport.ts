import type { VcdExecutor } from "../vcd/executor";
import { uuidOf } from "../vcd/ids";
import { reclassify } from "./errors";
import { edgeLockKey } from "../common/edgeIdentity";
import { jobPathFrom, type NsxRequest, type NsxResponse, type NsxTransport } from "./transport";

/**
 * Reaches an edge through vCD's NSX proxy (`/network/…`) with the existing vCD session, so
 * sessions, re-login, Accept versions and NSX `<error>` mapping come from VcdExecutor.
 */
export interface VcdProxyTransportOptions {
  /**
   * NSX's id of the same edge (edge-N), when the caller knows it (findEdgeGateway reads it
   * from the gateway's backing ref). With it the write lock is shared with direct NSX clients
   * of the edge; without it the lock is per vCD gateway (still shared with vCD's network writes).
   */
  nsxEdgeId?: string;
}

export class VcdProxyTransport implements NsxTransport {
  readonly kind = "vcd-proxy" as const;
  readonly edgeRef: string;
  readonly lockKey: string;
  readonly certificateScope: string;

  constructor(
    private readonly exec: VcdExecutor,
    gatewayUuidOrHref: string,
    options: VcdProxyTransportOptions = {},
  ) {
    this.edgeRef = uuidOf(gatewayUuidOrHref);
    this.certificateScope = this.edgeRef;
    this.lockKey = edgeLockKey({
      nsxEdgeId: options.nsxEdgeId,
      vcd: { host: new URL(exec.conn.url).host, gatewayUuid: this.edgeRef },
    });
  }

  edgePath(suffix: string): string {
    return `/network/edges/${this.edgeRef}${suffix}`;
  }

  truststorePath(suffix: string): string {
    return `/network/services/truststore${suffix}`;
  }

  jobPath(jobIdOrLocation: string): string {
    return jobPathFrom("/network/edges/jobs", jobIdOrLocation);
  }

  async request(req: NsxRequest): Promise<NsxResponse> {
    try {
      const res = await this.exec.request({
        method: req.method,
        path: req.path,
        accept: "xml",
        retry: req.retry,
        ...(req.xml !== undefined ? { body: { xml: req.xml, contentType: "application/xml" } } : {}),
      });
      return { status: res.status, headers: res.headers, text: res.text, xml: res.xml };
    } catch (e) {
      // The proxy passes NSX's own busy/stale texts through as plain 400s.
      throw reclassify(e);
    }
  }
}
