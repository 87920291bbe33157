import { z } from "zod";
import { parseCidr, toInt } from "../netmath";
import { cidr, edgeRefSchema, tunnelId, type EdgeRef } from "./common";

/**
 * EdgeTrunkInterface inputs: an NSX-v edge vNIC of type trunk on a distributed port group and
 * the sub-interfaces it carries. Limits are NSX's: vNIC index 0–9, 200 sub-interfaces per edge,
 * tunnel IDs 1–4093, VLANs 1–4094, MTU 68–9000 with each sub-interface ≤ its trunk.
 */
export const MAX_SUBINTERFACES = 200;

export const subInterfaceSchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/, "name must be 1-63 letters, digits, space, . _ or -"),
    tunnelId,
    vlanId: z
      .number()
      .int()
      .min(
        1,
        "vlanId must be 1-4094 (0 is untagged and 4095 reserved; use logicalSwitchId for an untagged network)",
      )
      .max(
        4094,
        "vlanId must be 1-4094 (0 is untagged and 4095 reserved; use logicalSwitchId for an untagged network)",
      )
      .optional(),
    logicalSwitchId: z
      .string()
      .regex(
        /^(virtualwire|dvportgroup)-\d+$/,
        'logicalSwitchId must be a logical switch ("virtualwire-12") or port group ("dvportgroup-34")',
      )
      .optional(),
    /** First address is the primary; the rest are secondaries of the same subnet. */
    addresses: z.array(cidr("each address")).max(16).optional(),
    mtu: z.number().int().min(68, "mtu must be 68-9000").max(9000, "mtu must be 68-9000").optional(),
    /**
     * ICMP redirects off by default: on a stretched subnet the "better" next hop the edge would
     * advertise can sit at the other site, and hosts following it hairpin through the tunnel.
     */
    enableSendRedirect: z.boolean().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const both = s.vlanId !== undefined && s.logicalSwitchId !== undefined;
    const none = s.vlanId === undefined && s.logicalSwitchId === undefined;
    if (both || none) {
      ctx.addIssue({
        code: "custom",
        path: [both ? "logicalSwitchId" : "vlanId"],
        message: "set exactly one of vlanId (VLAN backing) or logicalSwitchId (network backing)",
      });
    }
  });

export const edgeTrunkInterfaceSchema = z
  .object({
    edge: edgeRefSchema,
    vnicIndex: z.number().int().min(0, "vnicIndex must be 0-9").max(9, "vnicIndex must be 0-9").optional(),
    name: z.string().trim().min(1).max(63, "name must be at most 63 characters"),
    portgroupId: z
      .string()
      .regex(
        /^dvportgroup-\d+$/,
        'portgroupId must be a distributed port group ("dvportgroup-34"); NSX does not allow a logical switch as a trunk',
      ),
    mtu: z.number().int().min(68, "mtu must be 68-9000").max(9000, "mtu must be 68-9000").optional(),
    isConnected: z.boolean().optional(),
    subInterfaces: z
      .array(subInterfaceSchema)
      .max(MAX_SUBINTERFACES, `an NSX-v edge carries at most ${MAX_SUBINTERFACES} sub-interfaces`),
    adopt: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const trunkMtu = v.mtu ?? 1500;
    const seen = {
      name: new Map<string, number>(),
      tunnelId: new Map<number, number>(),
      vlanId: new Map<number, number>(),
    };
    const subnets: { i: number; start: number; end: number; text: string }[] = [];
    v.subInterfaces.forEach((s, i) => {
      for (const key of ["name", "tunnelId", "vlanId"] as const) {
        const value = s[key];
        if (value === undefined) continue;
        const map = seen[key] as Map<string | number, number>;
        const first = map.get(value);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["subInterfaces", i, key],
            // Entries are named by name: Pulumi may hand the list over in another order.
            message: `${key} ${value} is already used by sub-interface ${v.subInterfaces[first]!.name}; each sub-interface needs its own ${key}`,
          });
        } else map.set(value, i);
      }
      if (s.mtu !== undefined && s.mtu > trunkMtu) {
        ctx.addIssue({
          code: "custom",
          path: ["subInterfaces", i, "mtu"],
          message: `mtu ${s.mtu} exceeds the trunk's mtu ${trunkMtu}; lower it or raise the trunk mtu`,
        });
      }
      (s.addresses ?? []).forEach((a, j) => {
        const c = parseCidr(a);
        if (!c) return;
        const range = { i, start: toInt(c.networkAddress), end: toInt(c.broadcastAddress), text: a };
        const clash = subnets.find((o) => o.i !== i && o.start <= range.end && range.start <= o.end);
        if (clash) {
          ctx.addIssue({
            code: "custom",
            path: ["subInterfaces", i, "addresses", j],
            message: `${a} overlaps ${clash.text} of sub-interface ${v.subInterfaces[clash.i]!.name}; stretched subnets must be disjoint`,
          });
        }
        subnets.push(range);
      });
    });
  });

export type EdgeTrunkInterfaceInputs = z.infer<typeof edgeTrunkInterfaceSchema>;

export interface NormalizedSubInterface {
  name: string;
  tunnelId: number;
  vlanId?: number;
  logicalSwitchId?: string;
  addresses: string[];
  mtu: number;
  enableSendRedirect: boolean;
}

export interface NormalizedEdgeTrunkInterface {
  edge: EdgeRef;
  vnicIndex?: number;
  name: string;
  portgroupId: string;
  mtu: number;
  isConnected: boolean;
  subInterfaces: NormalizedSubInterface[];
  adopt: boolean;
}

export function normalizeEdgeTrunkInterface(v: EdgeTrunkInterfaceInputs): NormalizedEdgeTrunkInterface {
  const mtu = v.mtu ?? 1500;
  return {
    edge: v.edge,
    ...(v.vnicIndex !== undefined ? { vnicIndex: v.vnicIndex } : {}),
    name: v.name,
    portgroupId: v.portgroupId,
    mtu,
    isConnected: v.isConnected ?? true,
    subInterfaces: v.subInterfaces
      .map((s) => ({
        name: s.name,
        tunnelId: s.tunnelId,
        ...(s.vlanId !== undefined ? { vlanId: s.vlanId } : {}),
        ...(s.logicalSwitchId !== undefined ? { logicalSwitchId: s.logicalSwitchId } : {}),
        addresses: s.addresses ?? [],
        mtu: s.mtu ?? Math.min(1500, mtu),
        enableSendRedirect: s.enableSendRedirect ?? false,
      }))
      .sort((a, b) => a.tunnelId - b.tunnelId),
    adopt: v.adopt ?? false,
  };
}
