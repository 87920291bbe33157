import type { ConfigSource } from "../config";
import { closeSessions, setConfig } from "../runtime";

/**
 * The functions a stack program calls (each stretch's tunnel IDs at preview, L2VPN status
 * after a run) run in the program's process. Like the provider process, it keeps one client
 * per connection: every such read shares one vCD session and one lookup of each edge instead
 * of logging in per call, and the session is closed when the program ends instead of being
 * left to time out.
 */
let closeAtExit = false;

export function useProgramConfig(config: ConfigSource | undefined): void {
  setConfig(config ?? { get: () => undefined });
  if (closeAtExit) return;
  closeAtExit = true;
  process.once("beforeExit", () => void closeSessions());
}
