/**
 * The MTU / MSS budget of the reference gateway's encapsulation stack. One home for this
 * rule: the SDK shows it at preview, the provider checks plans with it and the agent sizes
 * its devices and MSS clamp from it.
 */

/** What the budget needs to know about the transport; a full TransportConfig also fits. */
export type BudgetTransport =
  | { type: "ipsec"; backend?: "kernel" | "kernel-libipsec"; espProposals?: readonly string[] }
  | { type: "none" };

export interface BudgetBreakdownItem {
  layer: string;
  bytes: number;
}

export interface Budget {
  /** MTU of the stretched L2 segment (VXLAN device, and the VMs' NICs ideally). */
  innerMtu: number;
  /** TCP MSS clamp for IPv4 inside the stretch. */
  mss: number;
  /** TCP MSS clamp for IPv6 inside the stretch. */
  mssV6: number;
  /** Underlay MTU minus inner MTU: every byte the stack costs (including any unused slack). */
  overheadBytes: number;
  /** MTU of the encrypted tunnel (the IP packet size VXLAN may emit), 0 for `none`. */
  tunnelMtu: number;
  breakdown: BudgetBreakdownItem[];
}

/** Outer IPv4 + UDP + VXLAN + the inner Ethernet header (the bridge carries frames). */
export const VXLAN_OVERHEAD = 20 + 8 + 8 + 14;
/**
 * kernel-libipsec's TUN device is fixed at 1400 bytes (TUN_DEFAULT_MTU) and reads with a
 * buffer of that size; raising the device MTU makes larger packets fail (measured).
 */
export const LIBIPSEC_TUN_MTU = 1400;

/**
 * Computes the inner MTU and MSS from the underlay MTU and the encapsulation stack.
 *
 * ESP in tunnel mode with UDP encapsulation (libipsec always encapsulates; NAT-T is assumed
 * for the kernel backend too, which is the worst case) and an AEAD with an 8-byte IV and a
 * 16-byte ICV: outer IP 20 + UDP 8 + ESP header 8 + IV 8 + ICV 16, plus a 2-byte trailer and
 * padding so the encrypted part is a multiple of 4 bytes.
 */
export function computeBudget(input: { underlayMtu: number; transport: BudgetTransport }): Budget {
  const { underlayMtu, transport } = input;
  if (!Number.isInteger(underlayMtu) || underlayMtu < 576) {
    throw new RangeError(`underlayMtu must be an integer >= 576, got ${underlayMtu}`);
  }
  const breakdown: BudgetBreakdownItem[] = [];
  let tunnelMtu: number;
  if (transport.type === "none") {
    tunnelMtu = underlayMtu;
  } else {
    const fixed = 20 + 8 + 8 + 8 + 16; // outer IP, UDP-encap, ESP hdr, IV, ICV
    // Largest inner packet L with L + 2 (pad length, next header) + pad ≡ 0 (mod 4) fitting the rest.
    const room = underlayMtu - fixed;
    const encrypted = room - (room % 4);
    const espMtu = encrypted - 2;
    breakdown.push({ layer: "outer IPv4", bytes: 20 });
    breakdown.push({ layer: "UDP encapsulation (NAT-T, port 4500)", bytes: 8 });
    breakdown.push({ layer: "ESP header (SPI + sequence)", bytes: 8 });
    breakdown.push({ layer: "ESP IV (AEAD)", bytes: 8 });
    breakdown.push({ layer: "ESP trailer + padding", bytes: 2 + (room % 4) });
    breakdown.push({ layer: "ESP ICV (AEAD tag)", bytes: 16 });
    if ((transport.backend ?? "kernel-libipsec") === "kernel-libipsec" && espMtu > LIBIPSEC_TUN_MTU) {
      breakdown.push({ layer: "kernel-libipsec TUN cap (unused)", bytes: espMtu - LIBIPSEC_TUN_MTU });
      tunnelMtu = LIBIPSEC_TUN_MTU;
    } else {
      tunnelMtu = espMtu;
    }
  }
  breakdown.push({ layer: "VXLAN outer IPv4", bytes: 20 });
  breakdown.push({ layer: "VXLAN UDP", bytes: 8 });
  breakdown.push({ layer: "VXLAN header", bytes: 8 });
  breakdown.push({ layer: "inner Ethernet", bytes: 14 });
  const innerMtu = tunnelMtu - VXLAN_OVERHEAD;
  return {
    innerMtu,
    mss: innerMtu - 40,
    mssV6: innerMtu - 60,
    overheadBytes: underlayMtu - innerMtu,
    tunnelMtu: transport.type === "none" ? 0 : tunnelMtu,
    breakdown,
  };
}
