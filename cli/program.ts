import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";

/**
 * Loading a user's Pulumi program the way Pulumi's Node language host does, for machines
 * that have the Pulumi CLI but not `pulumi-language-nodejs`.
 *
 * Everything Pulumi-related is resolved from the program's own directory: the program
 * registers its resources with the `@pulumi/pulumi` it installed, so the Automation API
 * that drives it must be that very copy (a second copy is a different runtime and the
 * engine rejects its messages).
 */
export type AutomationModule = typeof automation;

export function loadAutomation(programDir: string): AutomationModule {
  let resolved: string;
  try {
    resolved = require.resolve("@pulumi/pulumi/automation", { paths: [programDir] });
  } catch {
    throw new Error(
      `no @pulumi/pulumi installed for the program in ${programDir}; run \`npm install @pulumi/pulumi\` there`,
    );
  }
  return require(resolved) as AutomationModule;
}

/** The directory of the program's own `@pulumi/pulumi` package (its dependencies resolve from there). */
export function pulumiSdkDir(programDir: string): string {
  const automation = require.resolve("@pulumi/pulumi/automation", { paths: [programDir] });
  return path.dirname(path.dirname(automation));
}

/** The program's entry file: Pulumi.yaml `main`, else package.json `main`, else index.js/ts. */
export function entryFile(programDir: string, main: string | undefined): string {
  const candidates = main
    ? [path.resolve(programDir, main)]
    : [packageMain(programDir), "index.js", "index.ts"]
        .filter((c): c is string => c !== undefined)
        .map((c) => path.resolve(programDir, c));
  for (const c of candidates) {
    if (existsSync(c) && !isDirectory(c)) return c;
    for (const index of ["index.js", "index.ts"]) {
      const inDir = path.join(c, index);
      if (existsSync(inDir)) return inDir;
    }
  }
  throw new Error(
    `no program entry found in ${programDir} (looked for ${candidates.map((c) => path.relative(programDir, c) || ".").join(", ")}); ` +
      "set `main` in Pulumi.yaml",
  );
}

function packageMain(dir: string): string | undefined {
  const pkg = path.join(dir, "package.json");
  if (!existsSync(pkg)) return undefined;
  return (require(pkg) as { main?: string }).main;
}

function isDirectory(p: string): boolean {
  return statSync(p).isDirectory();
}

/**
 * A function that runs the program inside the Automation API's inline host and returns its
 * stack outputs: the module's exports, or what its exported function or promise yields
 * (the same rules as `pulumi up` with the Node language host).
 */
export function programFrom(entry: string, programDir: string): () => Promise<Record<string, unknown>> {
  return async () => {
    if (entry.endsWith(".ts")) registerTypeScript(programDir, entry);
    let exported = require(entry) as unknown;
    if (typeof exported === "function") exported = (exported as () => unknown)();
    const outputs = (await exported) as unknown;
    return outputs && typeof outputs === "object" ? { ...(outputs as Record<string, unknown>) } : {};
  };
}

function registerTypeScript(programDir: string, entry: string): void {
  let tsNode: string;
  try {
    tsNode = require.resolve("ts-node", { paths: [programDir] });
  } catch {
    throw new Error(
      `${path.relative(programDir, entry)} is TypeScript: install ts-node in the project (npm install -D ts-node) ` +
        "or compile it with tsc and point `main` in Pulumi.yaml at the JavaScript",
    );
  }
  (require(tsNode) as { register(o: object): void }).register({
    transpileOnly: true,
    compilerOptions: { module: "commonjs" },
  });
}
