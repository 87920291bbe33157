// NSX edge-service errors. NSX answers with <error><details/><errorCode/><moduleName/></error>;
// the codes below are the simulator's own except 10013 (named for "edge busy" by the contract).
// Clients should branch on HTTP status, not on these numbers.
import { SimError } from "../errors";

export const NSX_CODE = {
  invalidInput: 10001,
  notFound: 10003,
  busy: 10013,
  vnic: 10130,
  l2vpn: 10350,
  staleVersion: 10400,
  truststore: 10700,
  unauthorized: 10900,
} as const;

/** A 400 that carries an NSX errorCode. */
export const nsxBad = (message: string, code: number = NSX_CODE.invalidInput): SimError =>
  new SimError(400, "BAD_REQUEST", message, code);

export const nsxNotFound = (message: string): SimError =>
  new SimError(404, "RESOURCE_NOT_FOUND", message, NSX_CODE.notFound);
