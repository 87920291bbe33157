import * as pulumi from "@pulumi/pulumi";
import { keyByName } from "../../contract/keyed";

/**
 * Named lists (sub-interfaces, L2VPN sites, gateway networks) are handed to the provider
 * keyed by name, so `pulumi preview --diff` shows an added or removed element by its name
 * instead of a positional rename of every later one (contract/keyed.ts).
 *
 * A plain array with plain names converts right away, leaving each element's other values
 * as they are: a tunnel ID that is unknown at preview stays one unknown field, and the rest
 * of the element still diffs. Only a list that is itself an Output waits for it.
 */
export function keyedByName<T extends { name: pulumi.Input<string> }>(
  list: pulumi.Input<pulumi.Input<T>[]>,
): pulumi.Input<Record<string, unknown>> | pulumi.Output<unknown> {
  const names = plainNames(list);
  if (names) return keyByName(list) as Record<string, unknown>;
  return pulumi.output(list).apply((l) => keyByName(l));
}

/** The names of a plain array of plain objects with plain, unique names; else undefined. */
export function plainNames(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const names = list.map((e) =>
    e &&
    typeof e === "object" &&
    !pulumi.Output.isInstance(e) &&
    typeof (e as { name?: unknown }).name === "string"
      ? (e as { name: string }).name
      : undefined,
  );
  if (names.some((n) => n === undefined) || new Set(names).size !== names.length) return undefined;
  return names as string[];
}
