/**
 * Copies the node_modules the compiled agent needs at run time, and nothing else.
 *
 *   node runtime-deps.js --project DIR --scan DIR [--scan DIR...] --dest DIR
 *
 * The roots are the bare `require()`s found in the compiled JavaScript under each --scan dir
 * (what the code really imports, not package.json, which also lists the Pulumi SDK and other
 * things the appliance never loads); then each package's own `dependencies`, resolved the way
 * Node does (nearest node_modules walking up), so nested versions keep their place.
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";

const BUILTINS = new Set(builtinModules);

/** Package names required by one compiled CommonJS file (relative paths and builtins excluded). */
export function bareRequires(js: string): string[] {
  const out = new Set<string>();
  for (const m of js.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
    const spec = m[1] as string;
    if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:")) continue;
    const name = packageName(spec);
    if (!BUILTINS.has(name)) out.add(name);
  }
  return [...out].sort();
}

/** `@scope/pkg/sub/path` → `@scope/pkg`; `pkg/sub` → `pkg`. */
export function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsFiles(p));
    else if (e.isFile() && e.name.endsWith(".js")) out.push(p);
  }
  return out;
}

/** Finds `name` from `fromDir` as Node would: `<dir>/node_modules/<name>` walking up to `top`. */
function resolvePackage(name: string, fromDir: string, top: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.resolve(dir) === path.resolve(top)) return undefined;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export interface Closure {
  /** Package directories relative to the project root, e.g. `node_modules/zod`. */
  packages: string[];
  missing: string[];
}

/** Every package directory reachable from `roots` through `dependencies` (not dev, not peer). */
export function dependencyClosure(project: string, roots: string[]): Closure {
  const seen = new Set<string>();
  const missing: string[] = [];
  const queue: { name: string; from: string }[] = roots.map((name) => ({ name, from: project }));
  while (queue.length > 0) {
    const { name, from } = queue.shift() as { name: string; from: string };
    const dir = resolvePackage(name, from, project);
    if (!dir) {
      missing.push(name);
      continue;
    }
    const rel = path.relative(project, dir);
    if (seen.has(rel)) continue;
    seen.add(rel);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const deps = { ...pkg.dependencies };
    for (const dep of Object.keys(deps)) queue.push({ name: dep, from: dir });
    // Optional ones are taken when installed and skipped silently when not (that is their contract).
    for (const dep of Object.keys(pkg.optionalDependencies ?? {}))
      if (!(dep in deps) && resolvePackage(dep, dir, project)) queue.push({ name: dep, from: dir });
  }
  return { packages: [...seen].sort(), missing: [...new Set(missing)].sort() };
}

/** Copies a package without its nested node_modules (those are copied as packages of their own). */
function copyPackage(src: string, dest: string): void {
  fs.cpSync(src, dest, {
    recursive: true,
    dereference: true,
    filter: (p) => path.relative(src, p).split(path.sep)[0] !== "node_modules",
  });
}

function main(argv: string[]): void {
  const values = (flag: string): string[] =>
    argv.flatMap((a, i) => (a === flag && argv[i + 1] ? [argv[i + 1] as string] : []));
  const project = values("--project")[0];
  const dest = values("--dest")[0];
  const scan = values("--scan");
  if (!project || !dest || scan.length === 0)
    throw new Error("usage: --project DIR --scan DIR... --dest DIR");
  const roots = new Set<string>();
  for (const dir of scan)
    for (const f of jsFiles(dir)) for (const r of bareRequires(fs.readFileSync(f, "utf8"))) roots.add(r);
  const closure = dependencyClosure(project, [...roots]);
  if (closure.missing.length > 0)
    throw new Error(`not installed in ${project}/node_modules: ${closure.missing.join(", ")} (run npm ci)`);
  fs.rmSync(path.join(dest, "node_modules"), { recursive: true, force: true });
  for (const rel of closure.packages) copyPackage(path.join(project, rel), path.join(dest, rel));
  process.stdout.write(
    `runtime modules (roots ${[...roots].sort().join(", ")}): ${closure.packages.join(", ")}\n`,
  );
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e: unknown) {
    process.stderr.write(`runtime-deps: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
