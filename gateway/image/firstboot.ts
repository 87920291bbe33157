/**
 * l2stretch-firstboot: turns the OVF environment (vApp properties) into the appliance's
 * network config, hostname, agent token and, once, its first config.
 *
 *   node firstboot.js [--root DIR] [--ovf-env FILE] [--no-live]
 *
 * Runs on every boot before systemd-networkd, so editing the vApp properties and rebooting
 * takes effect. The first config is different: it is seeded only while the agent has none,
 * because afterwards the agent's last good config (pushed through the API) is the truth.
 *
 * The environment comes from VMware Tools (`vmtoolsd --cmd "info-get guestinfo.ovfEnv"`) or,
 * failing that, from ovf-env.xml on a CD-ROM (the OVF "iso" transport). --root and --ovf-env
 * let the build's dry run and the tests render into a directory instead of the live system.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sha256 } from "../agent/render";
import {
  Bootstrap,
  BootstrapFile,
  STATE_DIR,
  bootstrapFromProperties,
  parseOvfEnv,
  renderBootstrapFiles,
} from "./ovfenv";

export interface EnvSource {
  xml: string;
  from: string;
}

function fromVmtools(): EnvSource | undefined {
  // Fails fast outside VMware or when the VM has no vApp options; then try the CD-ROM.
  const r = spawnSync("vmtoolsd", ["--cmd", "info-get guestinfo.ovfEnv"], {
    encoding: "utf8",
    timeout: 15_000,
  });
  const xml = r.status === 0 ? r.stdout.trim() : "";
  return xml.startsWith("<") ? { xml, from: "guestinfo.ovfEnv (VMware Tools)" } : undefined;
}

function fromCdrom(): EnvSource | undefined {
  for (const dev of ["/dev/sr0", "/dev/sr1", "/dev/cdrom"]) {
    if (!fs.existsSync(dev)) continue;
    const mnt = fs.mkdtempSync(path.join(os.tmpdir(), "l2stretch-ovfenv-"));
    try {
      const m = spawnSync("mount", ["-o", "ro", "-t", "iso9660", dev, mnt], {
        encoding: "utf8",
        timeout: 15_000,
      });
      if (m.status !== 0) continue;
      try {
        const file = path.join(mnt, "ovf-env.xml");
        if (fs.existsSync(file)) return { xml: fs.readFileSync(file, "utf8"), from: `${dev}:ovf-env.xml` };
      } finally {
        spawnSync("umount", [mnt]);
      }
    } finally {
      fs.rmSync(mnt, { recursive: true, force: true });
    }
  }
  return undefined;
}

export function discoverEnv(): EnvSource | undefined {
  return fromVmtools() ?? fromCdrom();
}

function writeAtomic(file: string, content: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

export interface ApplyOutcome {
  written: string[];
  firstConfig: "seeded" | "kept-existing" | "none";
}

/**
 * Writes the bootstrap under `root`. The first config becomes the agent's last good config,
 * which the agent converges to on start (gateway/agent/agent.ts `start`), exactly as after a
 * reboot; a marker keeps a later boot from re-seeding a config the operator has since replaced.
 */
export function applyBootstrap(b: Bootstrap, root: string): ApplyOutcome {
  const written: string[] = [];
  const files: BootstrapFile[] = renderBootstrapFiles(b);
  for (const f of files) {
    // rename() replaces a symlink (e.g. a resolv.conf link) rather than writing through it.
    writeAtomic(path.join(root, f.path), f.content, f.mode);
    written.push(f.path);
  }
  let firstConfig: ApplyOutcome["firstConfig"] = "none";
  if (b.firstConfig) {
    const state = path.join(root, STATE_DIR);
    const lastGood = path.join(state, "last-good.json");
    const marker = path.join(state, "first-config.seeded");
    if (fs.existsSync(lastGood) || fs.existsSync(marker)) firstConfig = "kept-existing";
    else {
      fs.mkdirSync(state, { recursive: true, mode: 0o700 });
      writeAtomic(lastGood, JSON.stringify(b.firstConfig, null, 2) + "\n", 0o600);
      writeAtomic(
        marker,
        `${new Date().toISOString()} sha256:${sha256(JSON.stringify(b.firstConfig))}\n`,
        0o600,
      );
      written.push(path.join(STATE_DIR, "last-good.json"));
      firstConfig = "seeded";
    }
  }
  return { written, firstConfig };
}

function main(argv: string[]): number {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = get("--root") ?? "/";
  const envFile = get("--ovf-env");
  const live = !argv.includes("--no-live") && path.resolve(root) === "/";
  const log = (m: string) => process.stdout.write(`l2stretch-firstboot: ${m}\n`);

  const src: EnvSource | undefined = envFile
    ? { xml: fs.readFileSync(envFile, "utf8"), from: envFile }
    : discoverEnv();
  if (!src) {
    // Not deployed through vSphere with vApp options (or a plain copy of the disk): keep the
    // image's defaults, DHCP on eth0 and whatever token is already there.
    log(
      "no OVF environment found (no guestinfo.ovfEnv, no ovf-env.xml on a CD-ROM); keeping the current settings",
    );
    return 0;
  }
  const b = bootstrapFromProperties(parseOvfEnv(src.xml));
  const out = applyBootstrap(b, root);
  if (live) {
    // systemd set the hostname from the old /etc/hostname before this ran.
    const h = spawnSync("hostname", [b.hostname], { encoding: "utf8" });
    if (h.status !== 0) log(`could not set the hostname: ${h.stderr.trim()}`);
  }
  const mgmt =
    b.mgmt.mode === "static" ? `${b.mgmt.ip}/${b.mgmt.prefix} via ${b.mgmt.gateway ?? "-"}` : "DHCP";
  log(
    `environment from ${src.from}: hostname ${b.hostname}, management ${mgmt}, agent listens on ${b.listen}`,
  );
  log(`token ${b.token !== undefined ? "written" : "not written"}; first config ${out.firstConfig}`);
  for (const p of b.problems) log(`problem: ${p}`);
  return 0;
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (e: unknown) {
    process.stderr.write(`l2stretch-firstboot: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
