#!/usr/bin/env bash
# Builds the l2stretch gateway appliance: a Debian bookworm root made with debootstrap from
# Debian's packages, the compiled agent as a systemd service, a raw disk with one ext4
# partition booted by extlinux, converted to a streamOptimized VMDK and packed as an OVA whose
# vApp properties carry the bootstrap (management address, agent token, first config).
#
#   bash gateway/image/build.sh             full build (root; 10-20 minutes)
#   bash gateway/image/build.sh --dry-run   OVF + first-boot files only, no root needed (seconds)
#   bash gateway/image/build.sh --clean     forget the cached root file system first
#
# Everything lands in gateway/image/out/ (gitignored). Scratch space (compiled JS, the chroot,
# the raw disk) lives in out/node_modules/: tsc, eslint, prettier and jest all skip directories
# of that name, and the repo-wide `tsc`/`eslint .` must never walk into a chroot whose /proc is
# mounted (it leads to the host's whole file system). The debootstrap result is cached there
# (work/rootfs.base) so a rebuild only repeats the cheap steps.
# -E so the ERR trap (which names the failed step) also fires inside functions.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/out"
SCRATCH="$OUT/node_modules"
WORK="$SCRATCH/work"
SUITE=bookworm
MIRROR="${L2STRETCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${L2STRETCH_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
DISK_BYTES=$((4 * 1024 * 1024 * 1024))
PART_START_SECTOR=2048 # 1 MiB: room for the MBR; the partition stays aligned.

# What the appliance runs. --no-install-recommends keeps it small; everything needed is named.
IMAGE_PACKAGES=(
  linux-image-amd64 initramfs-tools udev kmod systemd-sysv systemd-timesyncd
  strongswan-swanctl charon-systemd libcharon-extra-plugins libstrongswan-standard-plugins
  nftables iproute2 iputils-ping procps openssl ca-certificates nodejs open-vm-tools
)
HOST_PACKAGES=(debootstrap qemu-utils e2fsprogs extlinux syslinux-common fdisk mount tar coreutils)

DRY_RUN=0
CLEAN=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    --clean) CLEAN=1 ;;
    -h | --help)
      sed -n '2,12p' "$0"
      exit 0
      ;;
    *)
      echo "build.sh: unknown argument $arg" >&2
      exit 2
      ;;
  esac
done

STEP="start"
step() {
  STEP="$1"
  echo "==> [$(date +%H:%M:%S)] $STEP" >&2
}
on_error() {
  local rc=$?
  echo "build.sh: FAILED in step '$STEP' (exit $rc)" >&2
  exit "$rc"
}
trap on_error ERR

MOUNTS=()
LOOP=""
cleanup() {
  # Unmount in reverse order; a failed build must not leave /proc or a loop device busy.
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount -l "${MOUNTS[$i]}" 2>/dev/null || true
  done
  MOUNTS=()
  if [[ -n "$LOOP" ]]; then
    losetup -d "$LOOP" 2>/dev/null || true
    LOOP=""
  fi
}
trap cleanup EXIT

mount_tracked() {
  mount "$@"
  MOUNTS+=("${!#}")
}

VERSION="$(node -p 'require(process.argv[1]).version' "$REPO/package.json")"
NAME="l2stretch-gateway-$VERSION"
# The dry run compiles into its own directory so it can run (e.g. from the unit tests) while a
# full build is using its compiled files.
if [[ "$DRY_RUN" == 1 ]]; then DIST="$SCRATCH/dry-run-dist"; else DIST="$SCRATCH/dist"; fi

compile() {
  step "compile the agent and image scripts (tsc)"
  if [[ ! -x "$REPO/node_modules/.bin/tsc" ]]; then
    (cd "$REPO" && npm ci --no-audit --no-fund)
  fi
  rm -rf "$DIST"
  # Only gateway/agent and gateway/image: the rest of the repo need not compile for an image.
  (cd "$REPO" && node_modules/.bin/tsc -p gateway/image/tsconfig.build.json --outDir "$DIST")
}

