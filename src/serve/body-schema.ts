// A request body's JSON schema as every route writes it: an object that refuses the fields it does
// not list (a 400 naming the field; app.ts says why Ajv must not strip them), requiring `required`.
export function closedObject(properties: Record<string, object>, required: string[] = []) {
  return {
    type: "object",
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    properties,
  };
}
