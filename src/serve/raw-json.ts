// A JSON body parser for a /v1/predict route that reads array bodies itself: an array stays bytes
// (RawJson) until the handler, which reads it by column straight from them when it can (a scanner)
// and otherwise parses it exactly as Fastify would have; any other body is parsed as usual
// (contract/routes-predict.ts).
import type { FastifyInstance, FastifyRequest } from "fastify";

/** An array body kept as its bytes. */
export class RawJson {
  constructor(readonly bytes: Buffer) {}
}

/** Whether the first byte that is not JSON whitespace is `[`. */
const startsWithBracket = (b: Buffer) =>
  b.find((c) => c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) === 0x5b;

/**
 * Replaces the JSON parser of `scope` (register the route in a scope of its own, so that no other
 * route gets it). Returns Fastify's own JSON parsing, errors included, for a RawJson the handler
 * cannot read itself: exactly what every other route gets.
 */
export function keepArraysRaw(
  scope: FastifyInstance,
): (req: FastifyRequest, raw: RawJson) => Promise<unknown> {
  const parseJson = scope.getDefaultJsonParser("error", "error");
  scope.removeContentTypeParser("application/json");
  scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
    const b = body as Buffer;
    if (startsWithBracket(b)) return done(null, new RawJson(b));
    parseJson(req, b.toString("utf8"), done);
  });
  return (req, raw) =>
    new Promise<unknown>((resolve, reject) =>
      parseJson(req, raw.bytes.toString("utf8"), (err: Error | null, v?: unknown) =>
        err ? reject(err) : resolve(v),
      ),
    );
}
