// Windows of the simulated AI4I fleet sent to a contract server of the AI4I contract as a client
// would: readings in the contract's names (batches of 1,000 to POST /v1/predict), then ground truth
// by prediction id (POST /v1/feedback). A window is a full drift window on a counter contract.
import assert from "node:assert/strict";
import { AI4I_CONTRACT } from "../../src/cli/commands/train.js";
import { loadContract } from "../../src/contract/load.js";
import { simulateFleet } from "../../src/data/simulate.js";
import { contractWire } from "../../src/sim/contract-wire.js";
import { AI4I_MACHINES, AI4I_TOKENS } from "./ai4i-contract.js";

/** DRIFT_WINDOW_ROWS: the readings a counter contract's drift test needs before it runs. */
export const AI4I_WINDOW = 5000;

/** One reading sent: as sent, what the server answered, and the simulator's truth for it. */
export interface SentReading {
  reading: Record<string, unknown>;
  id: string;
  failure_probability: number;
  label: 0 | 1;
}

/**
 * AI4I_WINDOW readings of the fleet (`scenario` from its first row), each counter after
 * `counterFrom` (a retraining joins logged readings after the training data's counter).
 */
export async function sendAi4iWindow(
  url: string,
  o: { seed: number; counterFrom: number; scenario?: "hot-summer" },
): Promise<SentReading[]> {
  const wire = contractWire(loadContract(AI4I_CONTRACT).contract, o.counterFrom);
  const rows = simulateFleet({ machines: AI4I_MACHINES, days: 2, seed: o.seed, scenario: o.scenario }).slice(
    0,
    AI4I_WINDOW,
  );
  assert.equal(rows.length, AI4I_WINDOW);
  const out: SentReading[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const readings = batch.map((x) => wire.reading(x) as Record<string, unknown>);
    const r = await fetch(`${url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(readings),
    });
    assert.equal(r.status, 200, await r.clone().text());
    const j = (await r.json()) as { predictions: { id: string; failure_probability: number }[] };
    j.predictions.forEach((p, k) => {
      out.push({
        reading: readings[k],
        id: p.id,
        failure_probability: p.failure_probability,
        label: Number(batch[k].machine_failure) as 0 | 1,
      });
    });
  }
  return out;
}

/** Each reading's truth by its prediction id; every label must be accepted. */
export async function sendAi4iLabels(
  url: string,
  sent: readonly SentReading[],
  token = AI4I_TOKENS.feedback,
) {
  const r = await fetch(`${url}/v1/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ feedback: sent.map((s) => ({ prediction_id: s.id, label: s.label })) }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const j = (await r.json()) as { summary: { accepted: number } };
  assert.equal(j.summary.accepted, sent.length);
}
