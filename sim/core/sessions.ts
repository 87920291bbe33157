// Login sessions. Kept in memory only: after a simulator restart clients get 401 and must log in
// again, exactly the path they need for real vCD session expiry.
import { accessToken, legacyToken, newId, urn } from "./ids";
import type { Org, User } from "./world";

export interface Session {
  id: string;
  userId: string;
  userName: string;
  orgId: string;
  orgName: string;
  isSystem: boolean;
  apiVersion: string;
  legacyToken: string | undefined;
  accessToken: string;
  lastUsedMs: number;
}

export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly ttlMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  create(org: Org, user: User, apiVersion: string, withLegacyToken: boolean): Session {
    const s: Session = {
      id: urn("session", newId()),
      userId: urn("user", user.id),
      userName: user.name,
      orgId: org.id,
      orgName: org.name,
      isSystem: org.isSystem,
      apiVersion,
      legacyToken: withLegacyToken ? legacyToken() : undefined,
      accessToken: accessToken(user.name),
      lastUsedMs: this.now(),
    };
    this.byId.set(s.id, s);
    this.byToken.set(s.accessToken, s);
    if (s.legacyToken) this.byToken.set(s.legacyToken, s);
    return s;
  }

  /** Returns the live session for a token and refreshes its idle timer; expired ones are dropped. */
  lookup(token: string): Session | undefined {
    const s = this.byToken.get(token);
    if (!s) return undefined;
    if (this.now() - s.lastUsedMs > this.ttlMs()) {
      this.remove(s.id);
      return undefined;
    }
    s.lastUsedMs = this.now();
    return s;
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  remove(id: string): boolean {
    const s = this.byId.get(id);
    if (!s) return false;
    this.byId.delete(id);
    this.byToken.delete(s.accessToken);
    if (s.legacyToken) this.byToken.delete(s.legacyToken);
    return true;
  }

  clear(): void {
    this.byId.clear();
    this.byToken.clear();
  }
}
