// The history-log contract against a real SQLite file in a temp dir, with the writer thread (what
// `millwright serve` uses) and without.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import { runHistoryLogContract } from "./history-contract.js";

const dir = mkdtempSync(join(tmpdir(), "mw-hlog-"));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

runHistoryLogContract("SQLite", {
  fresh: async () => join(dir, `history-${++n}.db`),
  open: (path) => new SqliteHistoryLog(path),
});

// MILLWRIGHT_SQLITE_WRITER_THREAD=0: the same log, its groups committed on the main thread.
runHistoryLogContract("SQLite, main-thread writes", {
  fresh: async () => join(dir, `history-${++n}.db`),
  open: (path) => new SqliteHistoryLog(path, { writerThread: false }),
});
