// Identifier helpers. vCD exposes bare UUIDs in hrefs and URNs in id attributes.
import { randomBytes, randomUUID } from "node:crypto";

export type UrnKind = "org" | "vdc" | "gateway" | "network" | "task" | "user" | "session";

export function newId(): string {
  return randomUUID();
}

export function urn(kind: UrnKind, uuid: string): string {
  return `urn:vcloud:${kind}:${uuid}`;
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Accepts a bare UUID, a URN or an href and returns the (last) UUID in it. */
export function uuidOf(ref: string): string | undefined {
  const all = ref.match(new RegExp(UUID_RE.source, "gi"));
  return all ? all[all.length - 1]!.toLowerCase() : undefined;
}

/** Legacy x-vcloud-authorization tokens are 32 hex characters. */
export function legacyToken(): string {
  return randomBytes(16).toString("hex");
}

/** A JWT-shaped opaque bearer token (clients must treat it as opaque; its length matters to GOVCD). */
export function accessToken(subject: string): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  const header = b64({ alg: "RS256", typ: "JWT" });
  const payload = b64({ sub: subject, iss: "l2stretch-sim", jti: randomUUID() });
  return `${header}.${payload}.${randomBytes(64).toString("base64url")}`;
}
