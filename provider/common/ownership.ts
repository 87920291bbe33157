/**
 * Ownership marks: how an object l2stretch created says which resource it belongs to, so a
 * create interrupted after the object reached vCD/NSX (a killed `pulumi up`) finds it on the
 * next `up` and takes it over, and leftovers (certificates of failed servers) can be found and
 * removed — without `adopt: true` and without anyone hunting for the object by hand.
 *
 * The owner is `<project>/<stack>/<resource name>`: what the SDK knows when it registers the
 * resource (dynamic providers never see the URN in `create`). It travels as the hidden input
 * `owner`, which diff ignores, so it never causes an update.
 *
 * The mark is written in the same request that creates the object (a description suffix on a
 * network, the name of a CSR and its certificate), so no kill can leave an object without it.
 */
const NETWORK_MARK = /\s*\[l2stretch:([^\]]+)\]$/;

/** The description vCD stores: the user's text with the owner mark appended. */
export function markedDescription(description: string, owner: string): string {
  if (!owner) return description;
  return `${description}${description ? " " : ""}[l2stretch:${owner}]`;
}

/** The owner a network's description names, if it carries a mark. */
export function ownerOfDescription(description: string | undefined): string | undefined {
  return NETWORK_MARK.exec(description ?? "")?.[1];
}

/** The user's part of a stored description (what refresh compares with the program). */
export function userDescription(description: string | undefined): string {
  return (description ?? "").replace(NETWORK_MARK, "");
}

const CERT_PREFIX = "l2stretch:";

/**
 * Name of the CSR and the self-signed certificate an L2VpnServer makes. Versions before the
 * owner mark named them `l2stretch-<listener>`; those are recognised as ours by `isLegacyName`.
 */
export function certificateName(owner: string, listenerIp: string): string {
  return owner ? `${CERT_PREFIX}${owner}` : `l2stretch-${listenerIp}`;
}

/** True when a truststore object's name says it belongs to `owner` (or its legacy name). */
export function ownsCertificate(name: string | undefined, owner: string, listenerIp: string): boolean {
  return name === certificateName(owner, listenerIp) || name === `l2stretch-${listenerIp}`;
}
