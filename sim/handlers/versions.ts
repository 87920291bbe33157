// GET /api/versions: unauthenticated version discovery (XML, or JSON when asked for).
import { supportedVersions } from "../core/versions";
import { buildXml } from "../xml/xml";
import type { Ctx, Reply, Route } from "../http/types";

function versions(ctx: Ctx): Reply {
  const list = supportedVersions(ctx.core.vcdVersion);
  const b = ctx.core.baseUrl;
  if (/json/i.test(ctx.req.headers.accept ?? "")) {
    const versionInfo = list.map((v) => ({
      version: v.version,
      loginUrl: `${b}${v.loginPath}`,
      ...(v.providerLoginPath ? { providerLoginUrl: `${b}${v.providerLoginPath}` } : {}),
      deprecated: v.deprecated,
    }));
    return { status: 200, body: JSON.stringify({ versionInfo }), contentType: "application/json" };
  }
  const body = buildXml("SupportedVersions", {
    "@_xmlns": "http://www.vmware.com/vcloud/versions",
    VersionInfo: list.map((v) => ({
      "@_deprecated": v.deprecated,
      Version: v.version,
      LoginUrl: `${b}${v.loginPath}`,
      ProviderLoginUrl: v.providerLoginPath ? `${b}${v.providerLoginPath}` : undefined,
    })),
  });
  return { status: 200, body, contentType: "application/vnd.vmware.vcloud.versions+xml" };
}

export const versionRoutes: Route[] = [
  { method: "GET", pattern: "/api/versions", versioned: false, auth: false, handler: versions },
];
