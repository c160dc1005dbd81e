// The history log's writer thread: owns the log's write connection, so the INSERTs of a group and
// the fsync of its commit (synchronous=FULL) block this thread, never the server's event loop.
// Groups arrive in the order the main thread posts them and commit in that order; the groups that
// arrive while one commits are committed together next (sqlite-thread-commit.ts), and each is
// answered only after its transaction has committed. Speaks the AI4I writer's envelope (ready
// message, numbered replies, "close"), so src/store/sqlite/writer.ts's SqliteWriter drives it.
import { parentPort, workerData } from "node:worker_threads";
import { openWriterConnection } from "../sqlite/writer-open.js";
import { type WriterInit, type WriterReply, toWire as wire } from "../sqlite/writer-protocol.js";
import { type HistoryWriterRequest, prepareInsert, prepareLabels } from "./sqlite-rows.js";
import { prepareShadowInsert, type ShadowGroup } from "./sqlite-shadow.js";
import { ThreadCommits } from "./sqlite-thread-commit.js";
import type { LabelIn } from "./types.js";

type Append = Extract<HistoryWriterRequest, { op: "append" }> & { id: number };

const port = parentPort;
if (!port) throw new Error("history sqlite-writer-worker must run as a worker thread");
const init = workerData as WriterInit;

const { db, append, shadow, label } = openWriterConnection(port, init, (db) => {
  const insert = prepareInsert(db);
  const insertShadow = db.transaction(prepareShadowInsert(db));
  const labels = db.transaction(prepareLabels(db));
  return {
    // A group's rows, inside the open transaction (if they fail, ThreadCommits commits the others
    // without it). It may carry shadow scores (shadow-rides.ts): in a savepoint of their own, so that
    // shadow rows that fail are rolled back alone and reported; they never fail the answers they rode with.
    append: (g: Append) => {
      const seqs = insert(g.rows);
      let shadowError: string | null = null;
      if (g.shadow)
        try {
          insertShadow(g.shadow);
        } catch (e) {
          shadowError = (e as Error).message;
        }
      return { seqs, shadowError };
    },
    // Labels: judged and logged in one transaction, IMMEDIATE so that its look-ups and its inserts
    // see one state of the file (a second server on the file waits, not slips in between).
    label: (l: LabelIn[]) => labels.immediate(l),
    // Shadow scores no answers' group took (traffic stopped): best effort, their commit skips the
    // fsync (synchronous=NORMAL for that one transaction; in WAL mode the frames reach the disk with
    // the next FULL commit or checkpoint).
    shadow: (g: ShadowGroup) => {
      db.pragma("synchronous = NORMAL");
      try {
        return insertShadow(g);
      } finally {
        db.pragma("synchronous = FULL");
      }
    },
  };
});

/** What a group adds to the WAL, about: its texts and numbers, a page of overhead a row, its shadow scores. */
const bytes = (g: Append) => {
  let n = 0;
  const { body, nums } = g.rows;
  for (let i = 0; i < body.length; i++) n += 4096 + body[i].length + (nums[i]?.byteLength ?? 0);
  return n + (g.shadow ? 4096 + 128 * g.shadow.id.length : 0);
};
const commits = new ThreadCommits<Append>({ db, insert: append, bytes, reply: (r) => port.postMessage(r) });

port.on("message", (m: HistoryWriterRequest & { id: number }) => {
  if (m.op === "append") {
    commits.add(m);
    return;
  }
  commits.flush(); // the groups that came before it commit first: arrival order
  if (m.op === "close") {
    db.close();
    port.postMessage({ id: m.id, ok: true } satisfies WriterReply);
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    const result = m.op === "shadow" ? shadow(m.scores) : label(m.labels);
    reply = { id: m.id, ok: true, result };
  } catch (e) {
    reply = { id: m.id, ok: false, error: wire(e) };
  }
  port.postMessage(reply);
});

port.postMessage({ id: 0, ready: true } satisfies WriterReply);
