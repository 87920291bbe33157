import { ApiError, isApiError } from "../common/errors";
import { withKeyLock } from "../common/lock";
import { withRetry, type RetryOptions } from "../common/retry";
import type { XmlNode } from "../vcd/xml";
import { XmlDoc } from "../vcd/xmlDoc";
import { csrXml, readCertificates, readCsr, readCsrs, trustObjectXml } from "./certXml";
import { waitForJob, type WaitForJobOptions } from "./jobs";
import { l2VpnPutBody } from "./l2vpnMerge";
import { l2VpnXml, readL2Vpn } from "./l2vpnXml";
import { readL2VpnStatus } from "./statsXml";
import type { NsxResponse, NsxTransport } from "./transport";
import type {
  Csr,
  CsrRequest,
  EdgeJob,
  L2VpnConfig,
  L2VpnStatus,
  NsxSubInterface,
  NsxVnic,
  TrustCertificate,
} from "./types";
import { subInterfacePutBody, vnicPutBody } from "./vnicMerge";
import { readSubInterface, readVnic, readVnics, subInterfaceXml, vnicXml } from "./vnicXml";
import { child, root } from "./xmlNodes";

/**
 * NSX-v edge API for one edge, over either access path (see transport.ts).
 *
 * Every write takes the process-wide lock `transport.lockKey` and is retried with backoff
 * and jitter on busy/409/5xx/resets until `options.write.deadlineMs`, because an edge takes
 * one change at a time. Whole-document writes should go through `updateVnic` /
 * `updateL2Vpn` (read-modify-write under the lock) so that changes of other owners of the
 * same document survive: their PUT is the document as NSX returned it with only the changed
 * elements edited (vnicMerge.ts, l2vpnMerge.ts), so fields we do not model survive too.
 * `putVnic` / `putL2Vpn` replace blindly and exist for callers that own the whole document.
 */
export interface NsxEdgeClientOptions {
  /** Send writes with ?async=true and wait for the edge job. Default false. */
  async?: boolean;
  /** Deadline and backoff of the write retry loop (after the lock is acquired). */
  write?: RetryOptions;
  /** Polling of edge jobs when `async` is set. */
  job?: WaitForJobOptions;
}

/**
 * Decides the new state of a document from its current state. Return the new document
 * (mutating `current` in place and returning it is fine), `undefined` to leave it as it is,
 * or `null` to remove it (reset the vNIC slot / delete the L2VPN config). It may run more
 * than once (each retry re-reads), so it must be idempotent — "ensure my site is present",
 * not "append a site".
 */
export type Mutation<T> = (current: T) => T | null | undefined;

export const EMPTY_L2VPN: Readonly<L2VpnConfig> = Object.freeze({
  enabled: false,
  logging: Object.freeze({ enable: false, logLevel: "info" }),
});

export class NsxEdgeClient {
  constructor(
    readonly transport: NsxTransport,
    private readonly options: NsxEdgeClientOptions = {},
  ) {}

  get lockKey(): string {
    return this.transport.lockKey;
  }

  // ---- vNICs ------------------------------------------------------------------------------

  async getVnics(): Promise<NsxVnic[]> {
    return readVnics((await this.get(this.transport.edgePath("/vnics"))).xml);
  }

  async getVnic(index: number, retry?: boolean): Promise<NsxVnic> {
    const res = await this.get(this.transport.edgePath(`/vnics/${index}`), retry);
    const node = child(res.xml, "vnic");
    if (!node) throw new ApiError("INVALID_RESPONSE", `GET vnics/${index} did not return a <vnic>`);
    return readVnic(node);
  }

  /** Replaces vNIC `vnic.index` including its sub-interfaces (blind; see updateVnic). */
  async putVnic(vnic: NsxVnic): Promise<void> {
    await this.write(() => this.send("PUT", this.transport.edgePath(`/vnics/${vnic.index}`), vnicXml(vnic)));
  }

  /** Resets the slot to an unused internal vNIC. */
  async resetVnic(index: number): Promise<void> {
    await this.write(() => this.send("DELETE", this.transport.edgePath(`/vnics/${index}`)));
  }

  // ---- sub-interfaces (NSX 6.4+) -----------------------------------------------------------

