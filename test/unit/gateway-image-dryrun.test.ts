import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLValidator } from "fast-xml-parser";

const REPO = path.join(__dirname, "../..");
const DRY = path.join(REPO, "gateway/image/out/dry-run");
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string })
  .version;
const NAME = `l2stretch-gateway-${VERSION}`;

/** Names and sizes of the members of a ustar archive, in order (the OVA spec cares about order). */
function tarMembers(file: string): { name: string; size: number }[] {
  const buf = fs.readFileSync(file);
  const out: { name: string; size: number }[] = [];
  for (let off = 0; off + 512 <= buf.length;) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim() || "0", 8);
    expect(header.subarray(257, 262).toString("utf8")).toBe("ustar");
    out.push({ name, size });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

// The dry run is what `build.sh` does minus debootstrap and the disk: compile, render the
// first-boot files from the sample ovf-env.xml through the real CLI, render the OVF, pack.
describe("build.sh --dry-run", () => {
  beforeAll(() => {
    execFileSync("bash", [path.join(REPO, "gateway/image/build.sh"), "--dry-run"], {
      cwd: REPO,
      stdio: "pipe",
    });
  }, 120_000);

  test("packs an OVA with the descriptor first, then the manifest, then the disk", () => {
    const members = tarMembers(path.join(DRY, `${NAME}.ova`));
    expect(members.map((m) => m.name)).toEqual([`${NAME}.ovf`, `${NAME}.mf`, `${NAME}-disk1.vmdk`]);
  });

  test("the manifest's SHA256 lines match the files", () => {
    const mf = fs.readFileSync(path.join(DRY, `${NAME}.mf`), "utf8");
    for (const f of [`${NAME}.ovf`, `${NAME}-disk1.vmdk`]) {
      const sum = createHash("sha256")
        .update(fs.readFileSync(path.join(DRY, f)))
        .digest("hex");
      expect(mf).toContain(`SHA256(${f})= ${sum}\n`);
    }
    expect(XMLValidator.validate(fs.readFileSync(path.join(DRY, `${NAME}.ovf`), "utf8"))).toBe(true);
  });

  test("the first-boot CLI rendered network, token, agent settings and the seeded config", () => {
    const root = path.join(DRY, "rootfs");
    const read = (p: string) => fs.readFileSync(path.join(root, p), "utf8");
    expect(read("etc/systemd/network/10-l2stretch-mgmt.network")).toContain(
      "Address=192.0.2.10/24\nGateway=192.0.2.1\n",
    );
    expect(read("etc/l2stretch/agent.env")).toContain("L2STRETCH_LISTEN=192.0.2.10:8443");
    expect(fs.statSync(path.join(root, "etc/l2stretch/token")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(read("var/lib/l2stretch/last-good.json"))).toMatchObject({
      identity: { name: "gw-a" },
    });
    // The units that ship in the image are there too, and the agent unit uses the env file.
    const unit = read("etc/systemd/system/l2stretch-agent.service");
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^KillMode=process$/m);
    expect(unit).toContain("--listen ${L2STRETCH_LISTEN}");
    expect(read("etc/systemd/system/l2stretch-firstboot.service")).toMatch(
      /^Before=.*systemd-networkd\.service/m,
    );
  });
});
