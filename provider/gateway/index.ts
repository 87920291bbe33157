/** Client of the reference gateway agent (see gateway/agent/README.md). */
export { GatewayAgentClient, type GatewayClientOptions } from "./client";
export { waitForConvergence, pendingConditions, summarize, type ConvergenceOptions } from "./converge";
export { CertificatePinError, type TlsTrust } from "./pinning";
export { normalizeFingerprint, isFingerprint, parseEndpoint, type Endpoint } from "../../contract/endpoint";
export type * from "../../contract/agentApi";
