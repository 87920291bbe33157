// Types shared by the HTTP pipeline and the handlers.
import type { IncomingMessage } from "node:http";
import type { Session } from "../core/sessions";
import type { SimCore } from "../core/sim-core";

/**
 * Which API family a path belongs to; decides error format, auth and fault injection.
 * "network" is vCD's NSX proxy (/network/...), "nsx" is NSX Manager direct (/api/4.0, /api/2.0).
 */
export type Area = "api" | "cloudapi" | "network" | "nsx" | "sim";

export interface Ctx {
  core: SimCore;
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  body: string;
  requestId: string;
  area: Area;
  /** API version from the Accept header ("" for routes that do not need one). */
  version: string;
  wantsJson: boolean;
  /** Set for routes with auth: true. */
  session: Session | undefined;
  /** NSX Manager user, set for routes with auth: "nsx". */
  nsxUser: string | undefined;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  contentType?: string;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path with `:name` placeholders, e.g. /api/admin/network/:id */
  pattern: string;
  /** Needs a valid Accept version (406 otherwise). */
  versioned: boolean;
  /** true = vCD session, "nsx" = NSX Manager basic auth, false = none. */
  auth: boolean | "nsx";
  handler: Handler;
}
