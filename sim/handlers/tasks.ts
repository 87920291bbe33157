// Task polling and cancellation.
import { getTask } from "../core/access";
import { badRequest } from "../core/errors";
import { taskTree } from "../render/task";
import { emptyReply, requireSession, xmlReply } from "../http/respond";
import type { Ctx, Reply, Route } from "../http/types";

function read(ctx: Ctx): Reply {
  const task = getTask(ctx.core, requireSession(ctx), ctx.params["id"]!);
  return xmlReply(ctx, 200, "Task", taskTree(ctx.core, task), "task");
}

function cancel(ctx: Ctx): Reply {
  const task = getTask(ctx.core, requireSession(ctx), ctx.params["id"]!);
  if (!ctx.core.tasks.cancel(task))
    throw badRequest(`The task ${task.id} has already completed and cannot be cancelled.`);
  return emptyReply(204);
}

export const taskRoutes: Route[] = [
  { method: "GET", pattern: "/api/task/:id", versioned: true, auth: true, handler: read },
  { method: "POST", pattern: "/api/task/:id/action/cancel", versioned: true, auth: true, handler: cancel },
];
