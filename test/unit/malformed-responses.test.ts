import { ApiError } from "../../provider/common/errors";
import { NsxEdgeClient } from "../../provider/nsxv/client";
import { NsxDirectTransport } from "../../provider/nsxv/directTransport";
import { NsxExecutor } from "../../provider/nsxv/executor";
import { upsertSubInterface } from "../../provider/nsxv/mutations";
import { VcdProxyTransport } from "../../provider/nsxv/proxyTransport";
import { VcdExecutor } from "../../provider/vcd/executor";
import { startFakeHttp, type FakeAnswer, type FakeHttp, type RecordedRequest } from "../support/fake-http";

/**
 * Both executors validate every response body before parsing it: fast-xml-parser's parser is
 * lenient and would read a `<vnics>` cut off after a complete `</vnic>` as a shorter list,
 * which a read-modify-write would PUT back (deleting sub-interfaces). A 2xx body that is not a
 * complete document is a retryable MALFORMED_RESPONSE: reads try again, writes re-read, and
 * nothing is written from it.
 */
const fast = { initialDelayMs: 1, maxDelayMs: 5, deadlineMs: 300 };
const UUID = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

const sub = (i: number) =>
  `<subInterface><isConnected>true</isConnected><name>net-${i}</name><index>${9 + i}</index><tunnelId>${i}</tunnelId><vlanId>${100 + i}</vlanId><mtu>1500</mtu></subInterface>`;
const TRUNK = `<vnic><name>trunk</name><mtu>1600</mtu><type>trunk</type><isConnected>true</isConnected><index>3</index><portgroupId>dvportgroup-1</portgroupId><subInterfaces>${sub(1)}${sub(2)}${sub(3)}</subInterfaces></vnic>`;
/** Cut right after the first complete sub-interface: a lenient parse sees a trunk with one. */
const TRUNK_CUT = TRUNK.slice(0, TRUNK.indexOf("</subInterface>") + "</subInterface>".length);
const VNICS = `<vnics>${TRUNK}<vnic><name>vnic4</name><type>internal</type><index>4</index></vnic></vnics>`;
const VNICS_CUT = VNICS.slice(0, VNICS.indexOf("</vnic>") + "</vnic>".length) + "<vnic><index>";

let fake: FakeHttp | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Answers GETs of `path` with `bodies` in turn (the last one repeats); records everything. */
async function serve(path: string, bodies: string[], extra?: (r: RecordedRequest) => FakeAnswer | undefined) {
  let n = 0;
  fake = await startFakeHttp((r) => {
    const special = extra?.(r);
    if (special) return special;
    if (r.method === "GET" && r.url.split("?")[0] === path)
      return { status: 200, body: bodies[Math.min(n++, bodies.length - 1)]! };
    if (r.method === "PUT") return { status: 204 };
    return { status: 404, body: "<error><details>no</details><errorCode>404</errorCode></error>" };
  });
  return fake;
}

const nsx = (url: string) => new NsxExecutor({ url, user: "admin", password: "pw", retry: fast });

