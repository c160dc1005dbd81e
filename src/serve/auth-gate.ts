// Token checks before anything else, and a limit on failed checks per client across all routes.
//
// A route names the token it needs in its config (`config: { auth: "admin" }`); the check runs in
// onRequest, before the body is read or parsed, so an unauthenticated 16 MB body costs nothing but
// its 401. Failures are counted per client address over every protected route together (per-route
// limits gave a guesser 600 tries a minute on each). A client over the limit gets 429 for a wrong or
// missing token, but a correct token always passes: the limit slows guessing and must never lock
// out the operator behind the same address (NAT, a shared proxy) as the guesser.
//
// Tokens are compared in constant time. They come from the environment or a file at the edge;
// they are never logged (the logger redacts the authorization header) and never on a command line.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MillwrightError } from "../core/errors.js";

/** The bearer tokens a server checks (each unset: what needs it is disabled). */
export interface Tokens {
  admin?: string;
  feedback?: string;
  hook?: string;
}

export type TokenKind = keyof Tokens;

declare module "fastify" {
  interface FastifyContextConfig {
    /** The bearer token this route needs (or any of several), checked before the body is parsed. */
    auth?: TokenKind | TokenKind[];
  }
}

/** Failed token checks per client in fixed one-minute windows; bounded in clients. */
export class AuthFailures {
  private readonly byClient = new Map<string, { start: number; count: number }>();

  constructor(
    readonly perMinute: number,
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `client` may try again, or 0 when it is under the limit. */
  blockedFor(client: string): number {
    const e = this.byClient.get(client);
    if (!e) return 0;
    const left = e.start + 60_000 - this.now();
    if (left <= 0) {
      this.byClient.delete(client);
      return 0;
    }
    return e.count >= this.perMinute ? Math.ceil(left / 1000) : 0;
  }

  fail(client: string): void {
    const t = this.now();
    let e = this.byClient.get(client);
    if (!e || t - e.start >= 60_000) {
      if (e) this.byClient.delete(client);
      else if (this.byClient.size >= this.maxClients)
        this.byClient.delete(this.byClient.keys().next().value as string);
      e = { start: t, count: 0 };
      this.byClient.set(client, e);
    }
    e.count++;
  }
}

// Hashing first makes both sides the same length, so the comparison leaks no length either.
const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/**
 * MW_UNAUTHORIZED / MW_FORBIDDEN unless the request carries one of the bearer tokens `kinds` names
 * (in the words of the errors: "admin", "feedback or admin"); null when it does.
 */
function tokenRefusal(req: FastifyRequest, configured: Tokens, kinds: TokenKind[]) {
  const what = kinds.join(" or ");
  const tokens = kinds.map((k) => configured[k]).filter((t): t is string => !!t);
  if (tokens.length === 0)
    return new MillwrightError(
      "MW_FORBIDDEN",
      `${what} is disabled: no ${what} token is configured on the server`,
    );
  const h = req.headers.authorization;
  const m = typeof h === "string" ? /^Bearer\s+(.+)$/i.exec(h.trim()) : null;
  if (!m)
    return new MillwrightError("MW_UNAUTHORIZED", `${what} needs an 'Authorization: Bearer <token>' header`);
  // Every token is compared, so the time taken does not say which one came close.
  if (!tokens.map((t) => timingSafeEqual(digest(m[1]), digest(t))).includes(true))
    return new MillwrightError("MW_UNAUTHORIZED", `wrong ${what} token`);
  return null;
}

/** Registers the onRequest check. `perMinute` 0 turns the failure limit off (the check stays). */
export function authGate(
  app: FastifyInstance,
  tokens: Tokens,
  perMinute: number,
  /** Each failed check; `limited`: the client is over its limit and gets the 429. */
  onFailure: (kinds: TokenKind[], req: FastifyRequest, limited: boolean) => void = () => {},
): AuthFailures {
  const failures = new AuthFailures(perMinute);
  app.addHook("onRequest", (req: FastifyRequest, _reply, done) => {
    const auth = req.routeOptions.config?.auth;
    if (!auth) return done();
    const kinds = typeof auth === "string" ? [auth] : auth;
    const e = tokenRefusal(req, tokens, kinds);
    if (!e) return done();
    if (e.code !== "MW_UNAUTHORIZED") return done(e);
    const wait = perMinute <= 0 ? 0 : failures.blockedFor(req.ip);
    onFailure(kinds, req, wait > 0);
    if (wait > 0)
      return done(
        new MillwrightError(
          "MW_RATE_LIMITED",
          `too many failed token checks from this address; retry in ${wait} s (a correct token is always let through)`,
          { retry_after_seconds: wait },
        ),
      );
    if (perMinute > 0) failures.fail(req.ip);
    return done(e);
  });
  return failures;
}

/**
 * The options of a route that needs a token: the gate's check (config.auth, before the body is
 * parsed) and the OpenAPI security entry, so the docs say what the gate does.
 */
export function tokenRoute<S extends object>(auth: TokenKind | TokenKind[], schema: S) {
  return { config: { auth }, schema: { ...schema, security: [{ bearer: [] as string[] }] } };
}
