import { ApiError } from "../common/errors";
import type { VcdExecutor } from "./executor";
import { isVcdId, uuidOf } from "./ids";
import { queryRecords } from "./query";
import type { EdgeGatewayRef, EntityRef } from "./types";

/** A query record whose href carries the id given (any vCD id form), or else whose name is it. */
function byNameOrId<R extends Record<string, string | undefined>>(all: R[], nameOrId: string): R | undefined {
  return isVcdId(nameOrId)
    ? all.find((r) => uuidOf(r["href"]!) === uuidOf(nameOrId))
    : all.find((r) => r["name"] === nameOrId);
}

/** Finds VDCs and edge gateways by name or id, with errors that list what does exist. */
export async function findVdc(exec: VcdExecutor, nameOrId: string): Promise<EntityRef> {
  const all = await queryRecords(exec, "orgVdc");
  const match = byNameOrId(all, nameOrId);
  if (!match) {
    throw new ApiError(
      "NOT_FOUND",
      `VDC "${nameOrId}" not found in org ${exec.conn.org}; visible VDCs: ${all.map((r) => r["name"]).join(", ") || "none"}`,
    );
  }
  return { uuid: uuidOf(match["href"]!), name: match["name"]!, href: match["href"]! };
}

export async function findEdgeGateway(
  exec: VcdExecutor,
  vdc: EntityRef,
  nameOrId: string,
): Promise<EdgeGatewayRef> {
  const all = await queryRecords(exec, "edgeGateway", { vdc: vdc.href });
  const match = byNameOrId(all, nameOrId);
  if (!match) {
    throw new ApiError(
      "NOT_FOUND",
      `edge gateway "${nameOrId}" not found in VDC ${vdc.name}; edge gateways there: ${all.map((r) => r["name"]).join(", ") || "none"}`,
    );
  }
  return {
    uuid: uuidOf(match["href"]!),
    name: match["name"]!,
    href: match["href"]!,
    busy: match["isBusy"] === "true",
    nsxBacked: (match["edgeGatewayType"] ?? "NSXV_BACKED") === "NSXV_BACKED",
  };
}
