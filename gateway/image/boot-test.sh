#!/usr/bin/env bash
# Boots the built appliance disk in QEMU (no KVM needed, just slower) with the OVF environment
# on a CD-ROM, the "iso" transport, since QEMU has no VMware Tools channel, and checks that
# first boot configured eth0 and that the agent answers on its API with the token.
#
#   bash gateway/image/boot-test.sh   (after build.sh; installs qemu-system-x86 and xorriso)
#
# Not part of npm test: it needs the built image and takes a few minutes under emulation.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/out"
VERSION="$(node -p 'require(process.argv[1]).version' "$REPO/package.json")"
NAME="l2stretch-gateway-$VERSION"
VMDK="$OUT/$NAME/$NAME-disk1.vmdk"
T="$OUT/node_modules/boot-test"
PORT="${L2STRETCH_BOOT_TEST_PORT:-18443}"
TOKEN="boot-test-token-0123456789abcdef"
STEP="start"
trap 'echo "boot-test.sh: FAILED in step '\''$STEP'\'' (exit $?)" >&2' ERR
step() {
  STEP="$1"
  echo "==> [$(date +%H:%M:%S)] $STEP" >&2
}

[[ -f "$VMDK" ]] || {
  echo "boot-test.sh: $VMDK not found; run build.sh first" >&2
  exit 1
}

step "install qemu-system-x86 and xorriso (apt)"
if ! command -v qemu-system-x86_64 >/dev/null || ! command -v xorriso >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86 xorriso
fi

step "make the OVF environment ISO"
rm -rf "$T"
mkdir -p "$T/iso"
# QEMU's user network: the guest is 10.0.2.15/24 behind 10.0.2.2. The first config is the
# sample one (kernel ESP backend, site port eth1); its peer does not exist, which is fine.
CONFIG="$(node -e 'process.stdout.write(Buffer.from(JSON.stringify(require(process.argv[1]))).toString("base64"))' \
  "$HERE/testdata/first-config.sample.json")"
cat >"$T/iso/ovf-env.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" oe:id="">
  <PropertySection>
    <Property oe:key="l2stretch.hostname" oe:value="boot-test"/>
    <Property oe:key="l2stretch.mgmt.address" oe:value="10.0.2.15/24"/>
    <Property oe:key="l2stretch.mgmt.gateway" oe:value="10.0.2.2"/>
    <Property oe:key="l2stretch.mgmt.dns" oe:value="10.0.2.3"/>
    <Property oe:key="l2stretch.agent.token" oe:value="$TOKEN"/>
    <Property oe:key="l2stretch.agent.config" oe:value="$CONFIG"/>
  </PropertySection>
</Environment>
EOF
xorriso -as mkisofs -quiet -V "OVF ENV" -o "$T/ovf-env.iso" "$T/iso"
# The streamOptimized VMDK is read-only for QEMU; boot a throwaway overlay on top of it.
qemu-img create -q -f qcow2 -b "$VMDK" -F vmdk "$T/overlay.qcow2"

step "boot (serial console in $T/console.log)"
ACCEL=tcg
[[ -w /dev/kvm ]] && ACCEL=kvm
qemu-system-x86_64 -machine pc,accel="$ACCEL" -m 2048 -smp 2 -display none -no-reboot \
  -serial "file:$T/console.log" \
  -drive file="$T/overlay.qcow2",if=ide,index=0,media=disk \
  -drive file="$T/ovf-env.iso",if=ide,index=2,media=cdrom,readonly=on \
  -netdev user,id=mgmt,hostfwd=tcp:127.0.0.1:"$PORT"-10.0.2.15:8443 -device virtio-net-pci,netdev=mgmt \
  -netdev user,id=site,restrict=on -device virtio-net-pci,netdev=site \
  -pidfile "$T/qemu.pid" -daemonize
trap 'kill "$(cat "$T/qemu.pid" 2>/dev/null)" 2>/dev/null || true' EXIT
START=$(date +%s)

step "wait for the agent API through the forwarded port"
status=""
for _ in $(seq 1 120); do
  status="$(node -e '
    const https = require("https");
    const req = https.get({ host: "127.0.0.1", port: Number(process.argv[1]), path: "/v1/status", rejectUnauthorized: false,
      headers: { authorization: "Bearer " + process.argv[2] }, timeout: 5000 }, (res) => {
      let body = ""; res.on("data", (d) => (body += d));
      res.on("end", () => { process.stdout.write(res.statusCode + " " + body); });
    });
    req.on("error", () => process.exit(1));
    req.on("timeout", () => req.destroy());
  ' "$PORT" "$TOKEN" 2>/dev/null)" && [[ "$status" == 200* ]] && break
  sleep 5
done
[[ "$status" == 200* ]] || {
  tail -50 "$T/console.log" >&2
  echo "boot-test.sh: the agent did not answer within 10 minutes" >&2
  exit 1
}
echo "boot-test: agent answered after $(($(date +%s) - START)) s: ${status:0:400}"
step "check that a wrong token is refused"
code="$(node -e '
  require("https").get({ host: "127.0.0.1", port: Number(process.argv[1]), path: "/v1/status", rejectUnauthorized: false,
    headers: { authorization: "Bearer wrong-token-0123456789" } }, (res) => process.stdout.write(String(res.statusCode)));
' "$PORT")"
[[ "$code" == 401 ]]
grep -a "l2stretch-firstboot" "$T/console.log" | head -5 || true
echo "boot-test: OK (first boot from the ISO environment, agent up, token enforced)"
