// The fleet board after a drift scenario showed most machines at "Low 0.0 %" with no reasons: only
// reasons that raise the risk were kept, and a low-risk machine has none. Every machine now has
// reasons (what keeps a low risk low), and its last reading is given in the machine's own time.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { simulateFleet, simulatedMachines } from "../../src/data/simulate.js";
import { toWire } from "../../src/sim/wire.js";
import { startAi4iApp } from "../helpers/ai4i-app.js";

let app: FastifyInstance;
let close: () => Promise<void>;
before(async () => {
  // Only known machines are on the board (issue 18): the simulated fleet's, as under `up --simulate`.
  ({ app, close } = await startAi4iApp({ machines: 8, days: 10 }, () => ({
    tokens: {},
    knownMachines: simulatedMachines(24),
  })));
});
after(() => close());

test("after a drift scenario every machine has reasons in words and its shop time", async () => {
  const rows = simulateFleet({
    machines: 24,
    days: 2,
    seed: 5,
    scenario: "new-tool-supplier",
    start: "2031-01-01T00:00:00Z",
  });
  const res = await app.inject({
    method: "POST",
    url: "/v1/predict",
    payload: JSON.stringify(rows.slice(-48).map(toWire)),
    headers: { "content-type": "application/json" },
  });
  assert.equal(res.statusCode, 200, res.body);
  const board = (await app.inject({ url: "/v1/fleet" })).json() as {
    machines: {
      machine_id: string;
      failure_probability: number;
      reasons: string[];
      last_reading_at: string;
      last_seen: string;
    }[];
  };
  assert.equal(board.machines.length, 24);
  const last = new Map(rows.map((r) => [r.machine_id, r.timestamp]));
  const low = board.machines.filter((m) => m.failure_probability < 0.1);
  assert.ok(low.length >= 12, `most machines are at low risk (${low.length} of 24)`);
  for (const m of board.machines) {
    assert.ok(m.reasons.length > 0, `${m.machine_id} at ${m.failure_probability} has reasons`);
    for (const r of m.reasons) assert.match(r, /(raises|lowers) the risk/);
    assert.equal(
      m.last_reading_at,
      last.get(m.machine_id),
      "the reading's own time (2031), not the server's",
    );
    assert.notEqual(m.last_reading_at, m.last_seen);
  }
  // The case: machines where nothing raises the risk (they showed no reason at all).
  const onlyLowering = board.machines.filter((m) => m.reasons.every((r) => / lowers /.test(r)));
  assert.ok(onlyLowering.length > 0, "some machines have nothing that raises their risk");
  for (const m of onlyLowering) assert.ok(m.failure_probability < 0.1, `${m.machine_id} is at low risk`);
});
