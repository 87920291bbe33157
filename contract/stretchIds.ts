/**
 * Stable identifiers for stretched networks. An ID a user did not pin is derived from the
 * network's name alone, so adding, removing or reordering other networks never renumbers a
 * network (a renumbered tunnel ID or VNI would cut its traffic and replace sub-interfaces).
 * Two names that land on the same ID are reported, never silently shifted: shifting one of
 * them would make its ID depend on its neighbours.
 */

/** NSX-v sub-interface tunnel IDs (VMC NSX-v model; PowerNSX allows 4094, we stay inside both). */
export const TUNNEL_ID_RANGE = { min: 1, max: 4093 } as const;
/** VXLAN network identifiers (24 bits; 0 is reserved by convention). */
export const VNI_RANGE = { min: 1, max: 16_777_215 } as const;

/** FNV-1a (32 bit): small, well known, and the same in every JavaScript runtime. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The ID a network gets from its name inside `range` (the name is salted by the ID's kind). */
export function derivedId(
  kind: "tunnelId" | "vni",
  name: string,
  range: { min: number; max: number },
): number {
  const span = range.max - range.min + 1;
  return range.min + (fnv1a(`${kind}:${name}`) % span);
}
