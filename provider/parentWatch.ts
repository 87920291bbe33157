import { readFileSync } from "node:fs";

/**
 * Pulumi starts the dynamic-provider process in a process group of its own, so killing
 * `pulumi up` — even its whole process group — leaves the provider running, still creating
 * objects for seconds. The provider exits as soon as the engine that started it is gone:
 * when its parent process changes (it was re-parented to init or a subreaper).
 */
let watching = false;

/** The parent pid as the kernel sees it now (Node's `process.ppid` is fixed at start). */
export function currentParentPid(): number | undefined {
  try {
    // /proc/self/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const stat = readFileSync("/proc/self/stat", "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function parentAlive(original: number): boolean {
  const now = currentParentPid();
  if (now !== undefined) return now === original;
  try {
    process.kill(original, 0); // no /proc: at least notice the parent is gone
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Exits the process (status 1) within `intervalMs` of its parent going away. */
export function exitWhenOrphaned(intervalMs = 100, onOrphaned = () => process.exit(1)): void {
  if (watching) return;
  watching = true;
  const original = currentParentPid() ?? process.ppid;
  const timer = setInterval(() => {
    if (!parentAlive(original)) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
}

/** True in the dynamic-provider process Pulumi starts (not in the program or a test). */
export function isDynamicProviderProcess(): boolean {
  return /cmd[\\/]dynamic-provider/.test(require.main?.filename ?? "");
}
