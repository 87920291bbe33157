/**
 * Preloaded by bin/pulumi-resource-pulumi-nodejs (`node --require`): the dynamic-provider
 * process exits with the engine from its first instant, even if the engine dies before it made
 * a single call (registry.ts starts the same watch where Pulumi's own launcher is used).
 */
import { exitWhenOrphaned } from "./parentWatch";

exitWhenOrphaned();
