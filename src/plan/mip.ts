// The assignment MIP, solved exactly by HiGHS (WebAssembly) from CPLEX LP text. Binary x_j per
// candidate j (a task on a machine in a shift by a technician; tasks.ts decides which exist):
//   maximise   Σ_j value_j x_j − Σ_c Σ_(a,b) cost_c[a][b] w_c(a,b)      (+ constant Σ_c cost_c[−1][S])
//   subject to Σ_{j ∈ group g} x_j ≤ 1                 a check at most once per machine per horizon;
//                                                      a tool change at most once per machine per shift
//              Σ_{j: tech t, shift s} hours_j x_j ≤ capacity[t][s]
//              tool chains, one unit of flow per machine c through the shifts where its tool is changed:
//              Σ_b w_c(−1, b) = 1,  Σ_a w_c(a, s) = z_cs = Σ_b w_c(s, b),  z_cs = Σ_{j: change c at s} x_j
// Skills and shifts are enforced by which candidates exist. w may be continuous: once the z are 0/1
// the only flow is the path through the chosen change shifts in time order, so w is 0/1 too.
// The constant makes the objective the net expected avoided cost: doing nothing scores 0.
import type { Highs } from "highs";

export interface MipOption {
  /** At most one option of a group is chosen. */
  group: number;
  technician: number;
  shift: number;
  hours: number;
  /** Fixed net value of choosing it; for a tool change, minus its planned cost. */
  value: number;
  /** Tool chain this option changes the tool of (its worth is in the chain's segment costs). */
  chain?: number;
}

/** cost[a + 1][b]: expected failure cost of the tool installed at shift a (−1: today's) used until b. */
export interface ChainCosts {
  horizon: number;
  cost: number[][];
}

export interface MipProblem {
  options: MipOption[];
  capacity: number[][];
  chains?: ChainCosts[];
}

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
export function chainCost(c: ChainCosts, shifts: number[]): number {
  const cuts = [...new Set(shifts)].sort((a, b) => a - b);
  let total = 0;
  let a = -1;
  for (const b of [...cuts, c.horizon]) {
    total += c.cost[a + 1][b];
    a = b;
  }
  return total;
}

/** Net value of a set of chosen options: the MIP's objective, recomputed exactly. */
export function planValue(p: MipProblem, chosen: number[]): number {
  let v = 0;
  const changes = new Map<number, number[]>();
  for (const j of chosen) {
    const o = p.options[j];
    v += o.value;
    if (o.chain !== undefined) changes.set(o.chain, [...(changes.get(o.chain) ?? []), o.shift]);
  }
  for (const [c, shifts] of changes) {
    const chain = p.chains![c];
    v += chain.cost[0][chain.horizon] - chainCost(chain, shifts);
  }
  return v;
}

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
    for (let a = 0; a < S; a++) cost.push(Array.from({ length: S + 1 }, (_, b) => (b > a ? g(b - a) - g(0) : 0)));
    chains.push({ horizon: S, cost });
    for (let s = 0; s < S; s++) {
      for (let t = 0; t < 3; t++) options.push({ group: c * S + s, technician: t, shift: s, hours: 0.5, value: -210, chain: c });
    }
  }
  await solveMip({ options, capacity: [0, 1, 2].map((t) => Array.from({ length: S }, (_, s) => ((s + t) % 3 === 0 ? 1 : 0.5))), chains });
  return performance.now() - t0;
}

function num(v: number): string {
  return Number(v.toPrecision(12)).toString();
}

/** LP text has practical line-length limits; a row may continue on the next line anywhere. */
function terms(parts: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 8) lines.push(`   ${parts.slice(i, i + 8).join(" ")}`);
  return lines.join("\n");
}

function lin(entries: [number, string][]): string {
  const parts = entries
    .filter(([c]) => Math.abs(c) > 1e-12)
    .map(([c, name], i) => `${c < 0 ? "- " : i === 0 ? "" : "+ "}${num(Math.abs(c))} ${name}`);
  return terms(parts.length > 0 ? parts : [`0 ${entries[0]?.[1] ?? "x0"}`]);
}

function minChangeCost(p: MipProblem, byShift: Map<number, number[]>): number {
  let m = Number.POSITIVE_INFINITY;
  for (const js of byShift.values()) for (const j of js) m = Math.min(m, -p.options[j].value);
  return Math.max(0, m);
}

