// Why a log refuses writes right now (a full disk, a deleted data directory, a database that does
// not answer), or null: a server's readiness turns false while there is one, and says which.
import type { ErrorCode } from "../core/errors.js";

export interface WriteProblem {
  code: Extract<ErrorCode, "MW_DISK_FULL" | "MW_DATA_DIR_GONE" | "MW_STORE_UNAVAILABLE">;
  reason: string;
}
