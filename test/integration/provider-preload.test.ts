import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * The dynamic-provider process's preload (dist/provider/providerPreload.js, what
 * bin/pulumi-resource-pulumi-nodejs passes to `node --require`) defers the TypeScript compiler
 * that @pulumi/pulumi requires at load: a provider never serialises closures. Run in a Node
 * process of its own, as the launcher runs it.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const PRELOAD = path.join(ROOT, "dist", "provider", "providerPreload.js");

function inPreloadedNode(script: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ["--require", PRELOAD, "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(out) as Record<string, unknown>;
}

const compilerLoaded = `Object.keys(require.cache).some((k) => k.endsWith("/typescript/lib/typescript.js"))`;

describe("provider preload", () => {
  it("loads @pulumi/pulumi's dynamic-provider runtime without the TypeScript compiler", () => {
    const r = inPreloadedNode(
      `require("@pulumi/pulumi"); console.log(JSON.stringify({ loaded: ${compilerLoaded} }));`,
    );
    expect(r).toEqual({ loaded: false });
  });

  it("loads the real compiler the first time anything is read from it, and it then works", () => {
    const r = inPreloadedNode(`
      const ts = require("typescript");
      const before = ${compilerLoaded};
      const version = ts.version;
      const file = ts.createSourceFile("x.ts", "const a: number = 1;", ts.ScriptTarget.ES2020);
      console.log(JSON.stringify({ before, after: ${compilerLoaded}, version, statements: file.statements.length,
        same: require("typescript") === ts, hasKeys: Object.keys(ts).includes("createSourceFile") }));
    `);
    expect(r).toEqual({
      before: false,
      after: true,
      version: (require("typescript") as { version: string }).version,
      statements: 1,
      same: true,
      hasKeys: true,
    });
  });
});