describe("NSX Manager executor", () => {
  it("a GET cut off after a complete element is read again, not returned short", async () => {
    const f = await serve("/api/4.0/edges/edge-7/vnics", [VNICS_CUT, VNICS]);
    const client = new NsxEdgeClient(new NsxDirectTransport(nsx(f.url), "edge-7"));
    const vnics = await client.getVnics();
    expect(vnics.map((v) => v.index)).toEqual([3, 4]);
    expect(vnics[0]!.subInterfaces).toHaveLength(3);
    expect(f.requests).toHaveLength(2);
  });

  it("a 2xx body missing its closing root tag is MALFORMED_RESPONSE and retryable", async () => {
    const f = await serve("/api/4.0/edges/edge-7/vnics/3", [TRUNK.replace("</vnic>", "")]);
    const err = await nsx(f.url)
      .request({ method: "GET", path: "/api/4.0/edges/edge-7/vnics/3", retry: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "MALFORMED_RESPONSE", retryable: true, details: { status: 200 } });
  });

  it("updateVnic never writes from a truncated read: MALFORMED_RESPONSE after retrying, no PUT", async () => {
    const f = await serve("/api/4.0/edges/edge-7/vnics/3", [TRUNK_CUT]);
    const client = new NsxEdgeClient(new NsxDirectTransport(nsx(f.url), "edge-7"), { write: fast });
    const add = (v: Parameters<typeof upsertSubInterface>[0]) =>
      upsertSubInterface(v, {
        name: "net-4",
        tunnelId: 4,
        vlanId: 104,
        mtu: 1500,
        isConnected: true,
        enableSendRedirects: true,
        addressGroups: [],
      });
    await expect(client.updateVnic(3, add)).rejects.toMatchObject({ code: "MALFORMED_RESPONSE" });
    expect(f.requests.length).toBeGreaterThan(1);
    expect(f.writes()).toEqual([]);
  });

  it("updateVnic after one truncated read writes all sub-interfaces from the complete one", async () => {
    const f = await serve("/api/4.0/edges/edge-7/vnics/3", [TRUNK_CUT, TRUNK]);
    const client = new NsxEdgeClient(new NsxDirectTransport(nsx(f.url), "edge-7"), { write: fast });
    await client.updateVnic(3, (v) => ({ ...v, mtu: 9000 }));
    const puts = f.writes();
    expect(puts).toHaveLength(1);
    expect(puts[0]!.body).toBe(TRUNK.replace("<mtu>1600</mtu>", "<mtu>9000</mtu>"));
  });

  it("an error status with a cut-off body is still classified by its status", async () => {
    const f = await serve("/x", [], (r) =>
      r.url === "/api/4.0/edges/edge-7/vnics/3" ? { status: 400, body: "<error><details>bad" } : undefined,
    );
    await expect(
      nsx(f.url).request({ method: "GET", path: "/api/4.0/edges/edge-7/vnics/3", retry: false }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("vCD executor (and the NSX proxy behind it)", () => {
  const vcdAnswers = (r: RecordedRequest): FakeAnswer | undefined => {
    if (r.url === "/api/versions")
      return {
        status: 200,
        body: `<SupportedVersions xmlns="http://www.vmware.com/vcloud/v1.5"><VersionInfo><Version>36.0</Version></VersionInfo></SupportedVersions>`,
      };
    if (r.url.startsWith("/cloudapi/1.0.0/sessions"))
      return {
        status: 200,
        body: "{}",
        headers: { "content-type": "application/json", "x-vmware-vcloud-access-token": "t" },
      };
    return undefined;
  };
  const vcd = (url: string) =>
    new VcdExecutor({ url, org: "acme", user: "alice", password: "pw", retry: fast });

  it("a proxied vnics list cut off after a complete vnic is read again", async () => {
    const path = `/network/edges/${UUID}/vnics`;
    const f = await serve(path, [VNICS_CUT, VNICS], vcdAnswers);
    const client = new NsxEdgeClient(new VcdProxyTransport(vcd(f.url), UUID));
    expect((await client.getVnics()).map((v) => [v.index, v.subInterfaces.length])).toEqual([
      [3, 3],
      [4, 0],
    ]);
    expect(f.requests.filter((r) => r.url === path)).toHaveLength(2);
  });

  it("a truncated JSON answer is MALFORMED_RESPONSE too", async () => {
    const f = await serve(
      "/x",
      [],
      (r) =>
        vcdAnswers(r) ??
        (r.url.startsWith("/cloudapi/1.0.0/orgVdcNetworks")
          ? { status: 200, body: '{"values":[{"name":"a"},', headers: { "content-type": "application/json" } }
          : undefined),
    );
    await expect(
      vcd(f.url).request({ method: "GET", path: "/cloudapi/1.0.0/orgVdcNetworks", retry: false }),
    ).rejects.toMatchObject({ code: "MALFORMED_RESPONSE", retryable: true });
  });

  it("an XML content type with a body that is not XML is MALFORMED_RESPONSE", async () => {
    const f = await serve("/api/admin/network/1", ["Service Unavailable"], vcdAnswers);
    await expect(
      vcd(f.url).request({ method: "GET", path: "/api/admin/network/1", retry: false }),
    ).rejects.toMatchObject({ code: "MALFORMED_RESPONSE" });
  });
});