  /**
   * Adds one sub-interface to trunk vNIC `parent` and returns it with the index NSX gave it.
   * A retry after an ambiguous failure (reset, timeout) first looks for a sub-interface with
   * the same tunnel id, so a POST that did land is not repeated.
   */
  async addSubInterface(parent: number, sub: NsxSubInterface): Promise<NsxSubInterface> {
    const path = this.transport.edgePath(`/vnics/${parent}/subinterfaces`);
    return this.write(async (attempt) => {
      if (attempt > 1) {
        const landed = await this.findSubInterfaceByTunnel(parent, sub.tunnelId);
        if (landed) return landed;
      }
      const res = await this.send("POST", path, subInterfaceXml({ ...sub, index: undefined }));
      const index = Number(/\/subinterfaces\/(\d+)\/?$/.exec(res.headers["location"] ?? "")?.[1]);
      if (Number.isInteger(index)) return this.getSubInterface(parent, index, false);
      const created = await this.findSubInterfaceByTunnel(parent, sub.tunnelId);
      if (!created)
        throw new ApiError("INVALID_RESPONSE", `sub-interface tunnel ${sub.tunnelId} not found after POST`);
      return created;
    });
  }

  async getSubInterface(parent: number, index: number, retry?: boolean): Promise<NsxSubInterface> {
    const res = await this.get(this.transport.edgePath(`/vnics/${parent}/subinterfaces/${index}`), retry);
    const node = child(res.xml, "subInterface");
    if (!node)
      throw new ApiError("INVALID_RESPONSE", `GET subinterfaces/${index} did not return a <subInterface>`);
    return readSubInterface(node);
  }

  /**
   * Sets sub-interface `sub.index` of vNIC `parent` to `sub`: a read-modify-write of its
   * document, so elements we do not model stay as they are.
   */
  async updateSubInterface(parent: number, sub: NsxSubInterface): Promise<void> {
    if (sub.index === undefined) throw new Error("updateSubInterface needs the sub-interface index");
    const path = this.transport.edgePath(`/vnics/${parent}/subinterfaces/${sub.index}`);
    await this.write(async () => {
      const { doc, node } = await this.readDocument(path, "subInterface");
      const xml = subInterfacePutBody(doc, readSubInterface(node), sub);
      if (xml !== undefined) await this.send("PUT", path, xml);
    });
  }

  /** Deletes a sub-interface; an already-absent one counts as deleted. */
  async deleteSubInterface(parent: number, index: number): Promise<void> {
    const path = this.transport.edgePath(`/vnics/${parent}/subinterfaces/${index}`);
    await this.write(() => ignoreNotFound(this.send("DELETE", path)));
  }

  private async findSubInterfaceByTunnel(
    parent: number,
    tunnelId: number,
  ): Promise<NsxSubInterface | undefined> {
    return (await this.getVnic(parent, false)).subInterfaces.find((s) => s.tunnelId === tunnelId);
  }

  // ---- L2VPN --------------------------------------------------------------------------------

  /**
   * The L2VPN config; with `showSensitiveData` (default true) NSX 6.3.5+ includes passwords.
   * An edge without L2VPN configuration (404) reads as EMPTY_L2VPN.
   */
  async getL2Vpn(options: { showSensitiveData?: boolean; retry?: boolean } = {}): Promise<L2VpnConfig> {
    const sensitive = options.showSensitiveData ?? true;
    const path = this.transport.edgePath(`/l2vpn/config${sensitive ? "?showSensitiveData=true" : ""}`);
    try {
      return readL2Vpn((await this.get(path, options.retry)).xml);
    } catch (e) {
      if (isApiError(e, "NOT_FOUND")) return structuredClone(EMPTY_L2VPN) as L2VpnConfig;
      throw e;
    }
  }

  /** Replaces the whole L2VPN config (blind; see updateL2Vpn). Passwords must be present. */
  async putL2Vpn(config: L2VpnConfig): Promise<void> {
    const xml = l2VpnXml(config);
    await this.write(() => this.send("PUT", this.transport.edgePath("/l2vpn/config"), xml));
  }

  async setL2VpnEnabled(enabled: boolean): Promise<void> {
    const path = this.transport.edgePath(`/l2vpn/config?enableService=${enabled}`);
    await this.write(() => this.send("POST", path));
  }

  /** Removes the L2VPN config; an absent one counts as removed. */
  async deleteL2Vpn(): Promise<void> {
    await this.write(() => ignoreNotFound(this.send("DELETE", this.transport.edgePath("/l2vpn/config"))));
  }

  async getL2VpnStatistics(): Promise<L2VpnStatus> {
    return readL2VpnStatus((await this.get(this.transport.edgePath("/l2vpn/config/statistics"))).xml);
  }

  // ---- certificates -------------------------------------------------------------------------

