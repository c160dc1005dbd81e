// Shop C1 as a customer would export it: a fleet of spindle units logged once per machining
// cycle (no clock: a `cycle` counter per unit, from 1), each unit run until it failed, plus a
// failures file naming the unit, the cycle it failed at and what failed. Written the way the
// README's "Data contract" section asks, without Millwright's own code: pure, seeded, no I/O
// (the test writes the files), so the same seed gives the same bytes.
//
// The physics is deliberately learnable: a bearing wears out and its vibration climbs for its
// last ~25 % of life (and the bearing warms with it); a winding failure shows as motor current
// creeping up instead. Temperature also follows the shop's ambient, which is noise to the model.

export interface ShopCyclesOptions {
  units: number;
  seed: number;
  /** Shortest and longest life in cycles (default 120–260). */
  minLife?: number;
  maxLife?: number;
}

export interface ShopCycles {
  /** unit,cycle,vibration_rms,bearing_temp_c,motor_current_a (sorted by unit, then cycle). */
  telemetry: string;
  /** unit,failed_at_cycle,failure_mode */
  failures: string;
  units: { id: string; life: number; mode: "bearing" | "winding" }[];
}

/** mulberry32: a tiny seeded generator, enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const fmt = (x: number, d: number) => x.toFixed(d);

export function shopCycles(opts: ShopCyclesOptions): ShopCycles {
  const r = rng(opts.seed);
  const minLife = opts.minLife ?? 120;
  const maxLife = opts.maxLife ?? 260;
  const tele = ["unit,cycle,vibration_rms,bearing_temp_c,motor_current_a"];
  const fails = ["unit,failed_at_cycle,failure_mode"];
  const units: ShopCycles["units"] = [];
  for (let u = 0; u < opts.units; u++) {
    const id = `SP-${String(400 + u * 7).padStart(4, "0")}`;
    const life = minLife + Math.floor(r() * (maxLife - minLife + 1));
    const mode = r() < 0.6 ? "bearing" : "winding";
    const baseVib = 1.2 + 0.4 * r();
    const baseCur = 11 + 2 * r();
    const onset = Math.floor(life * (0.7 + 0.1 * r()));
    for (let c = 1; c <= life; c++) {
      const worn = c > onset ? (c - onset) / (life - onset) : 0;
      const vib = baseVib + (mode === "bearing" ? 3.5 * worn * worn : 0.2 * worn) + 0.15 * gauss(r);
      const temp = 38 + 4 * Math.sin(c / 17) + (mode === "bearing" ? 9 * worn : 0) + 0.8 * gauss(r);
      const cur = baseCur + (mode === "winding" ? 4 * worn * worn : 0) + 0.3 * gauss(r);
      tele.push(`${id},${c},${fmt(Math.max(0, vib), 3)},${fmt(temp, 2)},${fmt(cur, 2)}`);
    }
    fails.push(`${id},${life},${mode}`);
    units.push({ id, life, mode });
  }
  return { telemetry: `${tele.join("\n")}\n`, failures: `${fails.join("\n")}\n`, units };
}

/** The contract the customer wrote from the README for these files (paths beside it). */
export const SHOP_CYCLES_CONTRACT = `# Shop C1: spindle units counted in machining cycles, each run until it failed.
version: 1
name: shop-c-spindles
telemetry: telemetry.csv
time: { column: cycle, counter: true }
machine: { column: unit }
readings:
  - { name: vibration, column: vibration_rms, unit: mm/s, min: 0, max: 50, words: spindle vibration }
  - { name: bearing_temp, column: bearing_temp_c, unit: °C, min: -20, max: 150, words: bearing temperature }
  - { name: motor_current, column: motor_current_a, unit: A, min: 0, max: 100, words: motor current }
history:
  windows: [5, 20]
  stats: [mean, max, slope]
  readings: all
failures:
  file: failures.csv
  time: failed_at_cycle
  machine: unit
  kind: failure_mode
  horizon: 20
training:
  trees: 60
  min_leaf: 30
`;
