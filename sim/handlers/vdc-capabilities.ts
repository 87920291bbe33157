// GET /cloudapi/1.0.0/vdcs/{urn}/capabilities (API ≥ 32.0): what the VDC's network stack can do.
// go-vcloud-director (Vdc.IsNsxv / IsNsxt) and Terraform's vcd provider read `networkProvider`
// here to choose their NSX-V or NSX-T code paths; every simulated VDC is NSX-V backed. Real vCD
// lists more capabilities; only the one a client is known to read is served (no invented names).
import { getVdc } from "../core/access";
import { notFound } from "../core/errors";
import { atLeast } from "../core/versions";
import { jsonReply, requireSession } from "../http/respond";
import { vcdRoute } from "../http/router";
import type { Ctx, Reply, Route } from "../http/types";

interface Capability {
  name: string;
  description: string;
  value: unknown;
  type: "String" | "Boolean" | "List";
  category: string;
}

const NSXV_CAPABILITIES: Capability[] = [
  {
    name: "networkProvider",
    description: "Network provider of the VDC",
    value: "NSX_V",
    type: "String",
    category: "General",
  },
];

function capabilities(ctx: Ctx): Reply {
  if (!atLeast(ctx.version, "32.0")) throw notFound("VDC capabilities require API version 32.0 or later.");
  getVdc(ctx.core, requireSession(ctx), ctx.params["id"]!);
  const values = NSXV_CAPABILITIES;
  return jsonReply(ctx, 200, {
    resultTotal: values.length,
    pageCount: 1,
    page: 1,
    pageSize: values.length,
    associations: null,
    values,
  });
}

export const vdcCapabilityRoutes: Route[] = [
  vcdRoute("GET", "/cloudapi/1.0.0/vdcs/:id/capabilities", capabilities),
];
