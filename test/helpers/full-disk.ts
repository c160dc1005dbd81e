// A data directory on a small tmpfs of its own (root only), to fill up and free again: how the tests
// make a real SQLite log fail with SQLITE_FULL while serving, and recover.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FullDisk {
  dataDir: string;
  /** Fills the file system but for `leave` bytes. */
  fill(leave?: number): void;
  /** Frees what `fill` took. */
  free(): void;
  dispose(): void;
}

/** Why the test cannot run here (not root), or null. */
export function fullDiskSkip(): string | null {
  if (process.getuid?.() === 0) return null;
  if (process.env.CI === "true") throw new Error("this test needs root to mount a 20 MB tmpfs");
  return "needs root to mount a 20 MB tmpfs";
}

export function fullDisk(prefix: string): FullDisk {
  const mnt = mkdtempSync(join(tmpdir(), prefix));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=20m", "tmpfs", mnt]);
  const dataDir = join(mnt, "data");
  mkdirSync(dataDir);
  const filler = join(mnt, "filler");
  return {
    dataDir,
    fill(leave = 256 * 1024) {
      const free = statfsSync(mnt);
      writeFileSync(filler, Buffer.alloc(Math.max(0, free.bavail * free.bsize - leave)));
    },
    free() {
      rmSync(filler, { force: true });
    },
    dispose() {
      execFileSync("umount", [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    },
  };
}
