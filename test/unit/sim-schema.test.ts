import { SimError } from "../../sim/core/errors";
import { parseNetworkBody } from "../../sim/xml/network-body";
import { ORG_VDC_NETWORK } from "../../sim/xml/orgvdcnetwork-schema";
import { many, opt, req, SchemaError, validateSequence } from "../../sim/xml/schema";
import { parseXml, VCLOUD_NS } from "../../sim/xml/xml";
import { networkBody } from "../support/sim-client";

const NS = VCLOUD_NS;
const EDGE = "https://vcd/api/admin/edgeGateway/0b1c2d3e-0000-4000-8000-000000000001";

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

describe("sim element-order validator", () => {
  const seq = [opt("A"), req("B"), many("C", 0), opt("D")];
  const doc = (inner: string) => parseXml(`<R xmlns="${NS}">${inner}</R>`);

  it("accepts content in schema order, including repeats and omitted optionals", () => {
    expect(() => validateSequence(doc("<A/><B/><C/><C/><D/>"), seq, NS)).not.toThrow();
    expect(() => validateSequence(doc("<B/>"), seq, NS)).not.toThrow();
  });

  it("reports an out-of-order element with the Xerces 2.4.a message listing what may come next", () => {
    expect(reason(() => validateSequence(doc("<A/><C/>"), seq, NS))).toBe(
      `cvc-complex-type.2.4.a: Invalid content was found starting with element 'C'. One of '{"${NS}":B}' is expected.`,
    );
    expect(reason(() => validateSequence(doc("<B/><A/>"), seq, NS))).toBe(
      `cvc-complex-type.2.4.a: Invalid content was found starting with element 'A'. One of '{"${NS}":C, "${NS}":D}' is expected.`,
    );
  });

  it("reports missing required content (2.4.b) and content after the end (2.4.d)", () => {
    expect(reason(() => validateSequence(doc("<A/>"), seq, NS))).toMatch(
      /^cvc-complex-type\.2\.4\.b: The content of element 'R' is not complete/,
    );
    expect(reason(() => validateSequence(doc("<B/><D/><D/>"), seq, NS))).toBe(
      "cvc-complex-type.2.4.d: Invalid content was found starting with element 'D'. No child element is expected at this point.",
    );
  });

  it("accepts the canonical OrgVdcNetwork body", () => {
    const root = parseXml(networkBody({ name: "n1", edgeHref: EDGE }));
    expect(() => validateSequence(root, ORG_VDC_NETWORK, NS)).not.toThrow();
  });
});

describe("sim OrgVdcNetwork body parsing", () => {
  const good = networkBody({ name: "stretched", edgeHref: EDGE, subInterface: true });

  it("extracts the spec and the edge id", () => {
    const { spec, edgeId } = parseNetworkBody(good);
    expect(edgeId).toBe("0b1c2d3e-0000-4000-8000-000000000001");
    expect(spec).toMatchObject({
      name: "stretched",
      gateway: "10.10.0.1",
      prefixLength: 24,
      interfaceType: "subinterface",
      dns1: "192.0.2.53",
    });
    expect(spec.ipRanges).toEqual([{ start: "10.10.0.10", end: "10.10.0.20" }]);
  });

  it("rejects FenceMode before IpScopes like vCD's validating parser", () => {
    const swapped = good.replace(/(<IpScopes>.*<\/IpScopes>)(<FenceMode>natRouted<\/FenceMode>)/s, "$2$1");
    expect(swapped).not.toBe(good);
    const err = reason(() => parseNetworkBody(swapped));
    expect(err).toBe(
      `cvc-complex-type.2.4.a: Invalid content was found starting with element 'FenceMode'. One of '{"${NS}":BackwardCompatibilityMode, "${NS}":IpScopes}' is expected.`,
    );
  });

  it("rejects IsShared before EdgeGateway", () => {
    const body = good.replace(/(<EdgeGateway [^>]*\/>)(<IsShared>false<\/IsShared>)/, "$2$1");
    expect(reason(() => parseNetworkBody(body))).toMatch(
      /starting with element 'EdgeGateway'\. No child element is expected/,
    );
  });

  it("rejects SubInterface together with DistributedInterface, and a missing EdgeGateway", () => {
    const both = good.replace(
      "<SubInterface>true</SubInterface>",
      "<SubInterface>true</SubInterface><DistributedInterface>true</DistributedInterface>",
    );
    expect(reason(() => parseNetworkBody(both))).toMatch(/both a sub-interface and a distributed interface/);
    const noEdge = networkBody({ name: "x" });
    const e = (() => {
      try {
        parseNetworkBody(noEdge);
      } catch (x) {
        return x as SimError;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(SimError);
    expect(e!.status).toBe(400);
    expect(e!.message).toMatch(/EdgeGateway/);
  });

  it("rejects a body without the vCloud namespace, bad booleans and malformed XML", () => {
    expect(reason(() => parseNetworkBody(good.replace(` xmlns="${NS}"`, "")))).toMatch(/cvc-elt\.1\.a/);
    expect(reason(() => parseNetworkBody(good.replace("<IsShared>false", "<IsShared>nope")))).toMatch(
      /cvc-datatype-valid/,
    );
    expect(reason(() => parseNetworkBody("<OrgVdcNetwork"))).toMatch(/not well-formed/);
  });

  it("SchemaError is what the validator throws", () => {
    expect(() => validateSequence(parseXml(`<R xmlns="${NS}"><X/></R>`), [req("A")], NS)).toThrow(
      SchemaError,
    );
  });
});
