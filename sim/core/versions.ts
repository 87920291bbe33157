// API version lists per simulated vCD release and Accept-header version negotiation.

export type VcdMode = "10.0" | "9.0.0.0";

export interface ApiVersion {
  version: string;
  deprecated: boolean;
  /** Path of the login URL advertised for this version. */
  loginPath: string;
}

const LEGACY_LOGIN = "/api/sessions";
const CLOUDAPI_LOGIN = "/cloudapi/1.0.0/sessions";

export function supportedVersions(mode: VcdMode): ApiVersion[] {
  if (mode === "9.0.0.0") {
    return ["27.0", "28.0", "29.0"].map((version) => ({
      version,
      deprecated: false,
      loginPath: LEGACY_LOGIN,
    }));
  }
  return ["27.0", "28.0", "29.0", "30.0", "31.0", "32.0", "33.0"].map((version) => ({
    version,
    deprecated: version === "27.0" || version === "28.0",
    loginPath: version === "33.0" ? CLOUDAPI_LOGIN : LEGACY_LOGIN,
  }));
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const atLeast = (v: string, min: string): boolean => compareVersions(v, min) >= 0;

export interface AcceptedMedia {
  version: string;
  wantsJson: boolean;
}

/**
 * Finds the first media range in an Accept header that carries a `version` parameter.
 * Returns undefined when none does; the caller checks the version against the list.
 */
export function parseAccept(accept: string | undefined): AcceptedMedia | undefined {
  if (!accept) return undefined;
  for (const range of accept.split(",")) {
    const [type, ...params] = range.split(";").map((s) => s.trim());
    if (!type || !/^(application|\*)\/[\w.*+-]+$/i.test(type)) continue;
    for (const p of params) {
      const m = /^version\s*=\s*"?([\d.]+)"?$/i.exec(p);
      if (m) return { version: m[1]!, wantsJson: /json/i.test(type) };
    }
  }
  return undefined;
}
