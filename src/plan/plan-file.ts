// A file the server's plan reads, technicians or costs: configured (MILLWRIGHT_TECHNICIANS,
// MILLWRIGHT_COSTS) or uploaded by a manager (PUT /v1/plan/technicians|costs, kept in the data
// directory, where it wins over the configured one). Its modification time tells the keeper when
// the plan made from it is stale.
import { existsSync, readFileSync, statSync } from "node:fs";
import { MillwrightError } from "../core/errors.js";
import { writeFileAtomic } from "../registry/fsutil.js";

export class PlanFile {
  private seen = 0;

  constructor(
    /** What it holds, for messages ("technicians", "costs"). */
    readonly what: string,
    /** The variable that configures it. */
    readonly env: string,
    private readonly configured: string | undefined,
    /** Where an upload is kept; unset: uploads refused (cluster mode). */
    private readonly uploaded?: string,
  ) {}

  /** The file in use: the last upload, else the configured one. */
  get path(): string | undefined {
    return this.uploaded && existsSync(this.uploaded) ? this.uploaded : this.configured;
  }

  private mtime(): number {
    try {
      return this.path ? statSync(this.path).mtimeMs : 0;
    } catch {
      return 0;
    }
  }

  /** Whether the file changed (or appeared, or went) since it was last read or uploaded. */
  changed(): boolean {
    return this.mtime() !== this.seen;
  }

  /** Its text, and it counts as seen; null when none is configured; MW_CONFIG when it cannot be read. */
  read(): { text: string; path: string } | null {
    this.seen = this.mtime();
    const path = this.path;
    if (!path) return null;
    try {
      return { text: readFileSync(path, "utf8"), path };
    } catch {
      throw new MillwrightError("MW_CONFIG", `${path}: ${this.what} file not found (${this.env})`, {
        file: path,
      });
    }
  }

  /** Keeps an uploaded text (already checked by the caller). */
  keep(text: string): void {
    if (!this.uploaded)
      throw new MillwrightError(
        "MW_CONFIG",
        // Cluster mode: an upload would stay in one replica's data directory, and the replicas
        // would plan with different files, answering different plans by turns.
        `this server takes no ${this.what} upload (cluster mode, DATABASE_URL: each replica would keep its own): set ${this.env} to the same file on every replica`,
        { field: this.env },
      );
    writeFileAtomic(this.uploaded, text.endsWith("\n") ? text : `${text}\n`);
    this.seen = this.mtime();
  }
}
