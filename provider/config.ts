import { readFileSync } from "node:fs";
import { ConfigError } from "./common/errors";
import type { NsxManagerConnection } from "./nsxv/executor";
import type { VcdConnection } from "./vcd/executor";

/**
 * Credentials and endpoints come from stack config (`l2stretch:*`, password as a secret)
 * with environment fallbacks for CI, never from resource inputs: inputs land in state and
 * diffs, config secrets stay encrypted.
 */
export interface ConfigSource {
  get(key: string): string | undefined;
}

interface Setting {
  key: string;
  env: string;
  example: string;
  secret?: boolean;
}

const SETTINGS = {
  url: { key: "vcdUrl", env: "VCD_URL", example: "https://vcd.example.com" },
  org: { key: "org", env: "VCD_ORG", example: "acme" },
  user: { key: "user", env: "VCD_USER", example: "alice" },
  password: { key: "password", env: "VCD_PASSWORD", example: "<password>", secret: true },
  apiVersion: { key: "apiVersion", env: "VCD_API_VERSION", example: "33.0" },
  caCert: { key: "caCert", env: "VCD_CA_CERT", example: "/path/to/ca.pem" },
  insecure: { key: "insecure", env: "VCD_INSECURE", example: "true" },
  retryDeadlineSeconds: {
    key: "retryDeadlineSeconds",
    env: "L2STRETCH_RETRY_DEADLINE_SECONDS",
    example: "300",
  },
  nsxUrl: { key: "nsxUrl", env: "NSX_URL", example: "https://nsx.example.com" },
  nsxUser: { key: "nsxUser", env: "NSX_USER", example: "admin" },
  nsxPassword: { key: "nsxPassword", env: "NSX_PASSWORD", example: "<password>", secret: true },
  nsxCaCert: { key: "nsxCaCert", env: "NSX_CA_CERT", example: "/path/to/ca.pem" },
  nsxInsecure: { key: "nsxInsecure", env: "NSX_INSECURE", example: "true" },
} satisfies Record<string, Setting>;

function lookup(s: Setting, config: ConfigSource | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const v = config?.get(`l2stretch:${s.key}`) ?? env[s.env];
  return v === undefined || v === "" ? undefined : v;
}

function required(s: Setting, config: ConfigSource | undefined, env: NodeJS.ProcessEnv): string {
  const v = lookup(s, config, env);
  if (v === undefined) {
    const set = `pulumi config set ${s.secret ? "--secret " : ""}l2stretch:${s.key} ${s.example}`;
    throw new ConfigError(
      `l2stretch:${s.key} is not set: run \`${set}\` or set the ${s.env} environment variable`,
    );
  }
  return v;
}

export function retryFrom(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { deadlineMs: number } | undefined {
  const deadline = lookup(SETTINGS.retryDeadlineSeconds, config, env);
  if (deadline === undefined) return undefined;
  if (!(Number(deadline) > 0)) {
    throw new ConfigError(
      `l2stretch:retryDeadlineSeconds must be a positive number of seconds (got "${deadline}")`,
    );
  }
  return { deadlineMs: Number(deadline) * 1000 };
}

function caFrom(s: Setting, config: ConfigSource | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const ca = lookup(s, config, env);
  return ca === undefined ? undefined : ca.includes("-----BEGIN") ? ca : readCa(s, ca);
}

function flag(s: Setting, config: ConfigSource | undefined, env: NodeJS.ProcessEnv): boolean {
  const v = lookup(s, config, env);
  return v === "true" || v === "1";
}

function checkUrl(s: Setting, url: string): string {
  if (!/^https?:\/\//.test(url)) {
    throw new ConfigError(`l2stretch:${s.key} must start with https:// (got "${url}"), e.g. ${s.example}`);
  }
  return url;
}

/** NSX Manager settings, for edges addressed directly ({ nsxEdge }) rather than through vCD. */
export function nsxManagerConnectionFrom(
  config?: ConfigSource,
  env: NodeJS.ProcessEnv = process.env,
): NsxManagerConnection {
  return {
    url: checkUrl(SETTINGS.nsxUrl, required(SETTINGS.nsxUrl, config, env)),
    user: required(SETTINGS.nsxUser, config, env),
    password: required(SETTINGS.nsxPassword, config, env),
    caCert: caFrom(SETTINGS.nsxCaCert, config, env),
    insecure: flag(SETTINGS.nsxInsecure, config, env),
    retry: retryFrom(config, env),
  };
}

/** Builds the vCD connection settings; throws a ConfigError naming the missing key and how to set it. */
export function vcdConnectionFrom(
  config?: ConfigSource,
  env: NodeJS.ProcessEnv = process.env,
): VcdConnection {
  return {
    url: checkUrl(SETTINGS.url, required(SETTINGS.url, config, env)),
    org: required(SETTINGS.org, config, env),
    user: required(SETTINGS.user, config, env),
    password: required(SETTINGS.password, config, env),
    apiVersion: lookup(SETTINGS.apiVersion, config, env),
    caCert: caFrom(SETTINGS.caCert, config, env),
    insecure: flag(SETTINGS.insecure, config, env),
    retry: retryFrom(config, env),
  };
}

function readCa(s: Setting, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`l2stretch:${s.key}: cannot read CA bundle file ${path}: ${(e as Error).message}`);
  }
}
