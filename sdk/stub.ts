import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object Pulumi serializes into each dynamic resource's state. It holds no
 * logic: every method loads l2stretch's installed provider by package name and forwards
 * the call, so state stays small and `refresh`/`destroy` run the current code. Keep it
 * free of captured modules: the closure serializer copies anything it references.
 *
 * One object per type: Pulumi caches the serialization per provider object, so a hundred
 * networks serialize the stub once instead of a hundred times (70+ ms each).
 */
const stubs = new Map<string, pulumi.dynamic.ResourceProvider>();

export function providerStub(type: string): pulumi.dynamic.ResourceProvider {
  let stub = stubs.get(type);
  if (!stub) stubs.set(type, (stub = makeStub(type)));
  return stub;
}

/** Separate from the cache above so the serialized closure never captures the cache. */
function makeStub(type: string): pulumi.dynamic.ResourceProvider {
  const registry = () => require("l2stretch/dist/provider/registry");
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
      registry().configure(req.config);
    },
    async check(olds: unknown, news: unknown) {
      return registry().handler(type).check(olds, news);
    },
    async diff(id: string, olds: unknown, news: unknown) {
      return registry().handler(type).diff(id, olds, news);
    },
    async create(inputs: unknown) {
      return registry().handler(type).create(inputs);
    },
    async read(id: string, props: unknown) {
      return registry().handler(type).read(id, props);
    },
    async update(id: string, olds: unknown, news: unknown) {
      return registry().handler(type).update(id, olds, news);
    },
    async delete(id: string, props: unknown) {
      return registry().handler(type).delete(id, props);
    },
  };
}
