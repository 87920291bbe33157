// Persistence of the world to a JSON file. Writes are synchronous and atomic (tmp + rename) so
// that a response is only sent after its change is on disk, and a crash never leaves half a file.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { World } from "./world";

export interface StateFile {
  formatVersion: 1;
  savedAt: string;
  world: World;
}

export function loadWorld(path: string): World | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  if (text.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`state file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const file = parsed as Partial<StateFile>;
  const w = file.world;
  if (
    file.formatVersion !== 1 ||
    !w ||
    !Array.isArray(w.orgs) ||
    !Array.isArray(w.edges) ||
    !Array.isArray(w.networks)
  ) {
    throw new Error(`state file ${path} is not an l2stretch-sim state file (formatVersion 1)`);
  }
  return w;
}

export function saveWorld(path: string, world: World): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const file: StateFile = { formatVersion: 1, savedAt: new Date().toISOString(), world };
  writeFileSync(tmp, JSON.stringify(file, null, 2));
  renameSync(tmp, path);
}
