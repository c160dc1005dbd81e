// A request body's JSON schema as every route writes it: an object that refuses the fields it does
// not list (a 400 naming the field; app.ts says why Ajv must not strip them), requiring `required`.
// A route that checks its body itself (to name the field, or to take no body) keeps its schema for
// the docs only (ACCEPT_ALL) and throws `invalid` naming the field.
import { MillwrightError } from "../core/errors.js";

export function closedObject(properties: Record<string, object>, required: string[] = []) {
  return {
    type: "object",
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    properties,
  };
}

/** A validator compiler that takes everything: the route's schema is for the docs, the handler checks. */
export const ACCEPT_ALL = () => () => true;

/** A 400 MW_VALIDATION naming the request's field that was wrong. */
export function invalid(field: string, message: string): MillwrightError {
  return new MillwrightError("MW_VALIDATION", message, { field });
}
