// A lock file for read-modify-write of registry.json across processes: O_EXCL create, with a
// stale-lock timeout so a crashed holder does not block the registry forever.
import { closeSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { MillwrightError } from "../core/errors.js";

const STALE_MS = 30_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function withLock<T>(path: string, fn: () => T, timeoutMs = 10_000): T {
  const start = Date.now();
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
      } catch {
        // Removed by its holder meanwhile: try again.
      }
      if (Date.now() - start > timeoutMs)
        throw new MillwrightError("MW_REGISTRY", `registry is locked by another process (${path})`);
      sleepSync(10);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(path, { force: true });
  }
}
