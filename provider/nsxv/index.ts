/** NSX-v edge client: transports (vCD proxy / NSX Manager direct), XML mapping, safe writes. */
export * from "./types";
export { NsxEdgeClient, EMPTY_L2VPN, type Mutation, type NsxEdgeClientOptions } from "./client";
export { NsxExecutor, type NsxManagerConnection } from "./executor";
export { NsxDirectTransport, listNsxEdges, resolveNsxEdge, nsxDirectTransport } from "./directTransport";
export { VcdProxyTransport, type VcdProxyTransportOptions } from "./proxyTransport";
export { type NsxTransport, type NsxAccessPath } from "./transport";
export { edgeLockKey } from "../common/edgeIdentity";
export { waitForJob, type WaitForJobOptions } from "./jobs";
export { upsertSubInterface, removeSubInterface, upsertPeerSite, removePeerSite } from "./mutations";
export { missingPasswords, nsxObjectId } from "./l2vpnXml";
