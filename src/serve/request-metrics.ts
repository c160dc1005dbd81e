// The per-request metrics the server keeps: requests in flight and the duration histogram, by
// route template, method and status. Callback hooks, not async ones, Fastify's own start time
// (reply.elapsedTime), a decorated flag instead of a WeakMap, and histogram series
// (metrics/bulk-histogram.ts) kept per route/method/status: these run for every request, and
// promises, bigints and prom-client's label hashing each showed in the profile.
import type { FastifyInstance } from "fastify";
import type { BulkHistogram } from "../metrics/bulk-histogram.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Counted in the in-flight gauge and not yet counted out. */
    mwCounted: boolean;
  }
}

export function countRequests(
  app: FastifyInstance,
  hot: { inFlight: number },
  httpDuration: BulkHistogram,
): void {
  app.decorateRequest("mwCounted", false);
  app.addHook("onRequest", (req, reply, done) => {
    // Every answer (JSON, problems, /docs): browsers must not sniff it into something executable.
    reply.header("x-content-type-options", "nosniff");
    req.mwCounted = true;
    hot.inFlight++;
    done();
  });
  // A client that hangs up never reaches onResponse: count it out here, once.
  app.addHook("onRequestAbort", (req, done) => {
    if (req.mwCounted) {
      req.mwCounted = false;
      hot.inFlight--;
    }
    done();
  });
  app.addHook("onResponse", (req, reply, done) => {
    if (req.mwCounted) {
      req.mwCounted = false;
      hot.inFlight--;
      const url = req.routeOptions.url ?? "unmatched";
      const route = url === "/*" ? "static" : url;
      const status = String(reply.statusCode);
      // Bounded: route templates × methods × status codes, never raw URLs. The histogram keeps each
      // series by its key, so its labels are built once.
      const labels = () => ({ route, method: req.method, status_code: status });
      httpDuration.series(`${route} ${req.method} ${status}`, labels).observe(reply.elapsedTime / 1000);
    }
    done();
  });
}
