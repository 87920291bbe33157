import * as pulumi from "@pulumi/pulumi";

/** What the provider code our functions run in the program's process reads its settings from. */
export interface FunctionConfig {
  get(key: string): string | undefined;
}

const SECRET_KEYS = ["password", "nsxPassword"] as const;

/**
 * l2stretch's stack config for a function call, with the passwords read as secrets so they
 * are never printed. The answers of our functions are not secret: callers unsecret them.
 */
export function functionConfig(): pulumi.Output<FunctionConfig> {
  const config = new pulumi.Config("l2stretch");
  const secrets = pulumi.all(SECRET_KEYS.map((k) => config.getSecret(k) ?? pulumi.output(undefined)));
  return secrets.apply((values) => {
    const secret = new Map<string, string | undefined>(
      SECRET_KEYS.map((k, i) => [`l2stretch:${k}`, values[i]]),
    );
    return {
      get: (key: string) => (secret.has(key) ? secret.get(key) : config.get(key.replace(/^l2stretch:/, ""))),
    };
  });
}
