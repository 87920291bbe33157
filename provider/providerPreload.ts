/**
 * Preloaded into the dynamic-provider process by bin/pulumi-resource-pulumi-nodejs
 * (`node --require`), before Pulumi's entry point runs.
 */
import { deferTypescript } from "./deferTypescript";
import { exitWhenOrphaned } from "./parentWatch";

// Exits with the engine from the first instant, even if the engine dies before its first call
// (registry.ts starts the same watch where Pulumi's own launcher is used).
exitWhenOrphaned();
deferTypescript();
