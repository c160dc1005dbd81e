// One size of bench/features.ts, in a fresh process so its memory figures are its own: reads the
// raw columns bench/features.ts wrote, keeps the first MACHINES machines, then times buildFeatures
// alone (best of REPEATS, wall and CPU) and measures what the first build adds to memory.
// Run: node --expose-gc dist/bench/features-run.js DIR MACHINES REPEATS [OUT.f64 FIRST_MACHINES]
// Prints one JSON line. With OUT, the feature rows of the first FIRST_MACHINES machines (file
// order) are written there as float64, for the comparison with pandas.
import { writeFileSync } from "node:fs";
import { buildFeatures, type FeatureMatrix } from "../src/features/build.js";
import { featurePlan } from "../src/features/plan.js";
import { featureContract, readRaw } from "./lib/historian-input.js";

const [dir, machinesArg, repeatsArg, out, firstArg] = process.argv.slice(2);
const x = readRaw(dir, Number(machinesArg));
const plan = featurePlan(featureContract(x.kinds));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

gc();
const before = process.memoryUsage();
const peakBefore = process.resourceUsage().maxRSS * 1024;
let fm: FeatureMatrix | null = buildFeatures(plan, x);
// maxRSS is the process's high-water mark. Reading the raw files peaked above today's RSS, so the
// mark minus the RSS before the build is the build's peak only once the build has passed that
// earlier peak: `peakValid` says whether it did.
const peakAfter = process.resourceUsage().maxRSS * 1024;
const peakGrowth = peakAfter - before.rss;
const peakValid = peakAfter > peakBefore;
const after = process.memoryUsage();
const matrixBytes = fm.data.byteLength;
if (out) {
  const first = Number(firstArg);
  const rows: number[] = [];
  for (let i = 0; i < fm.nRows; i++) if (x.telemetry.machine[i] < first) rows.push(i);
  const sub = new Float64Array(rows.length * fm.nCols);
  const nc = fm.nCols;
  for (let j = 0; j < rows.length; j++) sub.set(fm.data.subarray(rows[j] * nc, (rows[j] + 1) * nc), j * nc);
  writeFileSync(out, new Uint8Array(sub.buffer));
}
fm = null;
gc();
const retainedHeap = process.memoryUsage().heapUsed - before.heapUsed;

let best = { wall: Number.POSITIVE_INFINITY, cpu: 0 };
for (let r = 0; r < Number(repeatsArg); r++) {
  gc(); // each repeat starts with the last one's matrix collected, as the first did
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  buildFeatures(plan, x);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (wall < best.wall) best = { wall, cpu: (c.user + c.system) / 1e6 };
}
console.log(
  JSON.stringify({
    machines: x.telemetry.machines.length,
    rows: x.telemetry.n,
    cols: plan.features.length,
    wall: best.wall,
    cpu: best.cpu,
    peakGrowth,
    heapGrowth: after.heapUsed - before.heapUsed,
    peakValid,
    retainedHeap,
    matrixBytes,
  }),
);
