import type { ConfigSource } from "../config";
import { setConfig } from "../runtime";

/**
 * The functions a stack program calls (each stretch's tunnel IDs at preview, L2VPN status
 * after a run) run in the program's process. Like the provider process, it keeps one client
 * per connection (runtime.ts): every such read shares one vCD session and one lookup of each
 * edge instead of logging in per call. As in the provider, the session is not logged out at
 * exit (a logout to an unreachable vCD would hold the program's exit); vCD ends it when idle.
 */
export function useProgramConfig(config: ConfigSource | undefined): void {
  setConfig(config ?? { get: () => undefined });
}
