/**
 * The vApp properties of the appliance: one list, read by the OVF renderer (what vSphere asks
 * for at deploy time) and by the first-boot parser (what it expects back in ovf-env.xml), so
 * the two cannot drift apart.
 */

export interface VappProperty {
  key: string;
  /** OVF property type; every value is carried as text, so "string" is enough for all of them. */
  type: "string";
  label: string;
  description: string;
  /** Default value shown in the deploy wizard (and used when the environment omits the key). */
  defaultValue: string;
  /** Masked in the deploy wizard and in vSphere's UI. */
  password: boolean;
  /** VMware qualifiers, e.g. `MinLen(16)`; vSphere refuses a deploy that violates them. */
  qualifiers?: string;
  category: string;
}

export const DEFAULT_HOSTNAME = "l2stretch-gateway";
/** Port of the agent's HTTPS API on the appliance. */
export const AGENT_PORT = 8443;
/** The agent refuses shorter tokens (gateway/agent/main.ts); the deploy wizard enforces the same. */
export const MIN_TOKEN_LENGTH = 16;

export const VAPP_PROPERTIES: readonly VappProperty[] = [
  {
    key: "l2stretch.hostname",
    type: "string",
    label: "Hostname",
    description: "Host name of the gateway (letters, digits and hyphens).",
    defaultValue: DEFAULT_HOSTNAME,
    password: false,
    category: "Appliance",
  },
  {
    key: "l2stretch.mgmt.address",
    type: "string",
    label: "Management address (CIDR)",
    description:
      "Address of NIC 1 (management/uplink, eth0) with prefix length, e.g. 192.0.2.10/24. Leave empty for DHCP.",
    defaultValue: "",
    password: false,
    category: "Management network",
  },
  {
    key: "l2stretch.mgmt.gateway",
    type: "string",
    label: "Default gateway",
    description: "Default gateway of the management network (static addressing only).",
    defaultValue: "",
    password: false,
    category: "Management network",
  },
  {
    key: "l2stretch.mgmt.dns",
    type: "string",
    label: "DNS servers",
    description: "Comma-separated DNS server addresses.",
    defaultValue: "",
    password: false,
    category: "Management network",
  },
  {
    key: "l2stretch.agent.token",
    type: "string",
    label: "Agent API token",
    description: `Bearer token of the gateway agent's HTTPS API (port ${AGENT_PORT}); at least ${MIN_TOKEN_LENGTH} printable characters.`,
    defaultValue: "",
    password: true,
    qualifiers: `MinLen(${MIN_TOKEN_LENGTH})`,
    category: "Agent",
  },
  {
    key: "l2stretch.agent.config",
    type: "string",
    label: "First config (base64 JSON, optional)",
    description:
      "Optional l2stretch.gateway/v1 config document, base64-encoded JSON, applied once on first boot. Later changes go through the API.",
    defaultValue: "",
    // Masked too: the document carries the IPsec PSK or private key.
    password: true,
    category: "Agent",
  },
];
