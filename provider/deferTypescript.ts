import Module from "node:module";

/**
 * `@pulumi/pulumi` requires the TypeScript compiler as soon as it loads, for serialising
 * closures — which only a program does. The dynamic-provider process never serialises, yet
 * paid for it on every command before it could answer its first call: 0.43 s of its start-up
 * CPU (measured in a 100-network preview). Preloaded there by bin/pulumi-resource-pulumi-nodejs,
 * this makes `require("typescript")` return a stand-in that loads the real compiler the first
 * time anything is read from it, so nothing changes for code that does use it.
 */
type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };

export function deferTypescript(): void {
  const load = loader._load;
  let standIn: object | undefined;
  loader._load = function (this: unknown, request, parent, isMain) {
    if (request !== "typescript") return load.call(this, request, parent, isMain);
    standIn ??= loadOnFirstUse(() => load.call(this, request, parent, isMain) as object);
    return standIn;
  };
}

function loadOnFirstUse(loadReal: () => object): object {
  let real: object | undefined;
  const target = () => (real ??= loadReal());
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(target(), key),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(target(), key);
        // A proxy may report a property its (empty) target lacks only as configurable.
        return d && { ...d, configurable: true };
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    },
  );
}