  /** Imports a PEM certificate into the edge's truststore: a service certificate when a key is given, else a CA. */
  async importCertificate(
    pem: string,
    options: { privateKey?: string; passphrase?: string; description?: string } = {},
  ): Promise<TrustCertificate> {
    const path = this.transport.truststorePath(`/certificate/${this.transport.certificateScope}`);
    const body = trustObjectXml(pem, options.privateKey, options.passphrase, options.description);
    const res = await this.write(() => this.send("POST", path, body));
    const returned = readCertificates(res.xml)[0];
    if (returned?.objectId) return returned;
    // Some NSX versions answer with an empty body: find the certificate we just imported.
    const found = (await this.listCertificates()).find((c) => samePem(c.pemEncoding, pem));
    if (!found)
      throw new ApiError("INVALID_RESPONSE", "imported certificate not found in the edge's truststore");
    return found;
  }

  async createCsr(req: CsrRequest): Promise<Csr> {
    const path = this.transport.truststorePath(`/csr/${this.transport.certificateScope}`);
    const res = await this.write(() => this.send("POST", path, csrXml(req)));
    const csr = readCsr(res.xml);
    if (!csr.objectId) throw new ApiError("INVALID_RESPONSE", "NSX returned no CSR id");
    return csr;
  }

  async selfSignCsr(csrId: string, days: number): Promise<TrustCertificate> {
    const path = this.transport.truststorePath(`/csr/${csrId}?noOfDays=${days}`);
    const res = await this.write(() => this.send("PUT", path));
    const cert = readCertificates(res.xml)[0];
    if (!cert?.objectId)
      throw new ApiError("INVALID_RESPONSE", `self-signing ${csrId} returned no certificate`);
    return cert;
  }

  /** CSR on the edge, self-signed for `days` days: the usual L2VPN server certificate. */
  async createSelfSignedCertificate(req: CsrRequest, days: number): Promise<TrustCertificate> {
    return this.selfSignCsr((await this.createCsr(req)).objectId, days);
  }

  async listCsrs(): Promise<Csr[]> {
    const path = this.transport.truststorePath(`/csr/scope/${this.transport.certificateScope}`);
    return readCsrs((await this.get(path)).xml);
  }

  /** Deletes a CSR (and the private key NSX keeps with it); an absent one counts as deleted. */
  async deleteCsr(id: string): Promise<void> {
    const path = this.transport.truststorePath(`/csr/${id}`);
    await this.write(() => ignoreNotFound(this.send("DELETE", path)));
  }

  async listCertificates(): Promise<TrustCertificate[]> {
    const path = this.transport.truststorePath(`/certificate/scope/${this.transport.certificateScope}`);
    return readCertificates((await this.get(path)).xml);
  }

  async getCertificate(id: string): Promise<TrustCertificate> {
    const cert = readCertificates(
      (await this.get(this.transport.truststorePath(`/certificate/${id}`))).xml,
    )[0];
    if (!cert) throw new ApiError("INVALID_RESPONSE", `GET certificate ${id} returned no <certificate>`);
    return cert;
  }

  /** Deletes a truststore certificate; an already-absent one counts as deleted. */
  async deleteCertificate(id: string): Promise<void> {
    const path = this.transport.truststorePath(`/certificate/${id}`);
    await this.write(() => ignoreNotFound(this.send("DELETE", path)));
  }

  // ---- jobs ---------------------------------------------------------------------------------

  waitForJob(jobIdOrLocation: string, options?: WaitForJobOptions): Promise<EdgeJob> {
    return waitForJob(this.transport, jobIdOrLocation, { ...this.options.job, ...options });
  }

  // ---- safe read-modify-write ---------------------------------------------------------------

  /**
   * Read-modify-write of vNIC `index` under the edge lock: GET the vNIC, apply `mutate`,
   * PUT the GET's document with what `mutate` changed edited in — shaping policies, MAC
   * addresses and unknown elements of the vNIC and its sub-interfaces stay — (or DELETE it
   * when `mutate` returns null; nothing when it returns undefined or changes nothing), then
   * GET it again so the caller sees the sub-interface indexes NSX assigned. The whole cycle is retried on transient faults, so a concurrent change by
   * another process is re-read rather than overwritten.
   */
  async updateVnic(index: number, mutate: Mutation<NsxVnic>, retry?: RetryOptions): Promise<NsxVnic> {
    const path = this.transport.edgePath(`/vnics/${index}`);
    return this.write(async () => {
      const { doc, node } = await this.readDocument(path, "vnic");
      const current = readVnic(node);
      // `mutate` may edit `current` in place: keep what was read to see what it changed.
      const read = structuredClone(current);
      const next = mutate(current);
      if (next === undefined) return current;
      if (next === null) await this.send("DELETE", path);
      else {
        // The PUT is the document as read with only the changed, owned elements edited.
        const xml = vnicPutBody(doc, read, { ...next, index });
        if (xml === undefined) return next;
        await this.send("PUT", path, xml);
      }
      return this.getVnic(index, false);
    }, retry);
  }

