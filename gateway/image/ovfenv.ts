/**
 * From an OVF environment document (ovf-env.xml) to the files that bootstrap the appliance.
 * Pure functions only: firstboot.ts does the I/O. Every bad value becomes a `problem` with the
 * property named, and a safe fallback (DHCP, default hostname, no token) instead of an abort,
 * so a typo in the deploy wizard still yields a reachable machine that says what was wrong.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import * as net from "node:net";
import { XMLParser } from "fast-xml-parser";
import { GatewayConfig, GatewayConfigSchema, formatIssues } from "../../contract/gatewayDocument";
import {
  AGENT_PORT,
  DEFAULT_HOSTNAME,
  MIN_TOKEN_LENGTH,
  VAPP_KEYS,
  VAPP_PROPERTIES,
} from "../../contract/appliance";
import { TLS_CERT_FILE, TLS_DIR, TLS_KEY_FILE } from "../agent/tls";

/** NIC 1 of the OVF; the kernel names it eth0 because the image boots with net.ifnames=0. */
export const MGMT_INTERFACE = "eth0";
export const STATE_DIR = "/var/lib/l2stretch";
export const TOKEN_FILE = "/etc/l2stretch/token";
export const AGENT_ENV_FILE = "/etc/l2stretch/agent.env";
export const NETWORK_FILE = "/etc/systemd/network/10-l2stretch-mgmt.network";
export const ISSUE_FILE = "/etc/issue.d/l2stretch.issue";

export class OvfEnvError extends Error {}

/**
 * Property key → value from an OVF environment. Handles both the guestinfo (VMware Tools) and
 * ISO transports, which carry the same document, with any namespace prefix (`oe:`, `ovfenv:`).
 * Only the VM's own PropertySection counts; sibling `Entity` sections of a vApp are ignored.
 */
