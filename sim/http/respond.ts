// Builders for replies: vCD XML documents, CloudAPI JSON, and the two error formats.
import { SimError, unauthorized } from "../core/errors";
import { NSX_CODE } from "../core/nsx/errors";
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

/** NSX errorCode for errors that did not come from an edge service (routing, auth, faults). */
function nsxCodeOf(err: SimError): number {
  if (err.nsxCode !== undefined) return err.nsxCode;
  if (err.status === 401) return NSX_CODE.unauthorized;
  if (err.status === 404) return NSX_CODE.notFound;
  if (err.status === 409) return NSX_CODE.busy;
  return NSX_CODE.invalidInput;
}

/** NSX Manager's own error document (no vCloud namespace, no request id). */
function nsxErrorReply(err: SimError): Reply {
  return {
    status: err.status,
    headers: err.status === 401 ? { "WWW-Authenticate": 'Basic realm="NSX Manager"' } : undefined,
    body: buildXml("error", { details: err.message, errorCode: nsxCodeOf(err), moduleName: "vShield Edge" }),
    contentType: "application/xml;charset=UTF-8",
  };
}

/**
 * An edge service's own error (one carrying an NSX code) reaches a client of vCD's /network
 * proxy as NSX's document, unchanged; vCD's own refusals on that path (login, visibility, busy
 * gateway) stay vCD <Error>s. go-vcloud-director parses proxied errors as types.NSXError.
 */
export function errorReply(area: Area, err: SimError, requestId: string): Reply {
  if (area === "nsx" || (area === "network" && err.nsxCode !== undefined)) return nsxErrorReply(err);
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
