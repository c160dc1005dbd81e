// The contract server in bench/serve.ts (issue 15): the AI4I example served as a data-contract model
// (examples/contracts/ai4i.yaml), trained on the same simulated CSV as the AI4I app and loaded the
// same way, in the contract's names. Its time is a counter (UDI) checked in order per machine, so a
// fixed body would be a 409 from the second request on: every request carries a later count.
//   single: reading 0's values (the AI4I rows' one fixed reading), the machine cycling over 384 ids
//     (each wrk thread its own half) and the count one more on each pass, as serve-history.ts's load;
//   batch: the first 1,000 CSV rows (their own 24 machines interleaved, counts increasing), the
//     machine ids prefixed by the wrk thread and one of BLOCKS blocks, so a machine recurs only
//     after BLOCKS - 1 other requests of its thread and two batches in flight never share one.
// The requests of a run are made in wrk's `init`, before its clock starts (WRK_PREBUILT per thread,
// more than a thread sends in the run at the AI4I app's best rate), so the server shares the 2 cores
// with a load generator that only sends, as the AI4I app's fixed body does: made per request, a
// 1,000-reading body cost wrk ~1 ms of CPU each time, and at 1 connection that was on every
// request's path (2026-12-05: 108–121 → 177–179 requests/s). Past the prebuilt ones, made as sent.
// Each run's counts start at the wall clock in µs: far past the last run's (a run adds fewer than
// 10^6 counts a second), so no run needs to ask the server where the last one stopped. A batch's
// count is its pass's stem followed by the row's number in 4 digits (STEP per pass).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RAW_FEATURES, type Reading } from "../../src/data/schema.js";
import { COUNTER_LUA, WRK_THREAD_IDS } from "../lib/history-load.js";
import { WRK_DONE } from "./harness.js";

export const CONTRACT = "Millwright contract server (ai4i.yaml)";
export const CONTRACT_BEFORE = "Millwright contract server (ai4i.yaml), before";
/** The retired AI4I app, served by an older checkout (BENCH_AI4I_BEFORE). */
export const AI4I_BEFORE = "Millwright AI4I app (before its deletion)";
/** The history log's file in the server's data dir (the contract's name). */
export const CONTRACT_DB = "history-ai4i-2020.db";
const MACHINES = 384;
const BLOCKS = 8;
/** A batch's counts step by this per pass of a block (more than its 1,000 rows): stem × STEP + row. */
const STEP = 10_000;
const STEM_DIGITS = 4;

const BATCH_LUA = `${WRK_THREAD_IDS}
function init(args)
  local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
  local rows = {}
  for line in f:lines() do
    local m, rest = line:match("^([^\\t]*)\\t(.*)$")
    rows[#rows + 1] = { m = m, f = rest }
  end
  f:close()
  -- A request's counts are its pass's stem and the row's number in ${STEM_DIGITS} digits: one
  -- string.format per request, the rest of the body made here once per block (a format per
  -- reading per request cost wrk more CPU per request than the AI4I app's fixed body, on the
  -- same 2 cores as the server it measures).
  t0 = math.ceil(tonumber(os.getenv("WRK_T0")) / ${STEP})
  n = 0
  nrows = #rows
  starts = {}
  for k = 0, ${BLOCKS - 1} do
    starts[k] = {}
    for i = 1, nrows do
      starts[k][i] = string.format('{"machine_id":"t%db%d-%s","timestamp":', tid, k, rows[i].m)
    end
  end
  tails = {}
  for i = 1, nrows do
    tails[i] = string.format('%0${STEM_DIGITS}d,%s}%s', i, rows[i].f, i < nrows and "," or "]")
  end
  parts = { "[" }
  headers = { ["Content-Type"] = "application/json" }
  prebuilt = {}
  for p = 1, tonumber(os.getenv("WRK_PREBUILT") or "0") do prebuilt[p] = build() end
  sent = 0
end
function request()
  sent = sent + 1
  local r = prebuilt[sent]
  if r then
    prebuilt[sent] = nil
    return r
  end
  return build()
end
function build()
  local k = n % ${BLOCKS}
  local stem = string.format("%.0f", t0 + math.floor(n / ${BLOCKS}))
  n = n + 1
  local start = starts[k]
  local j = 2
  for i = 1, nrows do
    parts[j] = start[i]
    parts[j + 1] = stem
    parts[j + 2] = tails[i]
    j = j + 3
  end
  return wrk.format("POST", nil, headers, table.concat(parts, "", 1, j - 1))
end
${WRK_DONE}`;

export interface ContractLoad {
  single: { file: string; n: number; lua: string };
  batch: { file: string; n: number; lua: string };
}

/** The wrk scripts and their body files, from the rows the AI4I app's bodies come from. */
export function contractLoad(dir: string, rows: readonly Reading[]): ContractLoad {
  // The contract names its readings as the AI4I app does: the same six fields, the same values.
  const fields = (r: Reading) =>
    JSON.stringify({ type: r.type, ...Object.fromEntries(RAW_FEATURES.map((f) => [f, r[f]])) }).slice(1, -1);
  const prefixes = Array.from(
    { length: MACHINES },
    (_, i) => `{"machine_id":"S${i}",${fields(rows[0])},"timestamp":`,
  );
  const single = { file: join(dir, "contract-single.txt"), n: 1, lua: join(dir, "contract-single.lua") };
  writeFileSync(single.file, `${prefixes.join("\n")}\n`);
  writeFileSync(single.lua, COUNTER_LUA);
  const batch = { file: join(dir, "contract-batch.txt"), n: 1000, lua: join(dir, "contract-batch.lua") };
  const lines = rows.slice(0, 1000).map((r) => `${r.machine_id}\t${fields(r)}`);
  writeFileSync(batch.file, `${lines.join("\n")}\n`);
  writeFileSync(batch.lua, BATCH_LUA);
  return { single, batch };
}

/** Batches a wrk thread makes before the run, per second of it: above the AI4I app's best (~330 a second, 2 threads). */
const PREBUILT_PER_SECOND = 300;

/**
 * The environment the scripts read for one run: every run's counts after the last run's, and
 * (`seconds`) the batches each wrk thread makes before it starts.
 */
export function contractRunEnv(connections: number, seconds = 0): void {
  process.env.WRK_T0 = String(Date.now() * 1000);
  process.env.WRK_THREADS = String(Math.min(2, connections));
  process.env.WRK_PREBUILT = String(Math.ceil(seconds * PREBUILT_PER_SECOND));
}
