import type { VcdExecutor } from "./executor";
import { document, queryRecordsDoc } from "./responses";
import { asArray, type XmlNode } from "./xml";

/**
 * Legacy typed queries (`/api/query?type=…&format=records`), following `nextPage` links
 * so a tenant with hundreds of networks is not silently cut at the first page.
 */
const RECORD_ELEMENT: Record<string, string> = {
  edgeGateway: "EdgeGatewayRecord",
  orgVdcNetwork: "OrgVdcNetworkRecord",
  orgVdc: "OrgVdcRecord",
  adminOrgVdc: "AdminVdcRecord",
};

export type QueryRecord = Record<string, string>;

/**
 * FIQL filter text. Only `;` and `,` are operators inside a value, so only they are escaped;
 * vCD 10.2+ (API 35) rejects values that are percent-encoded twice.
 */
export function fiql(filters: Record<string, string>): string {
  return Object.entries(filters)
    .map(([k, v]) => `${k}==${v.replace(/;/g, "%3B").replace(/,/g, "%2C")}`)
    .join(";");
}

export async function queryRecords(
  exec: VcdExecutor,
  type: keyof typeof RECORD_ELEMENT,
  filters: Record<string, string> = {},
  pageSize = 128,
): Promise<QueryRecord[]> {
  const element = RECORD_ELEMENT[type]!;
  const out: QueryRecord[] = [];
  const filter = Object.keys(filters).length ? `&filter=${encodeURIComponent(fiql(filters))}` : "";
  let next: string | undefined =
    `/api/query?type=${type}&format=records&page=1&pageSize=${pageSize}${filter}`;
  while (next) {
    const res = await exec.request({ method: "GET", path: next });
    const root = document(res, "QueryResultRecords", queryRecordsDoc);
    for (const rec of asArray(root[element] as XmlNode[])) {
      out.push(
        Object.fromEntries(
          Object.entries(rec)
            .filter(([k]) => k.startsWith("@_"))
            .map(([k, v]) => [k.slice(2), String(v)]),
        ),
      );
    }
    const link = asArray(root["Link"] as XmlNode[]).find((l) => l["@_rel"] === "nextPage");
    next = link ? String(link["@_href"]) : undefined;
  }
  return out;
}
