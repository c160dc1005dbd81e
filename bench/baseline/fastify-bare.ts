// The ceiling Millwright's single-reading route is measured against (issue 3, "Targets"): bare
// Fastify in one process, validating the same JSON reading with a JSON schema (the six fields, their
// types and physical ranges, nothing else allowed) and answering a constant. No model, no log.
// Run: node dist/bench/baseline/fastify-bare.js PORT   (prints "listening URL" when ready)
import Fastify from "fastify";
import { MODE_HEADS, PHYSICAL_LIMITS, RAW_FEATURES } from "../../src/data/schema.js";

const num = (f: (typeof RAW_FEATURES)[number]) => ({
  type: "number",
  minimum: PHYSICAL_LIMITS[f].min,
  maximum: PHYSICAL_LIMITS[f].max,
});

const readingSchema = {
  type: "object",
  additionalProperties: false,
  required: ["type", ...RAW_FEATURES],
  properties: {
    type: { type: "string", enum: ["L", "M", "H"] },
    ...Object.fromEntries(RAW_FEATURES.map((f) => [f, num(f)])),
  },
};

// Same shape as a Millwright answer, so serialisation costs are comparable.
const CONSTANT = {
  id: "0190b5c8-0000-7000-8000-000000000000",
  failure_probability: 0.0123,
  failure_predicted: false,
  modes: { twf: 0.001, hdf: 0.002, pwf: 0.003, osf: 0.004 },
  likeliest_mode: "osf",
  model: { name: "constant", version: "0.0.0" },
};

const responseSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    failure_probability: { type: "number" },
    failure_predicted: { type: "boolean" },
    modes: { type: "object", properties: Object.fromEntries(MODE_HEADS.map((m) => [m, { type: "number" }])) },
    likeliest_mode: { type: "string" },
    model: { type: "object", properties: { name: { type: "string" }, version: { type: "string" } } },
  },
};

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const app = Fastify({ logger: false });
  app.post(
    "/v1/predict",
    { schema: { body: readingSchema, response: { 200: responseSchema } } },
    async () => CONSTANT,
  );
  const url = await app.listen({ host: "127.0.0.1", port });
  process.stdout.write(`listening ${url}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

void main();
