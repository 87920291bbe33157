import { z, type ZodType, type ZodTypeDef } from "zod";
import { ApiError } from "../common/errors";
import type { VcdResponse } from "./executor";
import type { XmlNode } from "./xml";

/**
 * zod schemas of the vCD documents the client reads. They check what the mapping code relies
 * on (ids, indexes, statuses) and let everything else through, so a proxy or vCD release that
 * answers something unexpected fails with the element that was wrong, not with NaN or
 * undefined three calls later.
 */
const int = z.string().regex(/^-?\d+$/, "must be a whole number");

export const supportedVersionsDoc = z
  .object({
    VersionInfo: z.array(z.object({ Version: z.string().regex(/^\d+\.\d+$/) }).passthrough()).min(1),
  })
  .passthrough();

export const taskDoc = z
  .object({
    "@_href": z.string().min(1),
    "@_status": z.enum([
      "queued",
      "preRunning",
      "running",
      "postRunning",
      "success",
      "error",
      "aborted",
      "canceled",
    ]),
  })
  .passthrough();

export const orgVdcNetworkDoc = z
  .object({
    "@_href": z.string().min(1),
    "@_name": z.string().min(1),
    "@_status": int.optional(),
    Configuration: z
      .object({
        IpScopes: z
          .object({
            IpScope: z.array(z.object({ Gateway: z.string(), Netmask: z.string() }).passthrough()).min(1),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

export const queryRecordsDoc = z.object({ "@_total": int.optional() }).passthrough();

export const edgeInterfacesDoc = z
  .object({
    edgeInterface: z
      .array(
        z.object({ name: z.string(), type: z.string(), index: int, tunnelId: int.optional() }).passthrough(),
      )
      .optional(),
  })
  .passthrough();

export const vnicsDoc = z
  .object({ vnic: z.array(z.object({ index: int, type: z.string() }).passthrough()).optional() })
  .passthrough();

/** The validated root element `root` of a response (an empty element reads as {}). */
export function document<T extends XmlNode>(
  res: Pick<VcdResponse, "xml">,
  root: string,
  schema: ZodType<T, ZodTypeDef, unknown>,
): T {
  const raw = res.xml?.[root];
  const node = raw === "" ? {} : raw;
  if (node === undefined)
    throw new ApiError("INVALID_RESPONSE", `vCD answered without the expected <${root}> document`);
  const parsed = schema.safeParse(node);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path
      .map(String)
      .map((p) => p.replace(/^@_/, "@"))
      .join("/");
    throw new ApiError(
      "INVALID_RESPONSE",
      `vCD's <${root}> document is not as documented at ${where || "its root"}: ${issue.message}`,
    );
  }
  return parsed.data;
}
