import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bareRequires, dependencyClosure, packageName } from "../../gateway/image/runtime-deps";

const REPO = path.join(__dirname, "../..");

describe("runtime modules of the appliance", () => {
  test("bare requires: packages only, no builtins, no relative paths", () => {
    const js = `
      const fs = require("node:fs"); const cp = require("child_process");
      const a = require("./agent"); const z = require("zod");
      const m = require( 'async-mutex' ); const s = require("@scope/pkg/sub/path");
      const again = require("zod/lib");`;
    expect(bareRequires(js)).toEqual(["@scope/pkg", "async-mutex", "zod"]);
    expect(packageName("fast-xml-parser/src/x")).toBe("fast-xml-parser");
  });

  test("the closure follows dependencies, prefers nested copies and reports what is missing", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-deps-"));
    try {
      const pkg = (dir: string, deps: Record<string, string> = {}) => {
        fs.mkdirSync(path.join(root, dir), { recursive: true });
        fs.writeFileSync(path.join(root, dir, "package.json"), JSON.stringify({ dependencies: deps }));
      };
      pkg("node_modules/a", { b: "2", c: "1" });
      pkg("node_modules/a/node_modules/b"); // a needs its own b@2
      pkg("node_modules/b"); // the top-level b@1 is not needed by anyone
      pkg("node_modules/c", { ghost: "1" });
      pkg("node_modules/dev-only");
      const c = dependencyClosure(root, ["a"]);
      expect(c.packages).toEqual(["node_modules/a", "node_modules/a/node_modules/b", "node_modules/c"]);
      expect(c.missing).toEqual(["ghost"]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("for the agent's real imports the closure is small and excludes the Pulumi SDK", () => {
    const c = dependencyClosure(REPO, ["async-mutex", "zod", "fast-xml-parser"]);
    expect(c.missing).toEqual([]);
    expect(c.packages).toEqual(expect.arrayContaining(["node_modules/zod", "node_modules/async-mutex"]));
    expect(c.packages.some((p) => p.includes("@pulumi"))).toBe(false);
  });
});
