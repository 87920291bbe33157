// Persistence of the world to a JSON file. Writes are synchronous and atomic (tmp + rename) so
// that a response is only sent after its change is on disk, and a crash never leaves half a file.
// Older formats are upgraded on load (migrate.ts); unknown ones are rejected with a clear message.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { WORLD_FORMAT_VERSION, type World } from "./world";

export interface StateFile {
  formatVersion: number;
  savedAt: string;
  world: unknown;
}

/** Reads a state file without interpreting its world (see upgradeWorld). */
export function loadState(path: string): StateFile | undefined {
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
  const w = file.world as Partial<World> | undefined;
  if (
    typeof file.formatVersion !== "number" ||
    !w ||
    !Array.isArray(w.orgs) ||
    !Array.isArray(w.edges) ||
    !Array.isArray(w.networks)
  ) {
    throw new Error(`state file ${path} is not an l2stretch-sim state file`);
  }
  return { formatVersion: file.formatVersion, savedAt: file.savedAt ?? "", world: w };
}

export function saveWorld(path: string, world: World): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const file: StateFile = { formatVersion: WORLD_FORMAT_VERSION, savedAt: new Date().toISOString(), world };
  writeFileSync(tmp, JSON.stringify(file, null, 2));
  renameSync(tmp, path);
}
