import * as pulumi from "@pulumi/pulumi";

/**
 * The ownership mark the provider writes on what it creates (provider/common/ownership.ts):
 * `<project>/<stack>/<resource name>`. Dynamic providers are not told the URN in `create`, so
 * the SDK passes this as the hidden input `owner`; an interrupted `up` then finds its own
 * objects on the next `up` and takes them over.
 */
export function ownerOf(name: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
}