  /**
   * Read-modify-write of the L2VPN config under the edge lock. The current config is read
   * with showSensitiveData=true, so other sites' and users' passwords are written back
   * unchanged; if NSX withholds any (pre-6.3.5) the write is refused with a ConfigError
   * rather than sent and rejected. The PUT is the GET's document with what `mutate` changed
   * edited in, so elements we do not model stay. `null` from `mutate` deletes the config.
   * Returns the config as read back after the write (with passwords).
   */
  async updateL2Vpn(mutate: Mutation<L2VpnConfig>, retry?: RetryOptions): Promise<L2VpnConfig> {
    const path = this.transport.edgePath("/l2vpn/config");
    return this.write(async () => {
      const read = await this.readL2VpnDocument();
      const current = read ? readL2Vpn({ l2Vpn: read.node }) : (structuredClone(EMPTY_L2VPN) as L2VpnConfig);
      const snapshot = structuredClone(current);
      const next = mutate(current);
      if (next === undefined) return current;
      if (next === null) await ignoreNotFound(this.send("DELETE", path));
      else {
        // Edited into the document as read; with none (404) there is nothing to keep.
        const xml = read ? l2VpnPutBody(read.doc, snapshot, next) : l2VpnXml(next);
        if (xml === undefined) return next;
        await this.send("PUT", path, xml);
      }
      return this.getL2Vpn({ showSensitiveData: true, retry: false });
    }, retry);
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private get(path: string, retry?: boolean): Promise<NsxResponse> {
    return this.transport.request({ method: "GET", path, retry });
  }

  /**
   * GETs a document for a read-modify-write (inside the write loop, so not retried here):
   * its typed reading and the document itself, kept whole for the PUT. A body that is cut
   * off or ill-formed is a retryable MALFORMED_RESPONSE, so nothing is written from it.
   */
  private async readDocument(path: string, root: string): Promise<ReadDocument> {
    return documentOf(await this.get(path, false), path, root);
  }

  /** The L2VPN document with passwords, or undefined when the edge has none (404, empty). */
  private async readL2VpnDocument(): Promise<ReadDocument | undefined> {
    const path = this.transport.edgePath("/l2vpn/config?showSensitiveData=true");
    try {
      const res = await this.get(path, false);
      return res.text.trim() ? documentOf(res, path, "l2Vpn") : undefined;
    } catch (e) {
      if (isApiError(e, "NOT_FOUND")) return undefined;
      throw e;
    }
  }

  /** Holds the edge lock for the whole retried write, including waiting for async jobs. */
  private write<T>(fn: (attempt: number) => Promise<T>, retry?: RetryOptions): Promise<T> {
    return withKeyLock(this.transport.lockKey, () => withRetry(fn, { ...this.options.write, ...retry }));
  }

  /** One write request (never retried here: `write` retries the whole step). */
  private async send(method: "POST" | "PUT" | "DELETE", path: string, xml?: string): Promise<NsxResponse> {
    const async = this.options.async === true;
    const url = async ? `${path}${path.includes("?") ? "&" : "?"}async=true` : path;
    const res = await this.transport.request({ method, path: url, xml, retry: false });
    if (async && res.status === 202 && res.headers["location"]) {
      await this.waitForJob(res.headers["location"]);
    }
    return res;
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isApiError(e, "NOT_FOUND")) throw e;
  }
}

interface ReadDocument {
  /** The document as sent, kept whole for the PUT. */
  doc: XmlDoc;
  /** Its root as the typed readers take it. */
  node: XmlNode;
}

function documentOf(res: NsxResponse, path: string, name: string): ReadDocument {
  const doc = XmlDoc.parse(res.text);
  const node = root(res.xml, name, `GET ${path}`);
  if (doc.root.local !== name)
    throw new ApiError("INVALID_RESPONSE", `GET ${path}: expected a <${name}> document`);
  return { doc, node };
}

function samePem(a: string | undefined, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, "");
  return a !== undefined && norm(a) === norm(b);
}
