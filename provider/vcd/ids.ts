/** vCD identifiers: URNs (`urn:vcloud:network:<uuid>`), hrefs and bare UUIDs. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function uuidOf(idOrHref: string): string {
  const m = UUID.exec(idOrHref);
  if (!m) throw new Error(`not a vCD id, href or URN: ${idOrHref}`);
  return m[0].toLowerCase();
}

export function isVcdId(value: string): boolean {
  return UUID.test(value);
}

export function urn(kind: "network" | "gateway" | "vdc" | "org" | "task", uuid: string): string {
  return `urn:vcloud:${kind}:${uuidOf(uuid)}`;
}
