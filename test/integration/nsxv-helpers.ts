import { NsxEdgeClient, type NsxEdgeClientOptions } from "../../provider/nsxv/client";
import { nsxDirectTransport } from "../../provider/nsxv/directTransport";
import { NsxExecutor } from "../../provider/nsxv/executor";
import { VcdProxyTransport } from "../../provider/nsxv/proxyTransport";
import type { NsxSubInterface, NsxVnic } from "../../provider/nsxv/types";
import { VcdExecutor } from "../../provider/vcd/executor";
import { findEdgeGateway, findVdc } from "../../provider/vcd/inventory";

/** Shared set-up of the NSX-v client integration tests (not a test file itself). */

export const fastRetry = { initialDelayMs: 20, maxDelayMs: 500, deadlineMs: 60_000 };

export interface EdgeUnderTest {
  path: "vcd-proxy" | "nsx-direct";
  client: NsxEdgeClient;
  /** Address of the edge's uplink vnic0 (an L2VPN listener must be one of its addresses). */
  uplinkIp: string;
  /** Distinct second octet so the two paths' test subnets never look alike. */
  octet: number;
  /** Every debug line the executor logged (already redacted), to check no secret leaks. */
  log: string[];
  close(): Promise<void>;
}

export function vcdExec(url: string, log?: string[]): VcdExecutor {
  return new VcdExecutor({
    url,
    org: "acme",
    user: "alice",
    password: "Alice-Secret-1",
    retry: fastRetry,
    log: log && ((l) => log.push(l)),
  });
}

export function nsxExec(url: string, log?: string[]): NsxExecutor {
  return new NsxExecutor({
    url,
    user: "admin",
    password: "Nsx-Admin-Secret-1",
    retry: fastRetry,
    log: log && ((l) => log.push(l)),
  });
}

/** edge-cloud-1 through the vCD proxy (its NSX id is edge-1 in the simulator). */
export async function proxyEdge(
  url: string,
  options: NsxEdgeClientOptions = {},
  name = "edge-cloud-1",
  nsxEdgeId?: string,
): Promise<EdgeUnderTest> {
  const log: string[] = [];
  const exec = vcdExec(url, log);
  const gw = await findEdgeGateway(exec, await findVdc(exec, "acme-vdc"), name);
  const client = new NsxEdgeClient(new VcdProxyTransport(exec, gw.uuid, { nsxEdgeId }), {
    write: fastRetry,
    ...options,
  });
  return { path: "vcd-proxy", client, uplinkIp: "192.0.2.10", octet: 60, log, close: () => exec.logout() };
}

/** edge-onprem-1 (edge-101) on NSX Manager directly, resolved by name. */
export async function directEdge(
  url: string,
  options: NsxEdgeClientOptions = {},
  name = "edge-onprem-1",
): Promise<EdgeUnderTest> {
  const log: string[] = [];
  const exec = nsxExec(url, log);
  const client = new NsxEdgeClient(await nsxDirectTransport(exec, name), { write: fastRetry, ...options });
  return {
    path: "nsx-direct",
    client,
    uplinkIp: "198.51.100.20",
    octet: 70,
    log,
    close: async () => undefined,
  };
}

/** Makes `v` a connected trunk on `portgroupId`, keeping whatever sub-interfaces it has. */
export function ensureTrunk(v: NsxVnic, portgroupId: string, name = `l2s-trunk-${v.index}`): NsxVnic {
  if (v.type === "trunk" && v.portgroupId === portgroupId && v.isConnected) return v;
  return { ...v, name, type: "trunk", isConnected: true, portgroupId, mtu: 1600, addressGroups: [] };
}

export function vlanSub(name: string, tunnelId: number, vlanId: number, address: string): NsxSubInterface {
  return {
    name,
    tunnelId,
    vlanId,
    mtu: 1500,
    isConnected: true,
    enableSendRedirects: false,
    addressGroups: [{ primaryAddress: address, prefixLength: 24 }],
  };
}

export const FAKE_PEM =
  "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUL2sTrEtChTEsTbYtHeSiMuLaToRwCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n";
