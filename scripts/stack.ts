#!/usr/bin/env node
/**
 * Runs one of this repository's examples with the shipped runner (cli/stack.ts):
 *
 *   node dist/scripts/stack.js <example> <preview|up|refresh|destroy|outputs|export> [options]
 *
 * It is `l2stretch-stack examples/<example> …` with the project's own Pulumi CLI, and the
 * stack settings kept under $L2STRETCH_WORK_DIR (default .state/work) instead of the
 * example folder, so test runs never write into the source tree.
 */
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const [example, ...rest] = process.argv.slice(2);
if (!example) {
  process.stderr.write("usage: stack <example> <command> [options] (see l2stretch-stack)\n");
  process.exit(2);
}
const settings = path.join(process.env["L2STRETCH_WORK_DIR"] ?? path.join(ROOT, ".state", "work"), example);
process.argv = [
  process.argv[0]!,
  path.join(ROOT, "dist", "cli", "stack.js"),
  path.join(ROOT, "examples", example),
  ...rest,
  "--settings-dir",
  settings,
  "--pulumi",
  path.join(ROOT, ".tools", "bin", "pulumi"),
];
require("../cli/stack");
