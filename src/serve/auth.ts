// Bearer-token checks in constant time. Tokens come from the environment or a file at the edge;
// they are never logged (the logger redacts the authorization header) and never on a command line.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { MillwrightError } from "../core/errors.js";

function digest(s: string): Buffer {
  // Hashing first makes both sides the same length, so the comparison leaks no length either.
  return createHash("sha256").update(s).digest();
}

export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Throws MW_UNAUTHORIZED / MW_FORBIDDEN unless the request carries one of the expected bearer tokens
 * (`kinds` names them, in the words of the errors: "admin", "feedback or admin").
 */
export function requireToken(req: FastifyRequest, expected: (string | undefined)[], kinds: string[]): void {
  const what = kinds.join(" or ");
  const tokens = expected.filter((t): t is string => !!t);
  if (tokens.length === 0)
    throw new MillwrightError(
      "MW_FORBIDDEN",
      `${what} is disabled: no ${what} token is configured on the server`,
    );
  const h = req.headers.authorization;
  const m = typeof h === "string" ? /^Bearer\s+(.+)$/i.exec(h.trim()) : null;
  if (!m)
    throw new MillwrightError("MW_UNAUTHORIZED", `${what} needs an 'Authorization: Bearer <token>' header`);
  // Every token is compared, so the time taken does not say which one came close.
  if (!tokens.map((t) => tokenMatches(m[1], t)).includes(true))
    throw new MillwrightError("MW_UNAUTHORIZED", `wrong ${what} token`);
}
