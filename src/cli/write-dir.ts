// Writes a set of files into a directory so that a reader never sees half of one: every file is
// first written and fsynced as a temp file beside its target, and only when all are written are they
// renamed into place. A failure while writing removes the temps and leaves the old files as they were.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fsyncDir } from "../registry/fsutil.js";

export function writeFilesAtomic(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const tag = `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const staged: [string, string][] = [];
  try {
    for (const [name, text] of Object.entries(files)) {
      const target = join(dir, name);
      const tmp = `${target}${tag}`;
      staged.push([tmp, target]);
      const fd = openSync(tmp, "w", 0o644);
      try {
        writeSync(fd, Buffer.from(text, "utf8"));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
  for (const [tmp, target] of staged) renameSync(tmp, target);
  fsyncDir(dir);
}
