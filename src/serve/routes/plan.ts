// Placeholder until the planner lands (replaced in the same change set).
import type { FastifyInstance } from "fastify";
import type { Ctx } from "../context.js";

export function planRoutes(_app: FastifyInstance, _ctx: Ctx): void {}
