// The calibrated forecast with the age map (src/plan/risk-calibrated.ts): a part whose task replaces
// it is mapped with its age, and a replacement's risk after is re-computed through the same map with
// the Weibull hazard restarting at age 0 at the task's start; other heads keep the Platt map and the
// model's relative effect.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Contract, HeadTasks } from "../../src/contract/types.js";
import type { ContractForecast, HeadForecast } from "../../src/plan/contract-forecast.js";
import { planningLines } from "../../src/evaluate/history-card.js";
import { forecastMethodText } from "../../src/plan/contract-plan.js";
import { calibrateForecasts } from "../../src/plan/risk-calibrated.js";
import { calibrateHazard, type PlanCalibration } from "../../src/train/plan-calibration.js";
import { ageLogHazard } from "../../src/train/plan-calibration-age.js";

const H = 3_600_000;
const LIFE = { shape: 4, scale: 3000, lifetimes: 30, failures: 8 };
const CAL: PlanCalibration = {
  method: "platt-logit",
  anchors: [
    {
      hours: 24,
      a: 0.9,
      b: -0.2,
      samples: 1,
      failures: 1,
      age: { a: 0.8, c: 0.4, b: 1.0, lo: -25, hi: 1, samples: 1, failures: 1 },
    },
    {
      hours: 168,
      a: 0.5,
      b: -1.5,
      samples: 1,
      failures: 1,
      age: { a: 0.4, c: 0.9, b: 1.2, lo: -25, hi: 1, samples: 1, failures: 1 },
    },
  ],
  weibull: { sb: LIFE },
  describe: "hand",
};
const CONTRACT = { failures: { resets: "maintenance" }, time: { counter: false } } as unknown as Contract;
const S = 21;
const RAW = Array.from({ length: S }, (_, u) => 0.004 + 0.0005 * u);
const AFTER = Array.from({ length: S }, () => 0.001);

function head(kind: string, lastDone: number | null): HeadForecast {
  const spec = { head: kind, task: { event: { table: "maintenance", kind } } } as unknown as HeadTasks;
  return {
    head: kind,
    spec,
    now: 0.01,
    hazard: [...RAW],
    hazardAfter: Array.from({ length: S }, (_, s) => AFTER.map((v, u) => (u < s ? 0 : v))),
    earliest: 0,
    lastDone,
  };
}

test("an aged part: its risk before through the age map, a replacement re-computed with age 0 from the task on", () => {
  const start = 1000 * H;
  const f = {
    machine: {},
    heads: [head("sb", start - 2500 * H), head("other", start - 2500 * H), head("sb", null)],
  };
  calibrateForecasts([f as unknown as ContractForecast], CAL, 8, CONTRACT, start);
  const [aged, noLaw, unknown] = f.heads;
  assert.deepEqual(aged.hazard, calibrateHazard(CAL, RAW, 8, ageLogHazard(LIFE, 2500)));
  for (const s of [0, 5, 20]) {
    const whole = RAW.map((v, u) => (u < s ? v : AFTER[u]));
    const want = calibrateHazard(CAL, whole, 8, ageLogHazard(LIFE, 2500, s * 8));
    const got = aged.hazardAfter?.[s] as number[];
    assert.deepEqual(got.slice(s), want.slice(s), `task at shift ${s}`);
    assert.ok(got.slice(0, s).every((v) => v === 0));
  }
  // The replacement removes the age-driven risk: after a task today the week's risk is far lower.
  const week = (h: number[]) => 1 - h.reduce((p, v) => p * (1 - v), 1);
  assert.ok(week(aged.hazardAfter?.[0] as number[]) < week(aged.hazard) / 3);
  // A kind without a life law, and a part of unknown age: the Platt map and the relative rule.
  for (const h of [noLaw, unknown]) {
    const mapped = calibrateHazard(CAL, RAW, 8);
    assert.deepEqual(h.hazard, mapped);
    const s = 3;
    const row = h.hazardAfter?.[s] as number[];
    for (let u = s; u < S; u++) assert.ok(Math.abs(row[u] - (mapped[u] * AFTER[u]) / RAW[u]) < 1e-15);
  }
});

test("the plan's forecast_method and the model card name the age input and its life laws, and only when there is one", () => {
  const text = forecastMethodText("calibrated", CAL);
  assert.match(text, /part's age as a second input .*Weibull hazard/);
  assert.match(text, /sb shape 4\.00, scale 3000 h/);
  assert.match(
    text,
    /such a task's risk after goes through the same map with the part's age restarting at 0/,
  );
  const card = planningLines(CAL).join("\n");
  assert.match(card, /C′ = σ\(a · logit\(C\) \+ c · ln H \+ b\)/);
  assert.match(card, /\| sb \| 4 \| 3000 \| 30 \| 8 \|/);
  assert.match(card, /\| 168 h \| 0\.4 \| 0\.9 \| 1\.2 \| -25 to 1 \|/);
  // The Platt map alone: neither says a word about age.
  const platt = { ...CAL, weibull: undefined };
  assert.doesNotMatch(forecastMethodText("calibrated", platt), /Weibull|age/);
  assert.doesNotMatch(planningLines(platt).join("\n"), /Weibull|ln H/);
});
