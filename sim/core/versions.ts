// API version lists per simulated vCD release and Accept-header version negotiation.

/** Simulated vCD releases: 9.0 (API 29.0), 10.0 (API 33.0) and 10.3 (API 36.0, the last with NSX-v). */
export const VCD_MODES = ["9.0.0.0", "10.0", "10.3"] as const;
export type VcdMode = (typeof VCD_MODES)[number];

export const isVcdMode = (v: string): v is VcdMode => (VCD_MODES as readonly string[]).includes(v);

export interface ApiVersion {
  version: string;
  deprecated: boolean;
  /** Path of the login URL advertised for this version. */
  loginPath: string;
  /** Path of the provider (System org) login URL; vCD advertises one from API 36.0. */
  providerLoginPath?: string;
}

const LEGACY_LOGIN = "/api/sessions";
const CLOUDAPI_LOGIN = "/cloudapi/1.0.0/sessions";
const CLOUDAPI_PROVIDER_LOGIN = "/cloudapi/1.0.0/sessions/provider";

/** Highest API version of each release (GOVCD's apiVersionToVcdVersion map). */
const MAX_VERSION: Record<VcdMode, number> = { "9.0.0.0": 29, "10.0": 33, "10.3": 36 };

/**
 * What /api/versions lists. Real vCD advertises `/api/sessions` as the login URL up to 35.0
 * and the CloudAPI URL plus a ProviderLoginUrl from 36.0 (go-vcloud-director's recorded
 * /api/versions, test-resources/golden/TestSamlAdfsAuthenticateWithCookie_RESP_api_versions.golden).
 */
export function supportedVersions(mode: VcdMode): ApiVersion[] {
  const list: ApiVersion[] = [];
  for (let major = 27; major <= MAX_VERSION[mode]; major++) {
    const cloudLogin = major >= 36;
    list.push({
      version: `${major}.0`,
      deprecated: mode !== "9.0.0.0" && major <= 28,
      loginPath: cloudLogin ? CLOUDAPI_LOGIN : LEGACY_LOGIN,
      ...(cloudLogin ? { providerLoginPath: CLOUDAPI_PROVIDER_LOGIN } : {}),
    });
  }
  return list;
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
