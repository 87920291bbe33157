// GET /api/query?type=T&format=records: typed queries with FIQL filter and paging.
import { orgOfVdc, visibleEdges, visibleNetworks, visibleVdcs } from "../core/access";
import { badRequest } from "../core/errors";
import { FiqlError, evaluateFiql, globMatch, parseFiql } from "../core/fiql";
import { uuidOf } from "../core/ids";
import { prefixToMask } from "../core/netmath";
import type { SimCore } from "../core/sim-core";
import type { Session } from "../core/sessions";
import { href, MEDIA } from "../render/hrefs";
import { requireSession, xmlReply } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";

type QueryRecord = Record<string, string>;

interface QueryType {
  element: string;
  records(core: SimCore, s: Session): QueryRecord[];
}

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 128;

const QUERY_TYPES: Record<string, QueryType> = {
  edgeGateway: {
    element: "EdgeGatewayRecord",
    records: (core, s) =>
      visibleEdges(core, s).map((e) => {
        const vdc = core.world.vdcs.find((v) => v.id === e.vdcId)!;
        const nets = core.world.networks.filter((n) => n.edgeId === e.id);
        return {
          href: href.edge(core.baseUrl, e.id),
          name: e.name,
          vdc: href.vdc(core.baseUrl, vdc.id),
          orgVdcName: vdc.name,
          orgName: orgOfVdc(core.world, vdc.id).name,
          numberOfExtNetworks: "1",
          numberOfOrgNetworks: String(nets.length),
          isBusy: String(core.tasks.runningOn(e.id) !== undefined),
          gatewayStatus: "READY",
          haStatus: "DISABLED",
          advancedNetworkingEnabled: "true",
          distributedRoutingEnabled: "false",
          edgeGatewayType: "NSXV_BACKED",
        };
      }),
  },
  orgVdcNetwork: {
    element: "OrgVdcNetworkRecord",
    records: (core, s) =>
      visibleNetworks(core, s).map((n) => {
        const vdc = core.world.vdcs.find((v) => v.id === n.vdcId)!;
        const edge = core.world.edges.find((e) => e.id === n.edgeId);
        return {
          href: href.adminNetwork(core.baseUrl, n.id),
          name: n.name,
          vdc: href.vdc(core.baseUrl, vdc.id),
          vdcName: vdc.name,
          orgVdcName: vdc.name,
          connectedTo: edge?.name ?? "",
          linkType: "1",
          defaultGateway: n.gateway,
          netmask: prefixToMask(n.prefixLength),
          dns1: n.dns1,
          dns2: n.dns2,
          dnsSuffix: n.dnsSuffix,
          isShared: String(n.isShared),
          isBusy: String(core.world.tasks.some((t) => t.ownerId === n.id && t.status === "running")),
          isIpScopeInherited: "false",
          status: n.status === 1 ? "RESOLVED" : "UNRESOLVED",
        };
      }),
  },
  orgVdc: {
    element: "OrgVdcRecord",
    records: (core, s) =>
      visibleVdcs(core, s).map((v) => {
        const org = orgOfVdc(core.world, v.id);
        return {
          href: href.vdc(core.baseUrl, v.id),
          name: v.name,
          orgName: org.name,
          org: href.org(core.baseUrl, org.id),
          isEnabled: "true",
          status: "READY",
        };
      }),
  },
  adminOrgVdc: {
    element: "AdminVdcRecord",
    records: (core, s) =>
      visibleVdcs(core, s).map((v) => {
        const org = orgOfVdc(core.world, v.id);
        return {
          href: href.adminVdc(core.baseUrl, v.id),
          name: v.name,
          orgName: org.name,
          org: href.org(core.baseUrl, org.id),
          isEnabled: "true",
          status: "READY",
        };
      }),
  },
};

/** Hrefs compare by the id they carry, so a client may use either host spelling or the admin form. */
function recordEquals(_selector: string, actual: string, expected: string): boolean {
  if (/^https?:\/\//.test(actual) && !expected.includes("*")) {
    const a = uuidOf(actual);
    return a !== undefined && a === uuidOf(expected);
  }
  return globMatch(expected, actual);
}

function positiveInt(name: string, raw: string | null, dflt: number): number {
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid value '${raw}' for query parameter ${name}.`);
  return n;
}

function query(ctx: Ctx): Reply {
  return queryReply(ctx, ctx.url.searchParams.get("type") ?? "");
}

/**
 * The records of one query type, filtered, sorted and paged as the request asks. `scope`
 * narrows them first: the VDC's own query links (rel="edgeGateways", rel="orgVdcNetworks")
 * answer the same QueryResultRecords limited to that VDC, and page with links to themselves.
 */
export function queryReply(ctx: Ctx, typeName: string, scope?: (r: QueryRecord) => boolean): Reply {
  const s = requireSession(ctx);
  const p = ctx.url.searchParams;
  const qt = QUERY_TYPES[typeName];
  if (!qt) throw badRequest(`Unsupported query type '${typeName}'.`);
  const format = p.get("format") ?? "records";
  if (format !== "records" && format !== "idrecords")
    throw badRequest(`Unsupported query format '${format}'; use records.`);
  const page = positiveInt("page", p.get("page"), 1);
  const pageSize = Math.min(MAX_PAGE_SIZE, positiveInt("pageSize", p.get("pageSize"), DEFAULT_PAGE_SIZE));

  let records = qt
    .records(ctx.core, s)
    .filter((r) => !scope || scope(r))
    .sort((a, b) => (a["name"]! < b["name"]! ? -1 : a["name"]! > b["name"]! ? 1 : 0));
  const filter = p.get("filter");
  if (filter) {
    const decode = p.get("filterEncoded") === "true" ? decodeURIComponent : (v: string) => v;
    try {
      const ast = parseFiql(filter, decode);
      records = records.filter((r) => evaluateFiql(ast, (sel) => r[sel], recordEquals));
    } catch (e) {
      if (e instanceof FiqlError || e instanceof URIError) throw badRequest(`Bad filter: ${e.message}`);
      throw e;
    }
  }
  const total = records.length;
  const pageRecords = records.slice((page - 1) * pageSize, page * pageSize);
  const pageHref = (n: number): string => {
    const q = new URLSearchParams(p);
    q.set("page", String(n));
    q.set("pageSize", String(pageSize));
    return `${ctx.core.baseUrl}${ctx.url.pathname}?${q.toString()}`;
  };
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const links = [];
  if (page < lastPage)
    links.push({ "@_rel": "nextPage", "@_href": pageHref(page + 1), "@_type": MEDIA.query });
  if (page > 1) links.push({ "@_rel": "previousPage", "@_href": pageHref(page - 1), "@_type": MEDIA.query });
  links.push({ "@_rel": "firstPage", "@_href": pageHref(1), "@_type": MEDIA.query });
  links.push({ "@_rel": "lastPage", "@_href": pageHref(lastPage), "@_type": MEDIA.query });

  return xmlReply(
    ctx,
    200,
    "QueryResultRecords",
    {
      "@_href": `${ctx.core.baseUrl}${ctx.url.pathname}?${p.toString()}`,
      "@_name": typeName,
      "@_page": page,
      "@_pageSize": pageSize,
      "@_total": total,
      "@_type": MEDIA.query,
      Link: links,
      [qt.element]: pageRecords.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [`@_${k}`, v])),
      ),
    },
    "query.records",
  );
}

export const queryRoutes: Route[] = [
  { method: "GET", pattern: "/api/query", versioned: true, auth: true, handler: query },
];
