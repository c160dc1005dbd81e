// The house's layers, checked rather than hoped for: the pure core (features, model, evaluate,
// pipeline, monitor/stats, train, and contract/ but its file reader) imports no edge (cli, serve,
// store, registry, web) and does no I/O (no fs, network, child processes or environment).
// The AI4I server's own leaks (monitor/ and retrain/ taking Metrics from serve/) are issue 15's.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const CORE = [
  "src/features",
  "src/model",
  "src/evaluate",
  "src/pipeline",
  "src/monitor/stats",
  "src/train",
  "src/contract",
];
const IO_ALLOWED = new Set(["src/contract/load.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

test("the core imports no edge and does no I/O", () => {
  const problems: string[] = [];
  let checked = 0;
  for (const dir of CORE)
    for (const f of files(dir)) {
      checked++;
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?"([^"]+)"/g)) {
        const spec = m[1];
        if (/^\.\.?\/(\.\.\/)*(cli|serve|store|registry|web|retrain|gitops|sim)\//.test(spec))
          problems.push(`${f} imports ${spec}`);
        if (!IO_ALLOWED.has(f) && /^node:(fs|child_process|net|http|https|dgram|worker_threads)/.test(spec))
          problems.push(`${f} imports ${spec}`);
      }
      if (!IO_ALLOWED.has(f) && /process\.env/.test(text)) problems.push(`${f} reads process.env`);
    }
  assert.ok(checked > 40, `checked ${checked} files`);
  assert.deepEqual(problems, []);
});
