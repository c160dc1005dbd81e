// A page of a list route (GET /v1/fleet, GET /v1/machines): `limit` and `cursor`, read by hand
// because the app does not coerce query strings; and the integer parameters of the other routes.
import { MillwrightError } from "../../core/errors.js";
import { MAX_ID_LENGTH } from "../../core/limits.js";

/** Rows per page at most: each board row carries its readings and reasons. */
export const MAX_PAGE = 200;

const pageQuery = {
  type: "object",
  properties: {
    limit: { type: "integer", minimum: 1, maximum: MAX_PAGE, default: 100 },
    cursor: { type: "string", maxLength: MAX_ID_LENGTH, description: "next_cursor of the previous page" },
  },
} as const;

/** A list route's options: its docs (the paging said once) and no Ajv on the query (pageOf reads it). */
export const pagedRoute = (summary: string, more: string) => ({
  schema: {
    tags: ["fleet"],
    summary,
    description: `Sorted by machine id; \`limit\` (≤ ${MAX_PAGE}) machines after \`cursor\`; \`next_cursor\` is null on the last page. ${more}`,
    querystring: pageQuery,
  },
  validatorCompiler: () => (data: unknown) => ({ value: data }),
});

/**
 * The page of `all` (sorted ids) the query asks for: the ids after `cursor`, at most `limit`, how
 * many there are in all, and the next page's cursor (null on the last). Query strings are strings
 * (the app does not coerce): limit and cursor are read by hand.
 */
export function pageOf(
  query: unknown,
  all: string[],
): { page: string[]; total: number; next_cursor: string | null } {
  const q = (query ?? {}) as Record<string, unknown>;
  const fail = (f: string, m: string): never => {
    throw new MillwrightError("MW_VALIDATION", `querystring.${f}: ${m}`, { field: `querystring.${f}` });
  };
  let limit = 100;
  if (q.limit !== undefined) {
    limit = typeof q.limit === "string" && /^[0-9]{1,4}$/.test(q.limit) ? Number(q.limit) : 0;
    if (limit < 1 || limit > MAX_PAGE) fail("limit", `must be an integer from 1 to ${MAX_PAGE}`);
  }
  if (q.cursor !== undefined && (typeof q.cursor !== "string" || q.cursor.length > MAX_ID_LENGTH))
    fail("cursor", "must be the next_cursor of the previous page");
  const cursor = q.cursor as string | undefined;
  const ids = cursor === undefined ? all : all.filter((id) => id > cursor);
  const page = ids.slice(0, limit);
  return { page, total: all.length, next_cursor: ids.length > limit ? page[page.length - 1] : null };
}

/** An optional integer query parameter; out of range or not an integer: 400 naming it. */
export function queryInt(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new MillwrightError("MW_VALIDATION", `querystring.${name}: an integer from ${lo} to ${hi}`, {
      field: `querystring.${name}`,
    });
  return n;
}

const TRUE_WORDS = new Set(["true", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "no", ""]);
/**
 * An optional flag in the query: true/1/yes or false/0/no (any case); anything else a 400 naming it,
 * rather than read as false (trial 2: `?explain=yes` answered without the explanation it asked for).
 */
export function queryBool(v: unknown, name: string): boolean {
  if (v === undefined) return false;
  const w = typeof v === "string" ? v.toLowerCase() : null;
  if (w !== null && TRUE_WORDS.has(w)) return true;
  if (w !== null && FALSE_WORDS.has(w)) return false;
  throw new MillwrightError("MW_VALIDATION", `querystring.${name}: must be true or false (1/0, yes/no)`, {
    field: `querystring.${name}`,
  });
}
