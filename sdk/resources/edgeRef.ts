import type * as pulumi from "@pulumi/pulumi";

/**
 * Which NSX-v edge a resource works on: an edge gateway of a vCD VDC (reached through vCD's
 * NSX proxy with the `l2stretch:vcd*` credentials) or an edge known only to NSX Manager
 * (on-prem or standalone; `l2stretch:nsxUrl`, `nsxUser`, secret `nsxPassword`).
 */
export type EdgeArgs =
  | {
      /** Org VDC that owns the edge gateway. */
      vdc: pulumi.Input<string>;
      /** Edge gateway name or URN. */
      edgeGateway: pulumi.Input<string>;
    }
  | {
      /** NSX edge id ("edge-12") or name. */
      nsxEdge: pulumi.Input<string>;
    };
