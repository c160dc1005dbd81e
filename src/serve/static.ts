// Serves the dashboard (web/) with security headers. Files are read once and kept in memory: the
// folder is small, and this keeps the file system out of the request path.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import type { FastifyInstance } from "fastify";
import { problemOf, sendProblem } from "./problem.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".ico": "image/x-icon",
};

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

export function staticRoutes(app: FastifyInstance, webDir: string | null): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  if (webDir && existsSync(webDir))
    for (const name of readdirSync(webDir, { recursive: true, encoding: "utf8" })) {
      const p = join(webDir, name);
      if (statSync(p).isFile())
        files.set(`/${name.split("\\").join("/")}`, {
          body: readFileSync(p),
          type: TYPES[extname(p)] ?? "application/octet-stream",
        });
    }
  app.get("/*", { schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split("?")[0];
    const f = files.get(path === "/" ? "/index.html" : path);
    if (!f)
      return sendProblem(
        reply,
        problemOf("MW_NOT_FOUND", `no such page or endpoint: ${req.method} ${path}`, { instance: path }),
      );
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    return reply.type(f.type).header("cache-control", "no-cache").send(f.body);
  });
}