# Renders the OVF and manifest for the VMDK in $1 and packs the OVA; echoes the OVA path.
render_and_pack() {
  local dir="$1" capacity="$2"
  step "render the OVF descriptor and manifest"
  node "$DIST/gateway/image/appliance.ovf.js" --out "$dir" --version "$VERSION" \
    --vmdk "$dir/$NAME-disk1.vmdk" --capacity "$capacity" >/dev/null
  step "pack the OVA (descriptor first, then manifest and disk)"
  rm -f "$dir/$NAME.ova"
  # USTAR, root-owned, in the order the OVF spec requires: .ovf first, then .mf, then the disk.
  tar --format=ustar --owner=0 --group=0 --numeric-owner --mode=0644 -C "$dir" \
    -cf "$dir/$NAME.ova" "$NAME.ovf" "$NAME.mf" "$NAME-disk1.vmdk"
}

if [[ "$DRY_RUN" == 1 ]]; then
  compile
  DRY="$OUT/dry-run"
  step "render first-boot files from testdata/ovf-env.sample.xml"
  rm -rf "$DRY"
  mkdir -p "$DRY/rootfs"
  cp -a "$HERE/files/." "$DRY/rootfs/"
  node "$DIST/gateway/image/firstboot.js" --root "$DRY/rootfs" --ovf-env "$HERE/testdata/ovf-env.sample.xml" --no-live
  # A placeholder disk: the dry run checks the descriptor and packing, not the OS.
  : >"$DRY/$NAME-disk1.vmdk"
  render_and_pack "$DRY" "$DISK_BYTES"
  echo "dry run: $DRY/$NAME.ovf"
  echo "dry run: $DRY/rootfs (first-boot files and units)"
  echo "dry run: $DRY/$NAME.ova ($(stat -c %s "$DRY/$NAME.ova") bytes, placeholder disk)"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || {
  echo "build.sh: the full build needs root (debootstrap, chroot, loop devices); --dry-run does not" >&2
  exit 1
}
START=$(date +%s)

step "install build dependencies (apt)"
missing=()
for p in "${HOST_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

compile

if [[ "$CLEAN" == 1 ]]; then
  step "clean the cached root file system"
  rm -rf "$WORK"
fi
mkdir -p "$WORK"

BASE="$WORK/rootfs.base"
if [[ ! -f "$BASE/.l2stretch-debootstrap-ok" ]]; then
  step "debootstrap $SUITE (minbase) from $MIRROR"
  rm -rf "$BASE"
  debootstrap --variant=minbase --arch=amd64 "$SUITE" "$BASE" "$MIRROR"
  touch "$BASE/.l2stretch-debootstrap-ok"
fi

ROOT="$WORK/rootfs"
step "copy the cached base root"
rm -rf "$ROOT"
cp -a "$BASE" "$ROOT"
rm -f "$ROOT/.l2stretch-debootstrap-ok"

step "mount /proc, /sys, /dev in the chroot"
mount_tracked -t proc proc "$ROOT/proc"
mount_tracked -t sysfs sysfs "$ROOT/sys"
mount_tracked --bind /dev "$ROOT/dev"
mount_tracked -t devpts devpts "$ROOT/dev/pts"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

step "configure apt sources in the chroot"
rm -f "$ROOT/etc/apt/sources.list"
cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# No daemon may start inside the build chroot (it would run on the build host).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
# extlinux.conf boots /vmlinuz and /initrd.img: the kernel package keeps these links current.
printf 'do_symlinks = yes\nlink_in_boot = no\n' >"$ROOT/etc/kernel-img.conf"

step "install the appliance packages in the chroot"
in_root apt-get update -q
in_root apt-get install -y -q --no-install-recommends "${IMAGE_PACKAGES[@]}"
in_root apt-get clean
rm -rf "$ROOT/var/lib/apt/lists/"*

