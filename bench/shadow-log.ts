// The shadow scores' cost inside the SQLite prediction log's commits (issue 19, AI4I server): each
// answers' commit appends its journal row and carries as many shadow scores as it has answers
// (store/shadow-rides.ts). Side by side in one run, on one real file with the shipped schema (WAL,
// synchronous=FULL, a real fsync per commit), rounds alternating: commits with no shadow scores,
// with a row per score (migration 4's table, how they were kept before), and packed a group to a row
// (store/sqlite/shadow-pack.ts, migration 5, how they are kept now). Reported: the writer's CPU
// time per score above the no-shadow commits, the wall time per commit, and the file's growth.
// Run: node dist/bench/shadow-log.js   Env: BENCH_COMMITS (2,000 per round), BENCH_ROUNDS (3), BENCH_GROUP (64)
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { uuidv7Many } from "../src/serve/ids.js";
import { SQLITE_MIGRATIONS } from "../src/store/sqlite/schema.js";
import { packShadow } from "../src/store/sqlite/shadow-pack.js";
import { prepareShadowRows } from "../src/store/sqlite/writes.js";
import type { ShadowScoreRecord } from "../src/store/types.js";
import { machineLine, table, writeSection } from "./lib/report.js";

const COMMITS = Number(process.env.BENCH_COMMITS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GROUP = Number(process.env.BENCH_GROUP ?? 64);
const MODES = ["no shadow", "a row per score (before)", "packed groups (now)"] as const;
type Mode = (typeof MODES)[number];

function main(): void {
  const load0 = loadavg();
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-shadow-log-"));
  try {
    const path = join(dir, "predictions.db");
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("wal_autocheckpoint = 0"); // as the writer thread: its mover checkpoints
    for (const m of SQLITE_MIGRATIONS) db.exec(m);
    // The journal row an answers' group appends: numbers and strings of GROUP predictions (about
    // 100 and 40 bytes each, as journal-codec.ts packs them).
    const journal = db.prepare("INSERT INTO prediction_journal (n, nums, strs) VALUES (?, ?, ?)");
    const nums = Buffer.alloc(GROUP * 100, 7);
    const strs = Buffer.alloc(GROUP * 40, 65);
    const perRow = db.prepare(
      "INSERT OR IGNORE INTO shadow_scores (prediction_id, model_version, failure_probability, champion_version, champion_probability, scored_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const packed = prepareShadowRows(db);
    const commit = db.transaction((mode: Mode, rows: ShadowScoreRecord[]) => {
      journal.run(GROUP, nums, strs);
      if (mode === "a row per score (before)")
        for (const r of rows)
          perRow.run(
            r.predictionId,
            r.modelVersion,
            r.failureProbability,
            r.championVersion,
            r.championProbability,
            r.scoredAt,
          );
      // Packed on the main thread in the server; counted here, as it is work the shadow adds.
      else if (mode === "packed groups (now)") packed(packShadow(rows));
    });
    const results = new Map<Mode, { cpuUs: number[]; wallMs: number[]; bytes: number[] }>(
      MODES.map((m) => [m, { cpuUs: [], wallMs: [], bytes: [] }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? MODES : [...MODES].reverse();
      for (const mode of order) {
        const batches = Array.from({ length: COMMITS }, () => {
          const ids = uuidv7Many(GROUP);
          const at = Date.now();
          return ids.map((predictionId, i) => ({
            predictionId,
            modelVersion: "1.1.0",
            failureProbability: (i % 97) / 97,
            championVersion: "1.0.0",
            championProbability: (i % 89) / 89,
            scoredAt: at,
          }));
        });
        db.pragma("wal_checkpoint(TRUNCATE)");
        const size0 = statSync(path).size;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (const rows of batches) commit(mode, rows);
        const wall = performance.now() - t0;
        const c = process.cpuUsage(c0);
        db.pragma("wal_checkpoint(TRUNCATE)");
        const r = results.get(mode) as { cpuUs: number[]; wallMs: number[]; bytes: number[] };
        r.cpuUs.push((c.user + c.system) / (COMMITS * GROUP));
        r.wallMs.push(wall / COMMITS);
        r.bytes.push((statSync(path).size - size0) / (COMMITS * GROUP));
      }
    }
    db.close();
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const base = results.get("no shadow") as { cpuUs: number[] };
    const rows = MODES.map((mode) => {
      const r = results.get(mode) as { cpuUs: number[]; wallMs: number[]; bytes: number[] };
      return [
        mode,
        `${med(r.cpuUs).toFixed(2)} (${r.cpuUs.map((x) => x.toFixed(2)).join(", ")})`,
        mode === "no shadow" ? "—" : (med(r.cpuUs) - med(base.cpuUs)).toFixed(2),
        `${med(r.wallMs).toFixed(2)} (${r.wallMs.map((x) => x.toFixed(2)).join(", ")})`,
        Math.round(med(r.bytes)),
      ];
    });
    const body = [
      "## Shadow scores in the SQLite log's commits (`bench/shadow-log.ts`)",
      "",
      `${machineLine()}. Load average ${load0.map((x) => x.toFixed(1)).join(" / ")} at the start. ${COMMITS} commits per round, each a journal row of ${GROUP} predictions and, with a shadow, ${GROUP} shadow scores (as shadow-rides.ts gives a group as many as it has answers); ${ROUNDS} rounds, order alternating; one real file with the shipped schema, WAL, synchronous=FULL (a real fsync per commit). CPU is the process's (one thread), per prediction; the median round shown, every round in brackets. "File bytes" is the database's growth per prediction after a checkpoint.`,
      "",
      table(
        [
          "commits carry",
          "CPU µs / prediction (rounds)",
          "above no shadow, µs",
          "wall ms / commit (rounds)",
          "file bytes / prediction",
        ],
        rows,
      ),
    ].join("\n");
    console.log(body);
    writeSection("shadow-log", body);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