/**
 * Segment arcs worth a variable. Arc (a, b) puts a change at b right after one at a. Removing
 * that change merges (a, b) and (b, n) into (a, n) for whatever next change n follows, saving
 * the change's cost and losing at most cost(a, n) − cost(a, b) − cost(b, n). When that loss is
 * never more than the cheapest change, no optimal plan needs the arc (repeat the argument for a
 * plan that used several such arcs). Nodes no kept arc reaches are dropped with their arcs.
 */
export function chainArcs(chain: ChainCosts, points: number[], changeCost: number): [number, number][] {
  const S = chain.horizon;
  const c = (a: number, b: number) => chain.cost[a + 1][b];
  const reachable = new Set<number>([-1]);
  const arcs: [number, number][] = [];
  for (const b of [...points, S]) {
    for (const a of [-1, ...points]) {
      if (a >= b || !reachable.has(a)) continue;
      let keep = b === S;
      for (const n of [...points, S]) {
        if (keep) break;
        if (n > b && c(a, n) - c(a, b) - c(b, n) > changeCost + 1e-9) keep = true;
      }
      if (keep) {
        arcs.push([a, b]);
        if (b < S) reachable.add(b);
      }
    }
  }
  return arcs;
}

interface Built {
  lp: string;
  constraints: number;
  variables: number;
  /** Objective constant not in the LP text: Σ unmaintained chain costs. */
  constant: number;
}

/** CPLEX LP text of the problem. */
export function buildLp(p: MipProblem): Built {
  const rows: string[] = [];
  const row = (name: string, entries: [number, string][], sense: string) =>
    rows.push(` ${name}:\n${lin(entries)}\n   ${sense}`);
  const groups = new Map<number, number[]>();
  const slots = new Map<string, number[]>();
  const nodes = new Map<number, Map<number, number[]>>(); // chain → shift → options
  p.options.forEach((o, j) => {
    groups.set(o.group, [...(groups.get(o.group) ?? []), j]);
    const key = `${o.technician}_${o.shift}`;
    slots.set(key, [...(slots.get(key) ?? []), j]);
    if (o.chain !== undefined) {
      const byShift = nodes.get(o.chain) ?? new Map<number, number[]>();
      byShift.set(o.shift, [...(byShift.get(o.shift) ?? []), j]);
      nodes.set(o.chain, byShift);
    }
  });
  const obj: [number, string][] = p.options.map((o, j) => [o.value, `x${j}`]);
  for (const [g, js] of groups) {
    if (js.length > 1)
      row(
        `once_${g}`,
        js.map((j) => [1, `x${j}`]),
        "<= 1",
      ); // a lone binary is ≤ 1 already
  }
  for (const [key, js] of slots) {
    const [t, s] = key.split("_").map(Number);
    const cap = p.capacity[t][s];
    const total = js.reduce((a, j) => a + p.options[j].hours, 0);
    if (total > cap + 1e-9)
      row(
        `cap_${key}`,
        js.map((j) => [p.options[j].hours, `x${j}`]),
        `<= ${num(cap)}`,
      );
  }
  let continuous = 0;
  let constant = 0;
  for (const [c, byShift] of nodes) {
    const chain = p.chains![c];
    const S = chain.horizon;
    constant += chain.cost[0][S];
    const points = [...byShift.keys()].sort((a, b) => a - b);
    const arcs = chainArcs(chain, points, minChangeCost(p, byShift));
    const w = (a: number, b: number) => `w${c}_${a + 1}_${b}`;
    const out = new Map<number, [number, string][]>([[-1, []]]);
    const into = new Map<number, [number, string][]>(points.map((s) => [s, []]));
    for (const [a, b] of arcs) {
      continuous++;
      obj.push([-chain.cost[a + 1][b], w(a, b)]);
      out.set(a, [...(out.get(a) ?? []), [1, w(a, b)]]);
      if (b < S) into.get(b)!.push([1, w(a, b)]);
    }
    row(`src_${c}`, out.get(-1)!, "= 1");
    for (const s of points) {
      const z: [number, string][] = byShift.get(s)!.map((j) => [-1, `x${j}`]);
      row(`in_${c}_${s}`, [...into.get(s)!, ...z], "= 0"); // no arcs in: fixes the change at 0
      if (out.has(s)) row(`out_${c}_${s}`, [...out.get(s)!, ...z], "= 0");
    }
  }
  const lp = [
    "Maximize",
    ` obj:\n${lin(obj)}`,
    "Subject To",
    ...rows,
    "Binary",
    terms(p.options.map((_, j) => `x${j}`)),
    "End",
    "",
  ].join("\n");
  return { lp, constraints: rows.length, variables: p.options.length + continuous, constant };
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
