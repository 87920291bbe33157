/**
 * The demo behind `npm run demo`: starts the embedded simulator on a free port, points
 * the provider at it through environment variables, runs the example stack with the real
 * Pulumi CLI and prints what it made. `npm run demo -- destroy` tears it down again.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { startSimulator } from "../sim";

const ROOT = path.resolve(__dirname, "..", "..");
const STATE = path.join(ROOT, ".state");

function runStack(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, "dist", "scripts", "stack.js"), ...args, "--json"],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`stack ${args.join(" ")} exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const destroy = process.argv.includes("destroy");
  const sim = await startSimulator({ port: 0, stateFile: path.join(STATE, "demo-sim.json") });
  const env = {
    ...process.env,
    VCD_URL: sim.url,
    VCD_ORG: "acme",
    VCD_USER: "alice",
    VCD_PASSWORD: "Alice-Secret-1",
    NSX_URL: sim.url,
    NSX_USER: "admin",
    NSX_PASSWORD: "Nsx-Admin-Secret-1",
  };
  try {
    console.log(`demo: vCD/NSX-v simulator at ${sim.url} (state ${path.join(STATE, "demo-sim.json")})`);
    if (destroy) {
      await runStack(["nsx-l2vpn", "destroy", "--stack", "demo"], env);
      await runStack(["vcd-subinterface", "destroy", "--stack", "demo"], env);
      console.log("demo: destroyed; the simulated edges are back to how they started");
      return;
    }
    const out = JSON.parse(await runStack(["vcd-subinterface", "up", "--stack", "demo"], env)) as {
      outputs: Record<string, unknown>;
    };
    const o = out.outputs;
    console.log("");
    console.log(`demo: network ${String(o["networkName"])} (${String(o["networkId"])})`);
    console.log(
      `demo:   edge gateway ${String(o["edgeGateway"])}, sub-interface index ${String(o["subInterfaceIndex"])}`,
    );
    console.log(
      `demo:   L2VPN tunnel ID ${String(o["tunnelId"])} (lookup function agrees: ${String(o["lookedUpTunnelId"])})`,
    );

    console.log(
      "\ndemo: now the NSX-v L2VPN stretch (cloud edge through vCD, on-prem edge through NSX Manager)",
    );
    const l2 = JSON.parse(
      await runStack(
        [
          "nsx-l2vpn",
          "up",
          "--stack",
          "demo",
          "--secret",
          "l2stretch-nsx-l2vpn:sitePassword=Demo-Site-Passw0rd",
        ],
        env,
      ),
    ) as { outputs: Record<string, unknown> };
    const lo = l2.outputs;
    console.log(`demo: stretched tunnel IDs ${JSON.stringify(lo["tunnelIds"])}`);
    console.log(`demo:   on-prem trunk sub-interfaces ${JSON.stringify(lo["onpremSubInterfaces"])}`);
    const why = (k: string) => (lo[k] ? ` (${String(lo[k])})` : "");
    console.log(
      `demo:   L2VPN tunnel, read live: client ${String(lo["clientTunnel"])}${why("clientFailure")}, ` +
        `server site onprem ${String(lo["serverSiteStatus"])}${why("serverFailure")}`,
    );
    console.log("demo: to remove both again run: npm run demo -- destroy");
  } finally {
    await sim.close();
  }
}

main().catch((e: Error) => {
  console.error(`demo: ${e.message}`);
  process.exit(1);
});
