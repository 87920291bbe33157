/**
 * Detects kernel ESP. With it, the kernel encrypts (`transport.backend: "kernel"`) and no packet
 * crosses a userspace daemon; without it (as on the reference machines, no CONFIG_INET_ESP)
 * kernel-libipsec is the only data path. The probe installs a throwaway SA with the AEAD the
 * gateway proposes (AES-GCM, rfc4106) between two documentation addresses and removes it again:
 * on a kernel without ESP or without that AEAD the `add` fails.
 */
import { Executor } from "./exec";

const PROBE = {
  src: "192.0.2.254",
  dst: "192.0.2.253",
  spi: "0x4c32e5f1",
};

export function espProbeArgv(op: "add" | "delete"): string[] {
  const sa = ["src", PROBE.src, "dst", PROBE.dst, "proto", "esp", "spi", PROBE.spi];
  if (op === "delete") return ["ip", "xfrm", "state", "delete", ...sa];
  // 20 bytes: a 128-bit key plus the 4-byte salt rfc4106 expects; 128-bit ICV.
  return [
    "ip",
    "xfrm",
    "state",
    "add",
    ...sa,
    "mode",
    "tunnel",
    "aead",
    "rfc4106(gcm(aes))",
    `0x${"11".repeat(20)}`,
    "128",
  ];
}

export async function kernelEspAvailable(ex: Executor): Promise<boolean> {
  const added = await ex.run(espProbeArgv("add"));
  if (added.code !== 0) return false;
  await ex.run(espProbeArgv("delete"));
  return true;
}
