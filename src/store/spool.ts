// A bounded local spool for prediction records the database could not take: JSONL files under a data
// dir, appended with group commit and fsync'd before the append resolves (acknowledged = durable
// somewhere). Files are numbered: appends go to the newest ("active") file; replay first seals it
// (later appends start a new file) and then replays sealed files oldest first, deleting each only
// after the database has committed it. Files left by a previous process are replayed too.
import { type FileHandle, mkdir, open, readdir, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { GroupCommitter } from "./group-commit.js";
import type { PredictionRecord } from "./types.js";

const FILE_RE = /^spool-(\d{10})\.jsonl$/;
const fileName = (seq: number) => `spool-${String(seq).padStart(10, "0")}.jsonl`;

export interface SpoolOptions {
  dir: string;
  /** Records the spool may hold; beyond it appends are refused with MW_STORE_UNAVAILABLE. */
  maxRecords: number;
}

export class Spool {
  private readonly counts = new Map<number, number>(); // seq -> records on disk
  private seq = 0;
  private fh: FileHandle | null = null;
  private reserved = 0;
  private readonly committer: GroupCommitter<PredictionRecord>;

  constructor(private readonly opts: SpoolOptions) {
    // No size-triggered flush: flushes then only start from setImmediate, never inside a microtask,
    // which is what lets seal() swap files between drain() and the next write.
    this.committer = new GroupCommitter({ write: (rs) => this.write(rs), maxBatch: Number.MAX_SAFE_INTEGER });
  }

  async open(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    for (const f of (await readdir(this.opts.dir)).sort()) {
      const m = FILE_RE.exec(f);
      if (!m) continue;
      const seq = Number(m[1]);
      const n = (await this.readFile(seq)).length;
      if (n > 0) this.counts.set(seq, n);
      else await unlink(join(this.opts.dir, f));
      this.seq = Math.max(this.seq, seq);
    }
    this.seq++; // never append to a file a previous process may have left half-written
  }

  /** Records durable in the spool plus those being appended. */
  size(): number {
    let n = this.reserved;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  async append(records: PredictionRecord[]): Promise<void> {
    if (this.size() + records.length > this.opts.maxRecords) {
      throw new MillwrightError(
        "MW_STORE_UNAVAILABLE",
        `prediction log unavailable and the spool in ${this.opts.dir} is full (${this.opts.maxRecords} records)`,
        { dir: this.opts.dir, maxRecords: this.opts.maxRecords, spooled: this.size() },
      );
    }
    this.reserved += records.length;
    try {
      await this.committer.enqueue(records);
    } catch (e) {
      // Disk full or unwritable: the record is durable nowhere, so the caller must get a 503.
      throw new MillwrightError(
        "MW_STORE_UNAVAILABLE",
        `prediction log unavailable and the spool in ${this.opts.dir} cannot be written: ${(e as Error).message}`,
        {
          dir: this.opts.dir,
        },
      );
    } finally {
      this.reserved -= records.length;
    }
  }

  /** Seals the active file and hands each sealed file's records to `sink`; deletes a file once sunk. */
  async replay(sink: (records: PredictionRecord[]) => Promise<void>, chunk = 2000): Promise<number> {
    await this.seal();
    let replayed = 0;
    for (const seq of [...this.counts.keys()].sort((a, b) => a - b)) {
      if (seq >= this.seq) continue; // the new active file: next pass
      const records = await this.readFile(seq);
      for (let i = 0; i < records.length; i += chunk) await sink(records.slice(i, i + chunk));
      await unlink(join(this.opts.dir, fileName(seq)));
      this.counts.delete(seq);
      replayed += records.length;
    }
    return replayed;
  }

  async close(): Promise<void> {
    await this.committer.drain();
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }

  private async seal(): Promise<void> {
    await this.committer.drain();
    // Synchronous after drain: no write is in flight, so the next write opens a new file.
    const fh = this.fh;
    this.fh = null;
    if (this.counts.has(this.seq)) this.seq++;
    await fh?.close();
  }

  private async write(records: PredictionRecord[]): Promise<void> {
    const seq = this.seq;
    if (!this.fh) {
      this.fh = await open(join(this.opts.dir, fileName(seq)), "a");
      await syncDir(this.opts.dir); // the new file's directory entry must survive a crash too
    }
    let text = "";
    for (const r of records) text += `${JSON.stringify(r)}\n`;
    await this.fh.write(text);
    await this.fh.datasync();
    this.counts.set(seq, (this.counts.get(seq) ?? 0) + records.length);
  }

  private async readFile(seq: number): Promise<PredictionRecord[]> {
    const text = await readFile(join(this.opts.dir, fileName(seq)), "utf8");
    const out: PredictionRecord[] = [];
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as PredictionRecord);
      } catch {
        // A torn last line from a crash mid-append: never fsync'd, so never acknowledged.
      }
    }
    return out;
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
