// Minimal path router: exact segments and `:param` placeholders.
import type { Route } from "./types";

export interface Match {
  route: Route;
  params: Record<string, string>;
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const ps = pattern.split("/").filter(Boolean);
  const xs = path.split("/").filter(Boolean);
  if (ps.length !== xs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    let x: string;
    try {
      x = decodeURIComponent(xs[i]!);
    } catch {
      return undefined;
    }
    if (p.startsWith(":")) params[p.slice(1)] = x;
    else if (p !== x) return undefined;
  }
  return params;
}

/** A vCD API route: needs a versioned Accept header and a vCD session. */
export function vcdRoute(method: Route["method"], pattern: string, handler: Route["handler"]): Route {
  return { method, pattern, versioned: true, auth: true, handler };
}

export class Router {
  private readonly routes: Route[] = [];

  add(...routes: Route[]): this {
    this.routes.push(...routes);
    return this;
  }

  /** Returns the match, "method" when the path exists with another verb, or undefined. */
  find(method: string, path: string): Match | "method" | undefined {
    let pathExists = false;
    for (const route of this.routes) {
      const params = matchPattern(route.pattern, path);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathExists = true;
    }
    return pathExists ? "method" : undefined;
  }
}
