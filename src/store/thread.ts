// Starting a worker thread from a module next to the caller, compiled (dist/…/x.js) or from src/
// under tsx (x.ts). Node 20 does not apply tsx's --import hooks to a worker's entry point, so a .ts
// worker is started as a small eval script that registers tsx in the thread first and then imports
// the file. Used by the SQLite writer threads and the contract retraining thread.
import { Worker, type WorkerOptions } from "node:worker_threads";

/** The URL of `name` (without extension) beside `importMetaUrl`, .ts or .js like the caller. */
export function siblingWorkerUrl(importMetaUrl: string, name: string): URL {
  return new URL(`./${name}.${importMetaUrl.endsWith(".ts") ? "ts" : "js"}`, importMetaUrl);
}

export function spawnWorker(url: URL, options: WorkerOptions): Worker {
  if (!url.pathname.endsWith(".ts")) return new Worker(url, options);
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}
