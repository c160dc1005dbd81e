// Request bodies sent compressed (Content-Encoding gzip, deflate or br): a bridge on a slow shop
// network sends a 1,000-reading batch as about a tenth of its bytes. Before this, a compressed body
// was read as JSON and answered "not valid JSON" (trial 6). The body limit applies to the inflated
// bytes (Fastify counts what the stream returned here yields), so a small bomb is a 413, not 16 MB
// of memory per request; and the Content-Length check is against the bytes as sent.
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Transform } from "node:stream";
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../core/errors.js";

const INFLATE: Record<string, () => Transform> = {
  gzip: createGunzip,
  "x-gzip": createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

export function acceptEncodedBodies(app: FastifyInstance): void {
  // A callback, not an async hook: every request passes here, and most have no encoding.
  app.addHook("preParsing", (req, _reply, payload, done) => {
    const raw = req.headers["content-encoding"];
    if (raw === undefined) return done(null, payload);
    const enc = String(raw).trim().toLowerCase();
    if (enc === "" || enc === "identity") return done(null, payload);
    const make = INFLATE[enc];
    if (!make)
      return done(
        new MillwrightError(
          "MW_UNSUPPORTED_MEDIA",
          `Content-Encoding '${enc.slice(0, 40)}': send the body as gzip, deflate, br or uncompressed`,
          { field: "content-encoding" },
        ),
      );
    const inflated = make() as Transform & { receivedEncodedLength: number };
    inflated.receivedEncodedLength = 0;
    payload.on("data", (chunk: Buffer) => {
      inflated.receivedEncodedLength += chunk.length;
    });
    // A stream error ends the request as a 400 (Fastify's rawBody): say what was wrong with it.
    inflated.on("error", (e: Error & { statusCode?: number }) => {
      e.message = `not valid ${enc} (${e.message}), or the Content-Encoding header is wrong`;
      e.statusCode = 400;
    });
    payload.on("error", (e) => inflated.destroy(e));
    done(null, payload.pipe(inflated));
  });
}