step "install the agent into /opt/l2stretch"
APP="$ROOT/opt/l2stretch"
rm -rf "$APP"
mkdir -p "$APP/dist/gateway"
cp -a "$DIST/gateway/agent" "$DIST/gateway/image" "$APP/dist/gateway/"
# The agent and first boot import the shared contract (gateway document, vApp properties).
cp -a "$DIST/contract" "$APP/dist/"
node "$DIST/gateway/image/runtime-deps.js" --project "$REPO" \
  --scan "$DIST/gateway/agent" --scan "$DIST/gateway/image" --scan "$DIST/contract" --dest "$APP"
# The compiled files are CommonJS; without this Node would look further up for a package.json.
printf '{ "name": "l2stretch-gateway", "version": "%s", "private": true, "type": "commonjs" }\n' "$VERSION" >"$APP/package.json"
cp "$REPO/gateway/agent/README.md" "$APP/README.md"
chown -R 0:0 "$APP"

step "install units and system configuration"
cp -a "$HERE/files/." "$ROOT/"
install -d -m 0700 "$ROOT/etc/l2stretch" "$ROOT/var/lib/l2stretch"
echo "l2stretch-gateway" >"$ROOT/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tl2stretch-gateway\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
# The build host's resolver means nothing on a deployed gateway; firstboot writes the real one.
rm -f "$ROOT/etc/resolv.conf"
: >"$ROOT/etc/resolv.conf"
# Empty machine-id: every deployed copy generates its own on first boot (it also seeds the
# DHCP client identifier, so clones must not share it).
: >"$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"
echo "l2stretch gateway $VERSION (Debian $SUITE)" >"$ROOT/etc/l2stretch/release"
in_root systemctl enable systemd-networkd.service systemd-timesyncd.service \
  l2stretch-firstboot.service l2stretch-agent.service
# charon-systemd ships strongswan.service, a system-wide charon that would hold UDP 500/4500
# and load /etc/swanctl. The agent runs its own charon with a private config instead.
in_root systemctl mask strongswan.service
# No login accounts: the appliance is managed through the agent's API (root stays locked).
in_root passwd -l root >/dev/null

step "smoke test: first boot parser and agent start in the chroot"
SMOKE=/tmp/l2stretch-smoke
rm -rf "$ROOT$SMOKE"
mkdir -p "$ROOT$SMOKE"
cp "$HERE/testdata/ovf-env.sample.xml" "$ROOT$SMOKE/ovf-env.xml"
in_root node /opt/l2stretch/dist/gateway/image/firstboot.js --root "$SMOKE/root" --ovf-env "$SMOKE/ovf-env.xml" --no-live
grep -q "Address=192.0.2.10/24" "$ROOT$SMOKE/root/etc/systemd/network/10-l2stretch-mgmt.network"
test -s "$ROOT$SMOKE/root/var/lib/l2stretch/last-good.json"
# Start the real agent with Debian's node (no config yet, so it touches no interface) and ask
# its API for the status with the token: proves node, the copied modules and openssl work.
in_root node -e '
  const { spawn } = require("child_process");
  const https = require("https");
  const dir = process.argv[1];
  const token = require("fs").readFileSync(dir + "/root/etc/l2stretch/token", "utf8").trim();
  const agent = spawn("node", ["/opt/l2stretch/dist/gateway/agent/main.js", "--state-dir", dir + "/state",
    "--listen", "127.0.0.1:0", "--token-file", dir + "/root/etc/l2stretch/token"], { stdio: ["ignore", "pipe", "inherit"] });
  const fail = (m) => { console.error("smoke: " + m); agent.kill(); process.exit(1); };
  setTimeout(() => fail("no listening line within 60 s"), 60000).unref();
  agent.stdout.once("data", (b) => {
    const ev = JSON.parse(b.toString().split("\n")[0]);
    const req = https.get({ host: "127.0.0.1", port: ev.port, path: "/v1/status", rejectUnauthorized: false,
      headers: { authorization: "Bearer " + token } }, (res) => {
      res.resume();
      console.log("smoke: agent on node " + process.version + " answered " + res.statusCode + ", fingerprint " + ev.fingerprint256);
      agent.kill();
      process.exit(res.statusCode === 200 ? 0 : 1);
    });
    req.on("error", (e) => fail(e.message));
  });
