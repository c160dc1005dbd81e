// The history log's writer thread: owns the log's write connection, so the INSERTs of a group and
// the fsync of its commit (synchronous=FULL) block this thread, never the server's event loop.
// Groups arrive in the order the main thread posts them and commit in that order; each is answered
// only after its transaction has committed. Speaks the AI4I writer's envelope (ready message, numbered
// replies, "close"), so src/store/sqlite/writer.ts's SqliteWriter drives it.
import { parentPort, workerData } from "node:worker_threads";
import { openWriterConnection } from "../sqlite/writer-open.js";
import { type WriterInit, type WriterReply, toWire as wire } from "../sqlite/writer-protocol.js";
import { type HistoryWriterRequest, prepareInsert, prepareLabels, type RowGroup } from "./sqlite-rows.js";
import { prepareShadowInsert, type ShadowGroup } from "./sqlite-shadow.js";
import type { LabelIn } from "./types.js";

const port = parentPort;
if (!port) throw new Error("history sqlite-writer-worker must run as a worker thread");
const init = workerData as WriterInit;

// One transaction per group: one fsync for every entry the main thread gathered.
const { db, append, shadow, label } = openWriterConnection(port, init, { fileMustExist: true }, (db) => {
  const insert = prepareInsert(db);
  const insertShadow = db.transaction(prepareShadowInsert(db));
  return {
    // An answers' group may carry shadow scores (shadow-rides.ts): inserted in the same transaction,
    // inside a savepoint (a transaction function called in a transaction), so that shadow rows that
    // fail are rolled back alone and reported; they never fail the answers they rode with.
    append: db.transaction((g: RowGroup & { shadow?: ShadowGroup }) => {
      const seqs = insert(g);
      let shadowError: string | null = null;
      if (g.shadow)
        try {
          insertShadow(g.shadow);
        } catch (e) {
          shadowError = (e as Error).message;
        }
      return { seqs, shadowError };
    }),
    // Labels: judged and logged in one transaction, IMMEDIATE so that its look-ups and its inserts
    // see one state of the file (a second server on the file waits, not slips in between).
    label: (
      (tx) => (labels: LabelIn[]) =>
        tx.immediate(labels)
    )(db.transaction(prepareLabels(db))),
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

port.on("message", (m: HistoryWriterRequest & { id: number }) => {
  if (m.op === "close") {
    db.close();
    port.postMessage({ id: m.id, ok: true } satisfies WriterReply);
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    const result = m.op === "shadow" ? shadow(m) : m.op === "label" ? label(m.labels) : append(m);
    reply = { id: m.id, ok: true, result };
  } catch (e) {
    reply = { id: m.id, ok: false, error: wire(e) };
  }
  port.postMessage(reply);
});

port.postMessage({ id: 0, ready: true } satisfies WriterReply);
