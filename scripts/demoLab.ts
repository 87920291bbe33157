/**
 * The demo's two reference gateways in network namespaces (the lab of test/datapath), kept
 * running after the demo exits so `npm run demo -- destroy` can take the stretch down through
 * Pulumi and then remove the namespaces. What it made is written to a small JSON file.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Lab, buildAgent, sh, waitFor } from "../test/datapath/lab";

export interface DemoAgent {
  pid: number;
  port: number;
  fingerprint256: string;
  token: string;
}

export interface DemoLab {
  dir: string;
  ns: Lab["ns"];
  agents: Record<"A" | "B", DemoAgent>;
}

/** Builds the namespaces and starts one agent per gateway, detached from this process. */
export async function startDemoLab(file: string, progress: (msg: string) => void): Promise<DemoLab> {
  const lab = new Lab();
  progress(`creating namespaces ${Object.values(lab.ns).join(", ")}`);
  lab.build();
  const saved: DemoLab = { dir: lab.dir, ns: lab.ns, agents: {} as DemoLab["agents"] };
  fs.writeFileSync(file, JSON.stringify(saved, null, 2));
  progress("compiling the gateway agent");
  const mainJs = buildAgent(lab.dir);
  for (const site of ["A", "B"] as const) {
    progress(`starting the agent of gateway ${site}`);
    saved.agents[site] = await startDetachedAgent(
      lab.dir,
      mainJs,
      site,
      site === "A" ? lab.ns.gwA : lab.ns.gwB,
    );
    fs.writeFileSync(file, JSON.stringify(saved, null, 2));
  }
  return saved;
}

async function startDetachedAgent(
  dir: string,
  mainJs: string,
  site: "A" | "B",
  netns: string,
): Promise<DemoAgent> {
  const token = `demo-${site}-${randomBytes(16).toString("hex")}`;
  const tokenFile = path.join(dir, `token-${site}`);
  fs.writeFileSync(tokenFile, token, { mode: 0o600 });
  const log = path.join(dir, `agent-${site}.log`);
  const out = fs.openSync(log, "w");
  const argv = [mainJs, "--state-dir", path.join(dir, `state-${site}`), "--listen", "127.0.0.1:0"];
  const child = spawn(process.execPath, [...argv, "--token-file", tokenFile, "--netns", netns], {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, NODE_PATH: path.join(__dirname, "..", "..", "node_modules") },
  });
  child.unref();
  fs.closeSync(out);
  const line = await waitFor(
    `agent ${site} to listen`,
    () => {
      if (child.exitCode !== null) throw new Error(`agent ${site} exited: ${fs.readFileSync(log, "utf8")}`);
      return fs
        .readFileSync(log, "utf8")
        .split("\n")
        .find((l) => l.includes('"listening"'));
    },
    90_000,
    100,
  );
  const info = JSON.parse(line!) as { port: number; fingerprint256: string };
  return { pid: child.pid!, port: info.port, fingerprint256: info.fingerprint256, token };
}

export function loadDemoLab(file: string): DemoLab | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as DemoLab) : undefined;
}

/** Stops the agents and every process in the namespaces, deletes them and the lab's files. */
export function removeDemoLab(file: string, lab: DemoLab): void {
  for (const a of Object.values(lab.agents ?? {})) {
    try {
      process.kill(a.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  for (const ns of Object.values(lab.ns)) {
    const pids = sh(["ip", "netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean);
    for (const pid of pids) sh(["kill", "-9", pid]);
    sh(["ip", "netns", "del", ns]);
  }
  fs.rmSync(lab.dir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
}
