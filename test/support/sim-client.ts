// A deliberately small fetch-based client for the simulator's own tests (test-only, hence here).
// It is NOT the product's vCD client (provider/vcd); it only speaks enough to drive the sim.
import { buildXml, child, children, parseXml, VCLOUD_NS, type XNode } from "../../sim/xml/xml";

export interface SimResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed root element when the body is XML. */
  xml: XNode | undefined;
  /** Parsed body when it is JSON. */
  json: unknown;
}

export interface RequestOptions {
  body?: string;
  contentType?: string;
  accept?: string | null;
  headers?: Record<string, string>;
}

export const NETWORK_MEDIA = "application/vnd.vmware.vcloud.orgVdcNetwork+xml";
const TERMINAL = new Set(["success", "error", "aborted", "canceled"]);

export class SimClient {
  token: string | undefined;

  constructor(
    readonly base: string,
    readonly version = "32.0",
  ) {}

  async request(method: string, path: string, o: RequestOptions = {}): Promise<SimResponse> {
    const headers: Record<string, string> = { ...o.headers };
    const isCloud = path.startsWith("/cloudapi") || path.startsWith(`${this.base}/cloudapi`);
    if (o.accept !== null)
      headers["Accept"] =
        o.accept ??
        (isCloud ? `application/json;version=${this.version}` : `application/*+xml;version=${this.version}`);
    if (this.token && !headers["Authorization"]) headers["Authorization"] = `Bearer ${this.token}`;
    if (o.contentType) headers["Content-Type"] = o.contentType;
    const url = path.startsWith("http") ? path : `${this.base}${path}`;
    const res = await fetch(url, { method, headers, body: o.body });
    const text = await res.text();
    let xml: XNode | undefined;
    let json: unknown;
    if (text.trimStart().startsWith("<")) xml = parseXml(text);
    else if (text.trimStart().startsWith("{") || text.trimStart().startsWith("[")) json = JSON.parse(text);
    return { status: res.status, headers: res.headers, text, xml, json };
  }

  /** Legacy login; keeps the bearer token (or the x-vcloud-authorization token before API 30). */
  async login(user: string, org: string, password: string): Promise<SimResponse> {
    const auth = `Basic ${Buffer.from(`${user}@${org}:${password}`).toString("base64")}`;
    const r = await this.request("POST", "/api/sessions", { headers: { Authorization: auth } });
    this.token =
      r.headers.get("x-vmware-vcloud-access-token") ?? r.headers.get("x-vcloud-authorization") ?? undefined;
    return r;
  }

  /** Polls a task href until it reaches a terminal status; returns the final Task element. */
  async waitTask(taskHref: string, timeoutMs = 10_000): Promise<XNode> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.request("GET", taskHref);
      if (r.status !== 200 || !r.xml) throw new Error(`task poll failed: ${r.status} ${r.text}`);
      if (TERMINAL.has(r.xml.attrs["status"] ?? "")) return r.xml;
      if (Date.now() > deadline) throw new Error(`task ${taskHref} did not finish in ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 25));
    }
  }

  /** Task href embedded in a created entity's <Tasks>. */
  static embeddedTaskHref(entity: XNode): string {
    const task = child(child(entity, "Tasks"), "Task");
    if (!task) throw new Error("no embedded task");
    return task.attrs["href"]!;
  }
}

export interface NetworkXmlInput {
  name: string;
  edgeHref?: string;
  gateway?: string;
  netmask?: string;
  subInterface?: boolean;
  ranges?: [string, string][];
  description?: string;
}

/** Builds a well-ordered OrgVdcNetwork body via the sim's own XML builder (escaped values). */
export function networkBody(i: NetworkXmlInput): string {
  return buildXml("OrgVdcNetwork", {
    "@_xmlns": VCLOUD_NS,
    "@_name": i.name,
    Description: i.description ?? "test network",
    Configuration: {
      IpScopes: {
        IpScope: {
          IsInherited: false,
          Gateway: i.gateway ?? "10.10.0.1",
          Netmask: i.netmask ?? "255.255.255.0",
          Dns1: "192.0.2.53",
          DnsSuffix: "example.test",
          IpRanges: {
            IpRange: (i.ranges ?? [["10.10.0.10", "10.10.0.20"]]).map(([s, e]) => ({
              StartAddress: s,
              EndAddress: e,
            })),
          },
        },
      },
      FenceMode: "natRouted",
      RetainNetInfoAcrossDeployments: false,
      SubInterface: i.subInterface ?? true,
      GuestVlanAllowed: false,
    },
    EdgeGateway: i.edgeHref ? { "@_href": i.edgeHref } : undefined,
    IsShared: false,
  });
}

export const NSX_ADMIN = { user: "admin", password: "Nsx-Admin-Secret-1" };

/**
 * NSX Manager direct (basic auth, no Accept version). `clientId` is sent as X-L2S-Client, which
 * the simulator uses to tell apart writers sharing one NSX user (lost-update detection).
 */
export class NsxSimClient {
  constructor(
    readonly base: string,
    readonly user = NSX_ADMIN.user,
    readonly password = NSX_ADMIN.password,
    readonly clientId?: string,
  ) {}

  async request(method: string, path: string, body?: string): Promise<SimResponse> {
    const headers: Record<string, string> = {
      Authorization: `Basic ${Buffer.from(`${this.user}:${this.password}`).toString("base64")}`,
    };
    if (body !== undefined) headers["Content-Type"] = "application/xml";
    if (this.clientId) headers["X-L2S-Client"] = this.clientId;
    const res = await fetch(path.startsWith("http") ? path : `${this.base}${path}`, {
      method,
      headers,
      body,
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      xml: text.trimStart().startsWith("<") ? parseXml(text) : undefined,
      json: undefined,
    };
  }
}

/** The seeded cloud edge (edge-cloud-1) as the edgeGateway query lists it. */
export async function cloudEdge(c: SimClient): Promise<{ href: string; uuid: string; vdcUuid: string }> {
  const q = await c.request("GET", "/api/query?type=edgeGateway&format=records&filter=name==edge-cloud-1");
  const rec = children(q.xml, "EdgeGatewayRecord")[0]!;
  return {
    href: rec.attrs["href"]!,
    uuid: rec.attrs["href"]!.split("/").pop()!,
    vdcUuid: rec.attrs["vdc"]!.split("/").pop()!,
  };
}

/** Polls an edge job until SUCCESS / COMPLETED / FAILED; returns the final <edgeJob>. */
export async function waitJob(
  get: (href: string) => Promise<SimResponse>,
  href: string,
  timeoutMs = 5000,
): Promise<XNode> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await get(href);
    if (r.status !== 200 || !r.xml) throw new Error(`job poll failed: ${r.status} ${r.text}`);
    const status = child(r.xml, "status")?.text;
    if (status === "SUCCESS" || status === "COMPLETED" || status === "FAILED") return r.xml;
    if (Date.now() > deadline) throw new Error(`job ${href} did not finish in ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
