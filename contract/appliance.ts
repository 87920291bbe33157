/**
 * What the gateway appliance's OVF declares and its first boot reads: the vApp properties, the
 * networks (NIC order) and the virtual hardware. One home, read by the OVF renderer (what
 * vSphere asks for at deploy time), the first-boot parser (what it expects back in
 * ovf-env.xml) and the SDK's `GatewayAppliance` (what it sets when it deploys the OVA), so the
 * three cannot drift apart. Node-free: the SDK loads it at preview.
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

/** The vApp property keys, by what they carry. */
export const VAPP_KEYS = {
  hostname: "l2stretch.hostname",
  mgmtAddress: "l2stretch.mgmt.address",
  mgmtGateway: "l2stretch.mgmt.gateway",
  mgmtDns: "l2stretch.mgmt.dns",
  agentToken: "l2stretch.agent.token",
  agentConfig: "l2stretch.agent.config",
  agentTlsCertificate: "l2stretch.agent.tls.certificate",
  agentTlsKey: "l2stretch.agent.tls.key",
} as const;

export const VAPP_PROPERTIES: readonly VappProperty[] = [
  {
    key: VAPP_KEYS.hostname,
    type: "string",
    label: "Hostname",
    description: "Host name of the gateway (letters, digits and hyphens).",
    defaultValue: DEFAULT_HOSTNAME,
    password: false,
    category: "Appliance",
  },
  {
    key: VAPP_KEYS.mgmtAddress,
    type: "string",
    label: "Management address (CIDR)",
    description:
      "Address of NIC 1 (management/uplink, eth0) with prefix length, e.g. 192.0.2.10/24. Leave empty for DHCP.",
    defaultValue: "",
    password: false,
    category: "Management network",
  },
  {
    key: VAPP_KEYS.mgmtGateway,
    type: "string",
    label: "Default gateway",
    description: "Default gateway of the management network (static addressing only).",
    defaultValue: "",
    password: false,
    category: "Management network",
  },
  {
    key: VAPP_KEYS.mgmtDns,
    type: "string",
    label: "DNS servers",
    description: "Comma-separated DNS server addresses.",
    defaultValue: "",
    password: false,
    category: "Management network",
  },
  {
    key: VAPP_KEYS.agentToken,
    type: "string",
    label: "Agent API token",
    description: `Bearer token of the gateway agent's HTTPS API (port ${AGENT_PORT}); at least ${MIN_TOKEN_LENGTH} printable characters.`,
    defaultValue: "",
    password: true,
    qualifiers: `MinLen(${MIN_TOKEN_LENGTH})`,
    category: "Agent",
  },
  {
    key: VAPP_KEYS.agentConfig,
    type: "string",
    label: "First config (base64 JSON, optional)",
    description:
      "Optional l2stretch.gateway/v1 config document, base64-encoded JSON, applied once on first boot. Later changes go through the API.",
    defaultValue: "",
    // Masked too: the document carries the IPsec PSK or private key.
    password: true,
    category: "Agent",
  },
  {
    key: VAPP_KEYS.agentTlsCertificate,
    type: "string",
    label: "Agent TLS certificate (base64 PEM, optional)",
    description:
      "Certificate of the agent's HTTPS API, base64-encoded PEM, so its fingerprint is known before boot. Empty: the agent creates a self-signed one and prints its fingerprint.",
    defaultValue: "",
    password: false,
    category: "Agent",
  },
  {
    key: VAPP_KEYS.agentTlsKey,
    type: "string",
    label: "Agent TLS private key (base64 PEM, optional)",
    description:
      "Private key of the agent TLS certificate, base64-encoded PEM. Set together with the certificate.",
    defaultValue: "",
    password: true,
    category: "Agent",
  },
];

export interface OvfNetwork {
  name: string;
  description: string;
}

/** NIC order matters: NIC 1 is eth0 and NIC 2 is eth1 on the appliance (net.ifnames=0). */
export const OVF_NETWORKS: readonly OvfNetwork[] = [
  {
    name: "management",
    description: "Management and uplink (eth0): agent API and the encrypted underlay to the peer gateway",
  },
  {
    name: "site-trunk",
    description: "Site network to stretch (eth1): a plain port group, or a VLAN trunk for VLAN attachments",
  },
];

/** The OVF network names, for code that maps them (NIC 1 first). */
export const MANAGEMENT_OVF_NETWORK = "management";
export const SITE_OVF_NETWORK = "site-trunk";

/**
 * Virtual hardware the OVF declares. A deployer that applies its own defaults instead of the
 * OVF's (the vSphere provider defaults to a pvscsi controller, which Debian's initramfs of the
 * image does not load) must set these.
 */
export const APPLIANCE_HARDWARE = {
  cpus: 2,
  memoryMiB: 2048,
  /** LSI Logic: Debian's initramfs carries mptspi, and every ESXi version knows the device. */
  scsiType: "lsilogic",
  /** vSphere guest id of the OVF's OperatingSystemSection. */
  guestId: "debian10_64Guest",
  nicType: "vmxnet3",
} as const;
