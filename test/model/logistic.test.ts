// The several-input logistic fit with Platt's targets (src/model/logistic.ts) against
// scipy.optimize.minimize (BFGS, gtol 1e-12) on the same smoothed cross-entropy; tolerance 1e-6.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fitLogisticPlatt } from "../../src/model/logistic.js";
import { fitPlatt } from "../../src/model/calibrate.js";

const close = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) <= 1e-6, `${what}: ${got} vs ${want}`);

const X1 = [-4.0, -3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5];
const X2 = [-6.0, -2.0, -5.0, -1.0, -4.0, -0.5, -3.0, 0.2, -2.5, 0.8, -1.0, 1.2];

test("two inputs: the optimum scipy finds", () => {
  const y = [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1];
  const f = fitLogisticPlatt([X1, X2], y, true);
  close(f.w[0], 0.17694293, "a");
  close(f.w[1], 0.65257362, "c");
  close(f.b, 0.90720018, "b");
});

test("a negative weight is dropped and the other input refitted alone; one input is Platt's map", () => {
  const y = [1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1];
  // Jointly scipy gives (−0.0977, 0.0828, 0.3512): the first input's weight is cut to 0.
  const f = fitLogisticPlatt([X1, X2], y, true);
  assert.equal(f.w[0], 0);
  close(f.w[1], 0.02666022, "c alone");
  close(f.b, 0.36565562, "b alone");
  const free = fitLogisticPlatt([X1, X2], y);
  close(free.w[0], -0.09771334, "a unconstrained");
  const one = fitLogisticPlatt([X2], y);
  const platt = fitPlatt(X2, y);
  close(one.w[0], platt.a, "Platt a");
  close(one.b, platt.b, "Platt b");
});
