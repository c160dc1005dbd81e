// The ceiling for serving one reading with history (bench/serve-history.ts): bare Fastify in one
// process, validating the same contract reading (machine_id, timestamp, the readings by name) with the
// JSON schema the contract server documents (pipeline/readings.ts readingSchema), and answering a
// constant: an answer the real server gave, so serialising it costs the same. No history, no model,
// no log. Run: node dist/bench/baseline/fastify-bare-contract.js CONTRACT.yaml ANSWER.json PORT
import { readFileSync } from "node:fs";
import Fastify from "fastify";
import { loadContract } from "../../src/contract/load.js";
import { readingSchema } from "../../src/pipeline/readings.js";

async function main(): Promise<void> {
  const [contractFile, answerFile, portArg] = process.argv.slice(2);
  const contract = loadContract(contractFile).contract;
  const answer = JSON.parse(readFileSync(answerFile, "utf8")) as unknown;
  const app = Fastify({ logger: false });
  app.post("/v1/predict", { schema: { body: readingSchema(contract) } }, async () => answer);
  const url = await app.listen({ host: "127.0.0.1", port: Number(portArg ?? 0) });
  process.stdout.write(`listening ${url}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

void main();
