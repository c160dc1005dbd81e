import assert from "node:assert/strict";
import { test } from "node:test";
import { ExprError, compileExpr, exprNames, parseExpr } from "../../src/features/expr.js";

const names = new Set(["a", "b", "torque", "rotational_speed"]);
const run = (src: string, x: number[]) => {
  const e = parseExpr(src, names);
  const order = ["a", "b", "torque", "rotational_speed"];
  return compileExpr(e, (n) => order.indexOf(n))(Float64Array.from(x));
};

test("arithmetic follows the usual precedence, ^ is right associative, unary minus binds below ^", () => {
  assert.equal(run("a + b * 2", [1, 3, 0, 0]), 7);
  assert.equal(run("(a + b) * 2", [1, 3, 0, 0]), 8);
  assert.equal(run("2 ^ 3 ^ 2", [0, 0, 0, 0]), 512);
  assert.equal(run("-a ^ 2", [3, 0, 0, 0]), -9);
  assert.equal(run("a / b - 1", [6, 3, 0, 0]), 1);
  assert.equal(run("max(a, b) + abs(-2) + sqrt(16) + min(a, 1e1)", [5, 7, 0, 0]), 7 + 2 + 4 + 5);
  assert.equal(run("1.5e2 + .5", [0, 0, 0, 0]), 150.5);
});

test("the AI4I power expression gives the same bits as the fixed physics code", () => {
  const RPM_TO_RAD_S = (2 * Math.PI) / 60;
  const torque = 42.7;
  const rpm = 1503;
  assert.equal(
    run("torque * rotational_speed * (2 * pi / 60)", [0, 0, torque, rpm]),
    torque * rpm * RPM_TO_RAD_S,
  );
});

test("user text cannot reach anything but arithmetic", () => {
  for (const bad of [
    "constructor",
    "a.constructor",
    "process.exit(1)",
    "__proto__",
    "toString(a)",
    "a; b",
    "`a`",
    "a[0]",
    "eval(a)",
    "hasOwnProperty(a)",
  ])
    assert.throws(() => parseExpr(bad, names), ExprError, bad);
});

test("errors say what is wrong", () => {
  assert.throws(() => parseExpr("a +", names), /ends too early/);
  assert.throws(() => parseExpr("vibration * 2", names), /unknown name 'vibration'/);
  assert.throws(() => parseExpr("min(a)", names), /takes 2 arguments, got 1/);
  assert.throws(() => parseExpr("(a + b", names), /expected '\)'/);
  assert.throws(() => parseExpr("a b", names), /after a complete expression/);
  assert.throws(() => parseExpr("", names), /is empty/);
});

test("exprNames lists the variables read", () => {
  assert.deepEqual([...exprNames(parseExpr("a * max(b, 2) - pi", names))].sort(), ["a", "b"]);
});
