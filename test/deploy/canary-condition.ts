// The AnalysisTemplates' successConditions, evaluated as Argo Rollouts would. Argo evaluates them with the
// expr language; ours are restricted (k8s-rollout.test.ts checks it) to `result[0] <op> number`, where
// result is the Prometheus vector's values, so this small evaluator is exact for them: a missing result[0]
// is an error (Argo counts it against consecutiveErrorLimit), NaN compares false as in Go.
export const CONDITION = /^result\[0\] (<=|<|>=|>|==) (-?\d+(?:\.\d+)?)$/;

export type Verdict = "Successful" | "Failed" | "Error";

export function parseCondition(text: string): { op: string; bound: number } {
  const m = CONDITION.exec(text.trim());
  if (!m)
    throw new Error(`successCondition ${JSON.stringify(text)} is not of the form result[0] <op> number`);
  return { op: m[1], bound: Number(m[2]) };
}

export function evaluate(condition: string, result: number[]): Verdict {
  const { op, bound } = parseCondition(condition);
  if (result.length === 0) return "Error";
  const v = result[0];
  const ok =
    op === "<="
      ? v <= bound
      : op === "<"
        ? v < bound
        : op === ">="
          ? v >= bound
          : op === ">"
            ? v > bound
            : v === bound;
  return ok ? "Successful" : "Failed";
}
