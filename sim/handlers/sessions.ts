// Login/logout, legacy (/api/sessions, XML) and CloudAPI (/cloudapi/1.0.0/sessions, JSON).
import { notFound, unauthorized, forbidden } from "../core/errors";
import type { Session } from "../core/sessions";
import type { SimCore } from "../core/sim-core";
import { atLeast } from "../core/versions";
import type { Org, User } from "../core/world";
import { href, MEDIA } from "../render/hrefs";
import { emptyReply, jsonReply, requireSession, xmlReply } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";

/** Checks `Authorization: Basic base64(user@org:password)`; 401 on any mismatch. */
export function authenticate(core: SimCore, authorization: string | undefined): { org: Org; user: User } {
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
  if (!m) throw unauthorized("Authentication required: send Basic credentials user@org:password.");
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const login = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? "" : decoded.slice(colon + 1);
  const at = login.lastIndexOf("@");
  if (at < 0) throw unauthorized("Bad credentials: the user name must be user@org.");
  const [userName, orgName] = [login.slice(0, at).toLowerCase(), login.slice(at + 1).toLowerCase()];
  const org = core.world.orgs.find((o) => o.name.toLowerCase() === orgName);
  const user = org?.users.find((u) => u.name.toLowerCase() === userName);
  if (!org || !user || user.password !== password) throw unauthorized("Bad credentials");
  return { org, user };
}

function tokenHeaders(s: Session): Record<string, string> {
  const h: Record<string, string> = {};
  if (s.legacyToken) h["x-vcloud-authorization"] = s.legacyToken;
  if (atLeast(s.apiVersion, "30.0")) {
    h["X-VMWARE-VCLOUD-ACCESS-TOKEN"] = s.accessToken;
    h["X-VMWARE-VCLOUD-TOKEN-TYPE"] = "Bearer";
  }
  return h;
}

function sessionXml(ctx: Ctx, s: Session, status: number, headers?: Record<string, string>): Reply {
  const b = ctx.core.baseUrl;
  return xmlReply(
    ctx,
    status,
    "Session",
    {
      "@_href": `${b}/api/session/`,
      "@_type": MEDIA.session,
      "@_user": s.userName,
      "@_org": s.orgName,
      "@_userId": s.userId,
      "@_roles": s.isSystem ? "System Administrator" : "Organization Administrator",
      "@_locationId": `${s.orgId}@vcd-sim`,
      Link: [
        { "@_rel": "down", "@_href": `${b}/api/org/`, "@_type": MEDIA.orgList },
        { "@_rel": "remove", "@_href": `${b}/api/session` },
        {
          "@_rel": "down",
          "@_href": `${b}/api/query`,
          "@_type": "application/vnd.vmware.vcloud.query.queryList+xml",
        },
        { "@_rel": "down", "@_href": href.org(b, s.orgId), "@_name": s.orgName, "@_type": MEDIA.org },
      ],
    },
    "session",
    headers,
  );
}

function legacyLogin(ctx: Ctx): Reply {
  const { org, user } = authenticate(ctx.core, ctx.req.headers.authorization);
  const s = ctx.core.sessions.create(org, user, ctx.version, true);
  return sessionXml(ctx, s, 200, tokenHeaders(s));
}

function sessionJson(s: Session, ttlMinutes: number): Record<string, unknown> {
  return {
    id: s.id,
    site: { name: "vcd-sim", id: "urn:vcloud:site:00000000-0000-0000-0000-000000000001" },
    user: { name: s.userName, id: s.userId },
    org: { name: s.orgName, id: `urn:vcloud:org:${s.orgId}` },
    operatingOrg: { name: s.orgName, id: `urn:vcloud:org:${s.orgId}` },
    location: `${s.orgId}@vcd-sim`,
    roles: [s.isSystem ? "System Administrator" : "Organization Administrator"],
    roleRefs: [],
    sessionIdleTimeoutMinutes: ttlMinutes,
  };
}

/** CloudAPI login exists from API 33.0; /provider is for System users, the plain one for tenants. */
function cloudLogin(provider: boolean) {
  return (ctx: Ctx): Reply => {
    if (!atLeast(ctx.version, "33.0")) throw notFound("CloudAPI sessions require API version 33.0 or later.");
    const { org, user } = authenticate(ctx.core, ctx.req.headers.authorization);
    if (provider && !org.isSystem)
      throw unauthorized("Provider login is only for users of the System organization.");
    if (!provider && org.isSystem)
      throw unauthorized("System organization users must log in at /cloudapi/1.0.0/sessions/provider.");
    const s = ctx.core.sessions.create(org, user, ctx.version, false);
    return jsonReply(ctx, 200, sessionJson(s, 30), tokenHeaders(s));
  };
}

function currentCloudSession(ctx: Ctx): Reply {
  return jsonReply(ctx, 200, sessionJson(requireSession(ctx), 30));
}

function deleteCloudSession(ctx: Ctx): Reply {
  const s = requireSession(ctx);
  const id = ctx.params["id"]!;
  const target = id === "current" ? s : ctx.core.sessions.get(id);
  if (!target) throw notFound(`No session ${id}.`);
  if (target.id !== s.id && !s.isSystem) throw forbidden("Cannot log out another user's session.");
  ctx.core.sessions.remove(target.id);
  return emptyReply(204);
}

export const sessionRoutes: Route[] = [
  { method: "POST", pattern: "/api/sessions", versioned: true, auth: false, handler: legacyLogin },
  {
    method: "GET",
    pattern: "/api/session",
    versioned: true,
    auth: true,
    handler: (ctx) => sessionXml(ctx, requireSession(ctx), 200),
  },
  {
    method: "DELETE",
    pattern: "/api/session",
    versioned: true,
    auth: true,
    handler: (ctx) => {
      ctx.core.sessions.remove(requireSession(ctx).id);
      return emptyReply(204);
    },
  },
  {
    method: "POST",
    pattern: "/cloudapi/1.0.0/sessions",
    versioned: true,
    auth: false,
    handler: cloudLogin(false),
  },
  {
    method: "POST",
    pattern: "/cloudapi/1.0.0/sessions/provider",
    versioned: true,
    auth: false,
    handler: cloudLogin(true),
  },
  {
    method: "GET",
    pattern: "/cloudapi/1.0.0/sessions/current",
    versioned: true,
    auth: true,
    handler: currentCloudSession,
  },
  {
    method: "DELETE",
    pattern: "/cloudapi/1.0.0/sessions/:id",
    versioned: true,
    auth: true,
    handler: deleteCloudSession,
  },
];
