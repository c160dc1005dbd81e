// The dataset store beside the registry: every version's training data, kept by content.
//
//   DIR/datasets/sha256/<hex>.csv    the exact bytes a version trained on, named by their SHA-256
//
// A retraining trained on a temporary CSV that was deleted afterwards, and its lineage named that
// file: the next retraining found no base data and trained on production data alone (issue 18).
// Now a training stores its input here first, lineage names it by hash, and any version can be
// retrained or audited from it. The same bytes are stored once (a retraining that changes nothing,
// or twenty versions trained on the same export, cost one copy). Reading checks the hash, so a
// damaged copy is an error, not a silently different training set.
//
// Retention: a dataset some version's lineage names is kept as long as that version is. One that
// no version names (its training failed after storing it) is deleted once older than a grace period
// (default 24 h), so a training in progress never loses its data.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { writeFileAtomic } from "./fsutil.js";

export interface StoredDataset {
  sha256: string;
  /** Relative to the registry directory. */
  path: string;
  bytes: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
export const DATASET_GRACE_MS = 24 * 60 * 60_000;

export class DatasetStore {
  constructor(private readonly registryDir: string) {}

  private get dir(): string {
    return join(this.registryDir, "datasets", "sha256");
  }

  private relPath(sha256: string): string {
    return join("datasets", "sha256", `${sha256}.csv`);
  }

  /** Stores the file's bytes (once per content) and says where. */
  putFile(file: string): StoredDataset {
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch (e) {
      throw new MillwrightError("MW_CSV", `${file}: cannot read (${(e as NodeJS.ErrnoException).code})`, {
        file,
      });
    }
    return this.putBytes(buf);
  }

  putBytes(buf: Uint8Array): StoredDataset {
    const sha256 = createHash("sha256").update(buf).digest("hex");
    const path = this.relPath(sha256);
    const abs = join(this.registryDir, path);
    if (!existsSync(abs)) {
      try {
        mkdirSync(this.dir, { recursive: true });
        writeFileAtomic(abs, buf);
      } catch (e) {
        throw new MillwrightError(
          "MW_REGISTRY",
          `cannot store the training data in ${this.dir}: ${(e as Error).message}`,
        );
      }
    }
    return { sha256, path, bytes: buf.byteLength };
  }

  has(sha256: string): boolean {
    return HEX64.test(sha256) && existsSync(join(this.registryDir, this.relPath(sha256)));
  }

  /** The absolute path of a stored dataset whose bytes still hash to its name. */
  verifiedPath(sha256: string): string {
    if (!HEX64.test(sha256))
      throw new MillwrightError("MW_REGISTRY", `dataset id '${sha256}' is not a SHA-256`, { sha256 });
    const abs = join(this.registryDir, this.relPath(sha256));
    let buf: Buffer;
    try {
      buf = readFileSync(abs);
    } catch {
      throw new MillwrightError("MW_REGISTRY", `dataset ${sha256} is not in ${this.dir}`, { sha256 });
    }
    const got = createHash("sha256").update(buf).digest("hex");
    if (got !== sha256)
      throw new MillwrightError("MW_REGISTRY", `dataset ${sha256} is damaged: its bytes hash to ${got}`, {
        sha256,
      });
    return abs;
  }

  list(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".csv") && HEX64.test(f.slice(0, -4)))
      .map((f) => f.slice(0, -4));
  }

  /** Deletes unreferenced datasets older than `graceMs`; returns the ids deleted. */
  prune(referenced: ReadonlySet<string>, graceMs = DATASET_GRACE_MS, now = Date.now()): string[] {
    const gone: string[] = [];
    for (const sha of this.list()) {
      if (referenced.has(sha)) continue;
      const abs = join(this.registryDir, this.relPath(sha));
      try {
        if (now - statSync(abs).mtimeMs < graceMs) continue;
        rmSync(abs, { force: true });
        gone.push(sha);
      } catch {
        // removed meanwhile
      }
    }
    return gone;
  }
}

/** The dataset ids a version's lineage names (its own training data, and the base it grew from). */
export function datasetsOf(lineage: Record<string, unknown> | null): string[] {
  // An AI4I version names one file; a data-contract version a list (telemetry, attributes, events).
  const raw = lineage?.data;
  const items = (Array.isArray(raw) ? raw : [raw]) as ({ dataset?: { sha256?: unknown } } | undefined)[];
  const out: string[] = [];
  for (const d of items) if (typeof d?.dataset?.sha256 === "string") out.push(d.dataset.sha256);
  return out;
}
