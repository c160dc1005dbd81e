// The house's layers, checked rather than hoped for.
// 1. Imports flow inward: every folder of src/ sits in one layer (LAYERS, innermost first) and a file
//    may use its own layer and the ones inside it, never one further out. Any relative path a file
//    names counts (an import, or a `new URL("../x/y.js", import.meta.url)`), so spawning a file of an
//    outer layer by path is caught too. A new folder must be given a layer here before it passes.
// 2. The pure core (features, model, evaluate, pipeline, monitor/stats, train, and contract/ but its
//    file reader) does no I/O (no fs, network, child processes or environment).
// 3. No two files of src/ import each other, directly or round a loop (type imports count: a loop
//    of types is still two files a reader must hold in mind at once; a shared type gets its own file).
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { test } from "node:test";

/** Innermost first; README.md "Architecture" draws the same order. */
export const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["contract", "data", "features", "model", "train", "evaluate"],
  ["pipeline", "plan", "monitor", "registry", "store", "metrics", "sim", "gitops"],
  ["retrain", "serve"],
  ["cli"],
];

const LAYER_OF = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

/** The folder of src/ a repository path lies in ("src/store/sqlite/store.ts" → "store"). */
function folder(path: string): string | undefined {
  const parts = normalize(path).split("/");
  return parts[0] === "src" && parts.length > 2 ? parts[1] : undefined;
}

/** What `file` (a path under src/) breaks of the layer order, one line per outward reference. */
export function outwardReferences(file: string, text: string): string[] {
  const from = folder(file);
  if (from === undefined) return [];
  const own = LAYER_OF.get(from);
  if (own === undefined) return [`${file}: src/${from}/ has no layer in test/core/layers.test.ts`];
  const problems: string[] = [];
  for (const m of text.matchAll(/["'`](\.\.?\/[^"'`\s]+\.(?:js|ts))["'`]/g)) {
    const to = folder(join(dirname(file), m[1]));
    if (to === undefined) continue;
    const layer = LAYER_OF.get(to);
    if (layer === undefined || layer > own)
      problems.push(`${file} (layer ${own}, ${from}/) names ${m[1]} (layer ${layer ?? "?"}, ${to}/)`);
  }
  return problems;
}

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

test("imports flow inward: no file of src/ names a file of an outer layer", () => {
  const all = files("src");
  assert.ok(all.length > 200, `checked ${all.length} files`);
  const problems = all.flatMap((f) => outwardReferences(f, readFileSync(f, "utf8")));
  assert.deepEqual(problems, []);
});

/** Relative imports (static, type or dynamic) of a file, as paths of src/ ending in .ts. */
function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.\.?\/[^"]+)\.js"/g))
    out.push(`${normalize(join(dirname(file), m[1]))}.ts`);
  return out;
}

/** Every import loop, each as its files in order (Tarjan's strongly connected components). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

test("no import loops: no two files of src/ import each other, directly or round a loop", () => {
  const graph = new Map(files("src").map((f) => [f, importsOf(f, readFileSync(f, "utf8"))]));
  assert.deepEqual(importCycles(graph), []);
  // The check finds a loop of types, and one three files round.
  const loop = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts"]],
    ["c.ts", ["a.ts"]],
    ["d.ts", ["a.ts"]],
  ]);
  assert.deepEqual(importCycles(loop), [["a.ts", "b.ts", "c.ts"]]);
  assert.deepEqual(importsOf("src/x/a.ts", 'import type { T } from "./b.js";\nimport("../y/c.js")'), [
    "src/x/b.ts",
    "src/y/c.ts",
  ]);
});

test("the layer check catches an outward import, a spawn by path and a folder with no layer", () => {
  assert.deepEqual(outwardReferences("src/store/x.ts", 'import { a } from "../serve/app.js";').length, 1);
  assert.deepEqual(
    outwardReferences("src/monitor/x.ts", 'import type { M } from "../serve/metrics.js";').length,
    1,
  );
  assert.deepEqual(
    outwardReferences("src/retrain/x.ts", 'const c = new URL("../cli/main.js", import.meta.url);').length,
    1,
  );
  assert.deepEqual(
    outwardReferences("src/serve/contract/x.ts", 'import type { C } from "../../cli/config.js";').length,
    1,
  );
  assert.match(outwardReferences("src/newfolder/x.ts", "")[0], /has no layer/);
  // Inward and sideways are fine: serve uses store and retrain; store/sqlite uses store/.
  assert.deepEqual(
    outwardReferences("src/serve/x.ts", 'import "../store/types.js"; import "../retrain/alerts.js";'),
    [],
  );
  assert.deepEqual(
    outwardReferences("src/store/sqlite/x.ts", 'import "../types.js"; import "../../core/errors.js";'),
    [],
  );
});

test("the core imports no edge and does no I/O", () => {
  const problems: string[] = [];
  let checked = 0;
  for (const dir of CORE)
    for (const f of files(dir)) {
      checked++;
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?"([^"]+)"/g)) {
        const spec = m[1];
        if (/^\.\.?\/(\.\.\/)*(cli|serve|store|registry|web|retrain|gitops|sim|metrics)\//.test(spec))
          problems.push(`${f} imports ${spec}`);
        if (!IO_ALLOWED.has(f) && /^node:(fs|child_process|net|http|https|dgram|worker_threads)/.test(spec))
          problems.push(`${f} imports ${spec}`);
      }
      if (!IO_ALLOWED.has(f) && /process\.env/.test(text)) problems.push(`${f} reads process.env`);
    }
  assert.ok(checked > 40, `checked ${checked} files`);
  assert.deepEqual(problems, []);
});
