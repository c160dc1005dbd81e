// Solves the assignment MIP (mip-model.ts) exactly with HiGHS, compiled to WebAssembly: loaded once
// per process and reused; `mip_rel_gap` 0, so "optimal" is proven optimal.
import type { Highs } from "highs";
import { buildLp, type ChainCosts, type MipOption, type MipProblem, planValue } from "./mip-model.js";

export * from "./mip-model.js";

export type MipStatus = "optimal" | "time_limit" | "infeasible" | "error";

export interface MipResult {
  status: MipStatus;
  /** HiGHS's own name for the status. */
  solver_status: string;
  /** Net expected avoided cost of the chosen options (0 = do nothing). */
  objective: number;
  /** Relative MIP gap (0 when proven optimal); null when no bound is known. */
  gap: number | null;
  solve_ms: number;
  variables: number;
  constraints: number;
  /** Indexes into `options` of the chosen candidates. */
  chosen: number[];
}

/** Expected failure cost of a chain with tool changes at `shifts` (any order). */
type Loader = () => Promise<Highs>;
let highsPromise: Promise<Highs> | undefined;

/** Loads the HiGHS WebAssembly module once per process; every solve reuses it. */
export function loadHighs(): Promise<Highs> {
  // The package's types describe CommonJS, so TypeScript sees the ESM default one level deep;
  // at run time the ESM build's default is the loader. Accept either shape.
  highsPromise ??= import("highs").then((m) => {
    const d = m.default as unknown as Loader | { default: Loader };
    return (typeof d === "function" ? d : d.default)();
  });
  return highsPromise;
}

/**
 * Loads HiGHS and solves one mid-sized planning-shaped MIP, so V8 has optimised the solver's
 * WebAssembly before the first real request (the first solve in a process runs 3–5× slower).
 * For a server's start-up; a one-shot CLI gains nothing from it.
 */
export async function warmUpHighs(): Promise<number> {
  const t0 = performance.now();
  const S = 12;
  const options: MipOption[] = [];
  const chains: ChainCosts[] = [];
  for (let c = 0; c < 8; c++) {
    // A tool whose risk rises after ~4 shifts, deterministic: no Rng needed for a warm-up.
    const g = (L: number) => 1800 / (1 + Math.exp(-(L - 4 - (c % 3))));
    const cost = [Array.from({ length: S + 1 }, (_, b) => g(b + 2) - g(2))];
    for (let a = 0; a < S; a++)
      cost.push(Array.from({ length: S + 1 }, (_, b) => (b > a ? g(b - a) - g(0) : 0)));
    chains.push({ horizon: S, cost });
    for (let s = 0; s < S; s++) {
      for (let t = 0; t < 3; t++)
        options.push({ group: c * S + s, technician: t, shift: s, hours: 0.5, value: -210, chain: c });
    }
  }
  await solveMip({
    options,
    capacity: [0, 1, 2].map((t) => Array.from({ length: S }, (_, s) => ((s + t) % 3 === 0 ? 1 : 0.5))),
    chains,
  });
  return performance.now() - t0;
}

export interface SolveOptions {
  timeLimitSeconds?: number;
}

export async function solveMip(p: MipProblem, opts: SolveOptions = {}): Promise<MipResult> {
  if (p.options.length === 0) {
    return {
      status: "optimal",
      solver_status: "empty",
      objective: 0,
      gap: 0,
      solve_ms: 0,
      variables: 0,
      constraints: 0,
      chosen: [],
    };
  }
  const highs = await loadHighs();
  const built = buildLp(p);
  const t0 = performance.now();
  return highs.withModel({ format: "lp", data: built.lp }, (model) => {
    // mip_rel_gap 0: "optimal" means proven optimal, not within HiGHS's default 0.01 %.
    model.options.set({ output_flag: false, mip_rel_gap: 0, time_limit: opts.timeLimitSeconds ?? 10 });
    model.run();
    const solve_ms = performance.now() - t0;
    const code = model.getModelStatus();
    const st = highs.constants.modelStatus;
    const status: MipStatus =
      code === st.optimal
        ? "optimal"
        : code === st.timeLimit
          ? "time_limit"
          : code === st.infeasible
            ? "infeasible"
            : "error";
    const solver_status = Object.entries(st).find(([, v]) => v === code)?.[0] ?? String(code);
    const chosen: number[] = [];
    let gap: number | null = null;
    if (status === "optimal" || status === "time_limit") {
      const values = model.getSolution().colValue;
      for (let c = 0; c < values.length; c++) {
        const name = model.getColName(c);
        if (name.startsWith("x") && values[c] > 0.5) chosen.push(Number(name.slice(1)));
      }
      chosen.sort((a, b) => a - b);
      // HiGHS's gap is relative to its objective, which lacks our constant: restate it on ours.
      const primal = model.getObjectiveValue() + built.constant;
      const dual = Number(model.info.get("mip_dual_bound")) + built.constant;
      gap = Number.isFinite(dual) ? Math.max(0, dual - primal) / Math.max(Math.abs(primal), 1e-9) : null;
      if (status === "optimal" && gap !== null && gap < 1e-9) gap = 0;
    }
    const objective = chosen.length > 0 ? planValue(p, chosen) : 0;
    return {
      status,
      solver_status,
      objective,
      gap,
      solve_ms,
      variables: built.variables,
      constraints: built.constraints,
      chosen,
    };
  });
}