export function parseOvfEnv(xml: string): Record<string, string> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => name === "Property" || name === "PropertySection",
  });
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    throw new OvfEnvError(
      `ovf-env.xml is not well-formed XML: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const env = (doc as { Environment?: unknown }).Environment;
  if (typeof env !== "object" || env === null)
    throw new OvfEnvError("ovf-env.xml has no Environment element");
  const sections = (env as { PropertySection?: unknown[] }).PropertySection ?? [];
  const props: Record<string, string> = {};
  for (const section of sections) {
    // An empty <PropertySection/> parses as "", not as an object.
    if (typeof section !== "object" || section === null) continue;
    for (const p of (section as { Property?: unknown[] }).Property ?? []) {
      const attrs = p as Record<string, unknown>;
      const key = attrs["@_key"];
      const value = attrs["@_value"];
      if (typeof key === "string") props[key] = typeof value === "string" ? value : "";
    }
  }
  return props;
}

export type MgmtConfig =
  { mode: "dhcp" } | { mode: "static"; ip: string; prefix: number; family: 4 | 6; gateway?: string };

export interface Bootstrap {
  hostname: string;
  mgmt: MgmtConfig;
  dns: string[];
  /** Undefined when the property is missing or unusable: the token file is then left as it is. */
  token?: string;
  firstConfig?: GatewayConfig;
  /** The agent's TLS identity when the properties carry one (else the agent makes its own). */
  tls?: { certificate: string; privateKey: string; fingerprint256: string };
  /** `--listen` of the agent: the static management address, or every address under DHCP. */
  listen: string;
  /** Human-readable problems, each naming the property; shown on the console and in the journal. */
  problems: string[];
}

function parseCidr(s: string): { ip: string; prefix: number; family: 4 | 6 } | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s);
  if (!m?.[1] || !m[2]) return undefined;
  const family = net.isIP(m[1]);
  const prefix = Number(m[2]);
  if (family === 4 && prefix >= 1 && prefix <= 32) return { ip: m[1], prefix, family };
  if (family === 6 && prefix >= 1 && prefix <= 128) return { ip: m[1], prefix, family };
  return undefined;
}

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function validHostname(s: string): boolean {
  return s.length <= 253 && s.split(".").every((l) => HOST_LABEL.test(l));
}

/** base64 (or base64url) JSON; a value that already starts with `{` is taken as plain JSON. */
function decodeConfig(raw: string): { value?: unknown; error?: string } {
  const s = raw.trim();
  let text: string;
  if (s.startsWith("{")) text = s;
  else {
    const compact = s.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return { error: "is not base64" };
    text = Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: `is not base64-encoded JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** base64 PEM (or a PEM pasted as it is) → PEM text; undefined when it is neither. */
function decodePem(raw: string): string | undefined {
  const s = raw.trim();
  if (s.startsWith("-----BEGIN ")) return s;
  const compact = s.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const text = Buffer.from(compact, "base64").toString("utf8");
  return text.startsWith("-----BEGIN ") ? text : undefined;
}

function tlsFromProperties(
  rawCert: string,
  rawKey: string,
  problems: string[],
): Bootstrap["tls"] | undefined {
  const c = VAPP_KEYS.agentTlsCertificate;
  const k = VAPP_KEYS.agentTlsKey;
  const fallback = "the agent creates its own certificate";
  if (!rawCert && !rawKey) return undefined;
  if (!rawCert || !rawKey) {
    problems.push(`${c} and ${k} go together; ${fallback}`);
    return undefined;
  }
  const certificate = decodePem(rawCert);
  const privateKey = decodePem(rawKey);
  let cert: X509Certificate | undefined;
  try {
    cert = certificate ? new X509Certificate(certificate) : undefined;
  } catch {
    cert = undefined;
  }
  if (!certificate || !cert) {
    problems.push(`${c} is not a base64-encoded PEM certificate; ${fallback}`);
    return undefined;
  }
  let matches = false;
  try {
    // The key itself is never echoed: it is a secret even when it is a bad one.
    matches = privateKey !== undefined && cert.checkPrivateKey(createPrivateKey(privateKey));
  } catch {
    matches = false;
  }
  if (!privateKey || !matches) {
    problems.push(`${k} is not the base64-encoded PEM private key of ${c}; ${fallback}`);
    return undefined;
  }
  return { certificate, privateKey, fingerprint256: cert.fingerprint256 };
}

export function bootstrapFromProperties(props: Record<string, string>): Bootstrap {
  const problems: string[] = [];
  const get = (key: string): string => {
    const def = VAPP_PROPERTIES.find((p) => p.key === key)?.defaultValue ?? "";
    return (props[key] ?? def).trim();
  };

  let hostname = get("l2stretch.hostname") || DEFAULT_HOSTNAME;
  if (!validHostname(hostname)) {
    problems.push(`l2stretch.hostname "${hostname}" is not a valid host name; using ${DEFAULT_HOSTNAME}`);
    hostname = DEFAULT_HOSTNAME;
  }
  hostname = hostname.toLowerCase();

  let mgmt: MgmtConfig = { mode: "dhcp" };
  const address = get("l2stretch.mgmt.address");
  const gateway = get("l2stretch.mgmt.gateway");
  if (address) {
    const cidr = parseCidr(address);
    if (!cidr)
      problems.push(`l2stretch.mgmt.address "${address}" is not an address/prefix (CIDR); using DHCP`);
    else {
      mgmt = { mode: "static", ...cidr };
      if (gateway) {
        if (net.isIP(gateway) !== cidr.family)
          problems.push(
            `l2stretch.mgmt.gateway "${gateway}" is not an IPv${cidr.family} address; no default route`,
          );
        else mgmt.gateway = gateway;
      }
    }
  }
  if (gateway && mgmt.mode === "dhcp" && !address)
    problems.push(
      "l2stretch.mgmt.gateway is ignored without l2stretch.mgmt.address (DHCP provides the route)",
    );

  const dns: string[] = [];
  for (const d of get("l2stretch.mgmt.dns")
    .split(/[\s,;]+/)
    .filter(Boolean)) {
    if (net.isIP(d)) dns.push(d);
    else problems.push(`l2stretch.mgmt.dns entry "${d}" is not an IP address; ignored`);
  }

  let token: string | undefined;
  const rawToken = get("l2stretch.agent.token");
  if (!rawToken)
    problems.push(`l2stretch.agent.token is empty: the agent starts once ${TOKEN_FILE} holds a token`);
  else if (rawToken.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(rawToken))
    // The value itself is never echoed: it is a secret even when it is a bad one.
    problems.push(
      `l2stretch.agent.token must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces; not written`,
    );
  else token = rawToken;

  let firstConfig: GatewayConfig | undefined;
  const rawConfig = get("l2stretch.agent.config");
  if (rawConfig) {
    const decoded = decodeConfig(rawConfig);
    if (decoded.error) problems.push(`l2stretch.agent.config ${decoded.error}; not applied`);
    else {
      const parsed = GatewayConfigSchema.safeParse(decoded.value);
      if (parsed.success) firstConfig = parsed.data;
      else
        problems.push(
          `l2stretch.agent.config is not a valid config: ${formatIssues(parsed.error)
            .map((i) => `${i.path}: ${i.message}`)
            .join("; ")}; not applied`,
        );
    }
  }

  const tls = tlsFromProperties(get(VAPP_KEYS.agentTlsCertificate), get(VAPP_KEYS.agentTlsKey), problems);

  const listen =
    mgmt.mode === "static"
      ? mgmt.family === 6
        ? `[${mgmt.ip}]:${AGENT_PORT}`
        : `${mgmt.ip}:${AGENT_PORT}`
      : `0.0.0.0:${AGENT_PORT}`;
  return { hostname, mgmt, dns, token, firstConfig, ...(tls ? { tls } : {}), listen, problems };
}

export interface BootstrapFile {
  path: string;
  content: string;
  mode: number;
}

export function renderNetworkFile(b: Bootstrap): string {
  const lines = [
    "# Written on boot by l2stretch-firstboot from the vApp properties; edits are overwritten.",
    "[Match]",
    `Name=${MGMT_INTERFACE}`,
    "",
    "[Network]",
  ];
  if (b.mgmt.mode === "dhcp") lines.push("DHCP=yes");
  else {
    lines.push(`Address=${b.mgmt.ip}/${b.mgmt.prefix}`);
    if (b.mgmt.gateway) lines.push(`Gateway=${b.mgmt.gateway}`);
    // Static means static: a router advertisement must not add addresses or routes the
    // operator did not ask for on the interface that carries the underlay.
    lines.push("IPv6AcceptRA=no");
  }
  for (const d of b.dns) lines.push(`DNS=${d}`);
  lines.push("", "[Link]", "RequiredForOnline=yes", "");
  return lines.join("\n");
}

export function renderIssue(b: Bootstrap): string {
  const where =
    b.mgmt.mode === "static" ? `${b.mgmt.ip}/${b.mgmt.prefix} (static)` : `\\4{${MGMT_INTERFACE}} (DHCP)`;
  const api =
    b.mgmt.mode === "static" ? `https://${b.listen}/` : `https://\\4{${MGMT_INTERFACE}}:${AGENT_PORT}/`;
  const lines = [`l2stretch gateway ${b.hostname}`, `  management: ${where}`, `  agent API:  ${api}`];
  if (b.tls) lines.push(`  agent TLS:  SHA-256 ${b.tls.fingerprint256} (from the vApp properties)`);
  if (b.problems.length > 0) {
    lines.push("  bootstrap problems (fix the vApp properties and reboot):");
    // agetty expands backslash escapes (we use \4{eth0} above); problems quote operator input,
    // so their backslashes are doubled to print as typed.
    for (const p of b.problems) lines.push(`  - ${p.replace(/\\/g, "\\\\")}`);
  }
  return lines.join("\n") + "\n\n";
}

function ensureNewline(s: string): string {
  return s.endsWith("\n") ? s : `${s}\n`;
}

/** Files written on every boot that has an OVF environment (so vApp edits + reboot take effect). */
export function renderBootstrapFiles(b: Bootstrap): BootstrapFile[] {
  const files: BootstrapFile[] = [
    { path: "/etc/hostname", content: `${b.hostname}\n`, mode: 0o644 },
    {
      path: "/etc/hosts",
      content: `127.0.0.1\tlocalhost\n127.0.1.1\t${b.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
      mode: 0o644,
    },
    { path: NETWORK_FILE, content: renderNetworkFile(b), mode: 0o644 },
    {
      path: AGENT_ENV_FILE,
      content: `# Written on boot by l2stretch-firstboot.\nL2STRETCH_LISTEN=${b.listen}\n`,
      mode: 0o644,
    },
    { path: ISSUE_FILE, content: renderIssue(b), mode: 0o644 },
  ];
  // Without systemd-resolved, networkd's DNS= lines reach no resolver: write resolv.conf too.
  if (b.dns.length > 0)
    files.push({
      path: "/etc/resolv.conf",
      content: b.dns.map((d) => `nameserver ${d}\n`).join(""),
      mode: 0o644,
    });
  if (b.token !== undefined) files.push({ path: TOKEN_FILE, content: `${b.token}\n`, mode: 0o600 });
  // Written on every boot, like the token: a certificate changed in the vApp options and a reboot
  // rotate it. The agent uses the files it finds instead of creating its own.
  if (b.tls) {
    const dir = `${STATE_DIR}/${TLS_DIR}`;
    files.push({ path: `${dir}/${TLS_KEY_FILE}`, content: ensureNewline(b.tls.privateKey), mode: 0o600 });
    files.push({ path: `${dir}/${TLS_CERT_FILE}`, content: ensureNewline(b.tls.certificate), mode: 0o644 });
  }
  return files;
}
