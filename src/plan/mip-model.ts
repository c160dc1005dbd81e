// The assignment MIP as CPLEX LP text (solved by mip.ts). Binary x_j per
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

function lpNumber(v: number): string {
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
    .map(([c, name], i) => `${c < 0 ? "- " : i === 0 ? "" : "+ "}${lpNumber(Math.abs(c))} ${name}`);
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

export interface Built {
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
        `<= ${lpNumber(cap)}`,
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
