// Control endpoints for tests and demos (/_sim/...). Never subject to faults. They show every
// password in the world, so they take the simulator's admin token (printed at start).
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { badRequest, unauthorized } from "../core/errors";
import { emptyReply } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";

const json = (status: number, value: unknown): Reply => ({
  status,
  body: JSON.stringify(value),
  contentType: "application/json",
});

const faultsSchema = z
  .object({
    latencyMs: z.number().min(0),
    errorRate: z.number().min(0).max(1),
    resetRate: z.number().min(0).max(1),
    busyMs: z.number().min(0),
    taskMs: z.number().min(0),
    faultSeed: z.number().int().min(0),
  })
  .partial()
  .strict();

function setFaults(ctx: Ctx): Reply {
  let raw: unknown;
  try {
    raw = JSON.parse(ctx.body || "{}");
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  const r = faultsSchema.safeParse(raw);
  if (!r.success)
    throw badRequest(r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
  ctx.core.setFaults(r.data);
  return json(200, ctx.core.faults);
}

function requireAdminToken(ctx: Ctx): void {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? "")?.[1] ?? "");
  const expected = Buffer.from(ctx.core.adminToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw unauthorized(
      "The /_sim endpoints need the simulator's admin token: Authorization: Bearer <token> (printed at start, or set with --admin-token / L2STRETCH_SIM_ADMIN_TOKEN).",
    );
}

const r = (method: Route["method"], pattern: string, handler: Route["handler"]): Route => ({
  method,
  pattern,
  versioned: false,
  auth: false,
  handler: (ctx) => {
    requireAdminToken(ctx);
    return handler(ctx);
  },
});

export const adminRoutes: Route[] = [
  r("GET", "/_sim/stats", (ctx) => json(200, ctx.core.stats)),
  r("GET", "/_sim/world", (ctx) => json(200, ctx.core.world)),
  r("GET", "/_sim/requests", (ctx) => json(200, ctx.core.requestLog)),
  r("GET", "/_sim/faults", (ctx) => json(200, ctx.core.faults)),
  r("POST", "/_sim/faults", setFaults),
  r("POST", "/_sim/reset", (ctx) => {
    ctx.core.reset();
    return emptyReply(204);
  }),
];
