// One measured run of a bench/serve.ts row, and what the runs said about the retired AI4I app's
// prediction log (BENCH_AI4I_BEFORE) (its journal's backlog, its commit wait) for the report's notes.
import { journalMoved, runWrk, settleCount } from "./harness.js";
import { AI4I_BEFORE, contractRunEnv } from "./serve-contract.js";
import type { Cell, Run } from "./serve-report.js";
import { settled } from "../lib/history-load.js";

/** Seconds the writer thread took to move this cell's journal backlog into the table, per run. */
const drains = new Map<Cell, number[]>();
/** Per run: [mean wait for the durable commit, mean request latency], ms (Millwright cells). */
const commitWaits = new Map<Cell, [number, number][]>();

const COMMIT_METRIC = "millwright_prediction_log_commit_duration_seconds";

/** Sum and count of the server's log commit durations so far (its own /metrics). */
async function commitTotals(c: Cell): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(c.url.replace(/\/v1\/predict$/, "/metrics"))).text();
  const value = (suffix: string) =>
    Number(new RegExp(`^${COMMIT_METRIC}_${suffix} (\\S+)$`, "m").exec(text)?.[1]);
  return { sum: value("sum"), count: value("count") };
}

/**
 * One measured run of a cell: wait for an empty journal (every row starts from the same state, not
 * from the backlog of the row before), warm-up, count the log, load, count again once it settles.
 */
export async function runCell(c: Cell, fixedLua: string, warmup: number, seconds: number): Promise<Run> {
  // The contract server's log is its history log (readings counted as they land); the AI4I app's
  // the prediction log with its journal.
  const contract = c.body.lua !== undefined;
  const count = contract ? settled : settleCount;
  if (c.db && !contract) await journalMoved(c.db);
  const o = { url: c.url, bodyFile: c.body.file, connections: c.connections, pid: c.proc.pid };
  const lua = c.body.lua ?? fixedLua;
  if (contract) contractRunEnv(c.connections, warmup);
  await runWrk({ ...o, lua, seconds: warmup });
  if (contract) contractRunEnv(c.connections, seconds);
  const before = c.db ? await count(c.db) : 0;
  const commits0 = c.db && !contract ? await commitTotals(c) : null;
  const load = await runWrk({ ...o, lua, seconds });
  if (commits0) {
    // Every request's log commit, from the call to its durable resolve (answers wait for it), in
    // the server's own histogram; the mean request latency of a closed loop is connections / rate.
    const t = await commitTotals(c);
    const wait = ((t.sum - commits0.sum) / (t.count - commits0.count)) * 1000;
    (commitWaits.get(c) ?? commitWaits.set(c, []).get(c)!).push([wait, (c.connections / load.rps) * 1000]);
  }
  const logged = c.db ? (await count(c.db)) - before : undefined;
  if (c.db && !contract) {
    const t0 = Date.now();
    await journalMoved(c.db);
    (drains.get(c) ?? drains.set(c, []).get(c)!).push((Date.now() - t0) / 1000);
  }
  const run: Run = { ...load, logged };
  console.log(
    `${c.server} | ${c.body.n} × c=${c.connections} | ${Math.round(load.rps * c.body.n)} readings/s | p50 ${load.p50.toFixed(2)} p99 ${load.p99.toFixed(2)} ms | errors ${load.errors} | RSS ${Math.round(load.rssMb)} MB | CPU ${Math.round(load.cpuPct)} %${logged === undefined ? "" : ` | logged ${logged} vs acked ${load.ok * c.body.n}`}`,
  );
  return run;
}

/** The notes the AI4I app's runs gave: its journal's backlog after batches, its commit wait. */
export function runNotes(seconds: number): string[] {
  const out: string[] = [];
  for (const [c, secs] of drains)
    if (c.body.n > 1 && c.server === AI4I_BEFORE)
      out.push(
        `After each ${seconds}-second run of ${c.body.n}-reading batches at ${c.connections} connection(s) the prediction log's journal held a backlog; the writer thread moved it into the indexed table in ${Math.min(...secs).toFixed(1)}–${Math.max(...secs).toFixed(1)} s more, the server answering meanwhile (moving takes at most a quarter of the writer thread's time while predictions keep arriving, see README "The prediction log").`,
      );
  const waits = [...commitWaits]
    .filter(([c]) => c.server === AI4I_BEFORE)
    .map(([c, runs]) => {
      // The median round, as the table's: by requests/s, i.e. by latency, the lower of two.
      const [w, l] = [...runs].sort((a, b) => b[1] - a[1])[Math.floor((runs.length - 1) / 2)];
      return `${c.body.n === 1 ? "single" : `batch ${c.body.n}`}, ${c.connections} conn(s): ${w.toFixed(2)} of ${l.toFixed(2)} ms`;
    });
  if (waits.length > 0)
    out.push(
      `The AI4I app's mean wait for the durable log commit, per request (${COMMIT_METRIC} from its /metrics, over the measured run), against its mean request latency (connections ÷ requests/s), median round: ${waits.join("; ")}. The wait covers the group's wait for its flush, the hand-off to the writer thread, the append and its fsync, the reply, and the main thread getting back to it; with few connections and the main thread not saturated, it bounds throughput (a closed loop answers connections ÷ latency requests a second).`,
    );
  return out;
}
