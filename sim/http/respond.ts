// Builders for replies: vCD XML documents, CloudAPI JSON, and the two error formats.
import { SimError, unauthorized } from "../core/errors";
import type { Session } from "../core/sessions";
import { buildXml, VCLOUD_NS, type XmlTree } from "../xml/xml";
import type { Area, Ctx, Reply } from "./types";

/** e.g. xmlReply(ctx, 200, "Task", tree, "task") → application/vnd.vmware.vcloud.task+xml;version=V */
export function xmlReply(
  ctx: Ctx,
  status: number,
  root: string,
  tree: XmlTree,
  mediaKind: string,
  headers?: Record<string, string>,
): Reply {
  const version = ctx.version ? `;version=${ctx.version}` : "";
  return {
    status,
    headers,
    body: buildXml(root, { "@_xmlns": VCLOUD_NS, ...tree }),
    contentType: `${mediaKind.includes("/") ? mediaKind : `application/vnd.vmware.vcloud.${mediaKind}+xml`}${version}`,
  };
}

/** Plain NSX-style XML (no vCloud namespace), as returned by the /network proxy. */
export function nsxXmlReply(status: number, root: string, tree: XmlTree): Reply {
  return { status, body: buildXml(root, tree), contentType: "application/xml;charset=UTF-8" };
}

export function jsonReply(ctx: Ctx, status: number, value: unknown, headers?: Record<string, string>): Reply {
  const version = ctx.version ? `;version=${ctx.version}` : "";
  return { status, headers, body: JSON.stringify(value), contentType: `application/json${version}` };
}

export function emptyReply(status: number, headers?: Record<string, string>): Reply {
  return { status, headers };
}

export function errorReply(area: Area, err: SimError, requestId: string): Reply {
  const message = `[ ${requestId} ] ${err.message}`;
  if (area === "cloudapi" || area === "sim") {
    return {
      status: err.status,
      body: JSON.stringify({ minorErrorCode: err.minorErrorCode, message, stackTrace: "" }),
      contentType: "application/json",
    };
  }
  return {
    status: err.status,
    body: buildXml("Error", {
      "@_xmlns": VCLOUD_NS,
      "@_majorErrorCode": err.status,
      "@_minorErrorCode": err.minorErrorCode,
      "@_message": message,
      "@_stackTrace": "",
    }),
    contentType: "application/vnd.vmware.vcloud.error+xml",
  };
}

export function requireSession(ctx: Ctx): Session {
  if (!ctx.session) throw unauthorized();
  return ctx.session;
}
