import type { ConfigSource } from "./config";
import { withInputForms } from "./handlers/inputForms";
import type { InputSpec, ResourceHandler } from "./handlers/types";
import { exitWhenOrphaned, isDynamicProviderProcess } from "./parentWatch";
import { setConfig } from "./runtime";

/**
 * Maps resource type names to their handlers. The serialized stub in each resource's
 * state only names its type and requires this module by package name
 * (`l2stretch/dist/provider/registry`), so `refresh` and `destroy` always run the installed
 * l2stretch code, not a copy frozen into state. That path and `handler`/`configure` are
 * therefore part of every stack's state: keep them loadable forever.
 */
// Loaded by the first call the engine makes: from then on, a dead engine stops our writes.
if (isDynamicProviderProcess()) exitWhenOrphaned();

type HandlerModule = Record<string, unknown> & { INPUT_SPEC: InputSpec };

const loaders: Record<string, () => ResourceHandler> = {
  SubinterfaceOrgNetwork: () =>
    wrap(require("./handlers/subinterfaceOrgNetwork"), "subinterfaceOrgNetworkHandler"),
  GatewayConfig: () => wrap(require("./handlers/gatewayConfig"), "gatewayConfigHandler"),
  EdgeTrunkInterface: () => wrap(require("./handlers/edgeTrunkInterface"), "edgeTrunkInterfaceHandler"),
  L2VpnServer: () => wrap(require("./handlers/l2vpnServer"), "l2vpnServerHandler"),
  L2VpnClient: () => wrap(require("./handlers/l2vpnClient"), "l2vpnClientHandler"),
};

function wrap(mod: HandlerModule, name: string): ResourceHandler {
  return withInputForms(mod[name] as ResourceHandler, mod.INPUT_SPEC);
}

export function handler(type: string): ResourceHandler {
  const load = loaders[type];
  if (!load) {
    throw new Error(
      `l2stretch has no handler for resource type ${type}; is the installed l2stretch older than the program?`,
    );
  }
  return load();
}

export function configure(config: ConfigSource): void {
  setConfig(config);
}