' "$SMOKE"
rm -rf "${ROOT:?}$SMOKE"

step "unmount the chroot"
cleanup
rm -f "$ROOT/usr/sbin/policy-rc.d"

step "create the raw disk (one ext4 partition)"
RAW="$WORK/disk.raw"
rm -f "$RAW"
truncate -s "$DISK_BYTES" "$RAW"
echo "start=$PART_START_SECTOR, type=83, bootable" | sfdisk --quiet --label dos "$RAW"
PART_BYTES=$((DISK_BYTES - PART_START_SECTOR * 512))
# The partition is attached on its own (offset + size limit) because partition scanning of a
# whole-disk loop device needs udev, which a build container usually lacks.
LOOP="$(losetup --find --show --offset $((PART_START_SECTOR * 512)) --sizelimit "$PART_BYTES" "$RAW")"
ROOT_UUID="$(cat /proc/sys/kernel/random/uuid)"
mkfs.ext4 -q -L l2stretch-root -U "$ROOT_UUID" "$LOOP"
MNT="$WORK/mnt"
mkdir -p "$MNT"
mount_tracked "$LOOP" "$MNT"

step "copy the root file system onto the disk"
cp -a "$ROOT/." "$MNT/"
cat >"$MNT/etc/fstab" <<EOF
UUID=$ROOT_UUID / ext4 errors=remount-ro 0 1
EOF

step "install the extlinux boot loader"
mkdir -p "$MNT/boot/extlinux"
# net.ifnames=0: NIC 1 (management) is eth0 and NIC 2 (site trunk) is eth1 on every
# hypervisor, which the network file and the documented configs rely on.
cat >"$MNT/boot/extlinux/extlinux.conf" <<EOF
DEFAULT l2stretch
PROMPT 0
TIMEOUT 20
LABEL l2stretch
  MENU LABEL l2stretch gateway $VERSION
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND root=UUID=$ROOT_UUID ro net.ifnames=0 biosdevname=0 console=ttyS0,115200n8 console=tty0
EOF
extlinux --install "$MNT/boot/extlinux"
sync
cleanup
# The boot sector records where ldlinux.sys lies relative to the partition; tell it the
# partition's own offset too ("hidden sectors", BPB offset 0x1C), which extlinux cannot learn
# from an offset loop device. syslinux's MBR also passes it, so this is belt and braces.
node -e '
  const fs = require("fs");
  const [raw, start] = [process.argv[1], Number(process.argv[2])];
  const b = Buffer.alloc(4);
  b.writeUInt32LE(start);
  const fd = fs.openSync(raw, "r+");
  fs.writeSync(fd, b, 0, 4, start * 512 + 0x1c);
  fs.closeSync(fd);
' "$RAW" "$PART_START_SECTOR"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$RAW" bs=440 count=1 conv=notrunc status=none

step "convert to a streamOptimized VMDK"
PKG="$OUT/$NAME"
rm -rf "$PKG"
mkdir -p "$PKG"
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic "$RAW" "$PKG/$NAME-disk1.vmdk"

render_and_pack "$PKG" "$DISK_BYTES"
mv "$PKG/$NAME.ova" "$OUT/$NAME.ova"
rm -f "$RAW"

step "done"
SIZE=$(stat -c %s "$OUT/$NAME.ova")
echo "OVA: $OUT/$NAME.ova ($SIZE bytes, $((SIZE / 1024 / 1024)) MiB) in $(($(date +%s) - START)) s"
