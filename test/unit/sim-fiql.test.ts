import { evaluateFiql, FiqlError, globMatch, parseFiql } from "../../sim/core/fiql";

const rec = (r: Record<string, string>) => (sel: string) => r[sel];

describe("sim FIQL filter", () => {
  it("parses ';' as AND and ',' as OR with AND binding tighter", () => {
    const ast = parseFiql("a==1;b==2,c==3");
    expect(ast).toEqual({
      kind: "or",
      items: [
        {
          kind: "and",
          items: [
            { kind: "cmp", selector: "a", op: "==", value: "1" },
            { kind: "cmp", selector: "b", op: "==", value: "2" },
          ],
        },
        { kind: "cmp", selector: "c", op: "==", value: "3" },
      ],
    });
  });

  it("evaluates AND, OR, parentheses and !=", () => {
    const r = rec({ name: "net-a", vdc: "v1", isShared: "false" });
    expect(evaluateFiql(parseFiql("name==net-a;vdc==v1"), r)).toBe(true);
    expect(evaluateFiql(parseFiql("name==net-a;vdc==v2"), r)).toBe(false);
    expect(evaluateFiql(parseFiql("name==x,(vdc==v1;isShared!=true)"), r)).toBe(true);
  });

  it("supports * wildcards and dotted selectors", () => {
    expect(globMatch("edge-*", "edge-cloud-1")).toBe(true);
    expect(globMatch("edge-*-2", "edge-cloud-1")).toBe(false);
    expect(globMatch("a.b", "axb")).toBe(false); // '.' is literal
    expect(
      evaluateFiql(parseFiql("ownerRef.id==urn:vcloud:vdc:*"), rec({ "ownerRef.id": "urn:vcloud:vdc:123" })),
    ).toBe(true);
  });

  it("decodes values when asked (filterEncoded=true)", () => {
    const ast = parseFiql("name==a%3Bb", decodeURIComponent);
    expect(evaluateFiql(ast, rec({ name: "a;b" }))).toBe(true);
  });

  it("rejects malformed filters and unknown properties", () => {
    expect(() => parseFiql("name=x")).toThrow(FiqlError);
    expect(() => parseFiql("name==")).toThrow(/Missing value/);
    expect(() => parseFiql("(name==x")).toThrow(/Expected '\)'/);
    expect(() => evaluateFiql(parseFiql("bogus==1"), rec({ name: "x" }))).toThrow(/Unknown property 'bogus'/);
  });
});
