import { splitSecrets } from "../../contract/schemas/gatewayConfig";

// Gateway config documents for tests: site A's side of a two-site stretch (underlay
// 203.0.113.1 → 198.51.100.2, VTEPs 192.0.2.1 → 192.0.2.2). Each test names what it varies.

/** 32 characters: the shortest pre-shared key the agent accepts. */
export const SAMPLE_PSK = "0123456789abcdef0123456789abcdef";

export type DocAttachment =
  { type: "interface"; interface: string } | { type: "vlan"; trunk: string; vlanId: number };

export interface DocNetwork {
  name: string;
  vni: number;
  attachment: DocAttachment;
  gatewayIp?: string;
  innerMtu?: number;
}

/** A document as a user writes it (before the agent's schema fills in defaults). */
export interface GatewayDoc {
  apiVersion: "l2stretch.gateway/v1";
  identity: { name: string; site: string };
  underlay: {
    localAddress: string;
    peerAddress: string;
    mtu?: number;
    vtepLocal: string;
    vtepPeer: string;
  };
  transport: {
    type: "ipsec";
    localId: string;
    peerId: string;
    auth: { method: "psk"; psk: string };
  };
  networks: DocNetwork[];
}

export interface DocOptions {
  /** Default "a". */
  site?: string;
  /** Written into the underlay only when given. */
  mtu?: number;
  /** Default "a". */
  localId?: string;
  /** Default "b". */
  peerId?: string;
  /** Default SAMPLE_PSK. */
  psk?: string;
  /** Default: blue (VNI 100) on eth1. */
  networks?: DocNetwork[];
}

export const onInterface = (
  name: string,
  vni: number,
  nic: string,
  extra: Partial<DocNetwork> = {},
): DocNetwork => ({ name, vni, attachment: { type: "interface", interface: nic }, ...extra });

export const onVlan = (name: string, vni: number, trunk: string, vlanId: number): DocNetwork => ({
  name,
  vni,
  attachment: { type: "vlan", trunk, vlanId },
});

/** Blue on a NIC with a gateway IP, green on VLAN 20 of a trunk: both attachment kinds. */
export const sampleNetworks = (): DocNetwork[] => [
  onInterface("blue", 100, "eth1", { gatewayIp: "192.168.10.1" }),
  onVlan("green", 200, "eth2", 20),
];

/** A fresh document on every call, so tests may mutate it. */
export function gatewayDoc(o: DocOptions = {}): GatewayDoc {
  return {
    apiVersion: "l2stretch.gateway/v1",
    identity: { name: "gwA", site: o.site ?? "a" },
    underlay: {
      localAddress: "203.0.113.1",
      peerAddress: "198.51.100.2",
      ...(o.mtu === undefined ? {} : { mtu: o.mtu }),
      vtepLocal: "192.0.2.1",
      vtepPeer: "192.0.2.2",
    },
    transport: {
      type: "ipsec",
      localId: o.localId ?? "a",
      peerId: o.peerId ?? "b",
      auth: { method: "psk", psk: o.psk ?? SAMPLE_PSK },
    },
    networks: o.networks ?? [onInterface("blue", 100, "eth1")],
  };
}

/** GatewayConfig resource inputs as the SDK sends them: the PSK split out into credentials. */
export function resourceInputs(
  doc: GatewayDoc,
  mutate: (d: GatewayDoc) => void,
  o: { endpoint: string; fingerprint: string },
  extra: Record<string, unknown>,
): Record<string, unknown> {
  mutate(doc);
  const { config, credentials } = splitSecrets(doc);
  return {
    endpoint: o.endpoint,
    token: "t".repeat(20),
    fingerprint: o.fingerprint,
    config,
    credentials,
    ...extra,
  };
}
