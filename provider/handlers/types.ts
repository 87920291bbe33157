import { type CheckFailure } from "../../contract/validation";

/** What every resource handler implements; the stub forwards Pulumi's calls here. */
export type Props = Record<string, unknown>;

export interface ResourceHandler {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id: string; props?: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

/**
 * How a resource's inputs look from the user's side; `withInputForms` uses it to convert
 * at the boundary so handlers never see unknowns in diff or keyed lists.
 */
export interface InputSpec {
  /** Top-level inputs (state outputs carry more keys). */
  inputKeys: readonly string[];
  /** Inputs whose change replaces the resource. */
  replaceOn: readonly string[];
  /** Named lists (dotted paths) that travel keyed by name; see contract/keyed.ts. */
  keyedLists?: readonly string[];
  /** Rewrites an internal property path into the one the user wrote (e.g. for moved secrets). */
  userPath?: (property: string) => string;
}
