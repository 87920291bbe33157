// NSX Manager's HTTP Basic authentication (plain user:password, no @org as in vCD).
import { SimError } from "../errors";
import type { World } from "../world";
import { NSX_CODE } from "./errors";

const denied = (msg: string): SimError => new SimError(401, "UNAUTHORIZED", msg, NSX_CODE.unauthorized);

/** Returns the authenticated user name; 401 on a missing or wrong Authorization header. */
export function authenticateNsx(world: World, authorization: string | undefined): string {
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
  if (!m) throw denied("Authentication required: send HTTP Basic credentials of an NSX Manager user.");
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const name = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? "" : decoded.slice(colon + 1);
  const user = world.nsx.users.find((u) => u.name === name);
  if (!user || user.password !== password) throw denied("Bad credentials for NSX Manager.");
  return user.name;
}
