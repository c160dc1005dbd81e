// The history log's writer thread: owns the log's write connection, so the INSERTs of a group and
// the fsync of its commit (synchronous=FULL) block this thread, never the server's event loop.
// Groups arrive in the order the main thread posts them and commit in that order; each is answered
// only after its transaction has committed. Speaks the AI4I writer's envelope (ready message, numbered
// replies, "close"), so src/store/sqlite/writer.ts's SqliteWriter drives it.
import { parentPort, workerData } from "node:worker_threads";
import { openWriterConnection } from "../sqlite/writer-open.js";
import { type WriterInit, type WriterReply, toWire as wire } from "../sqlite/writer-protocol.js";
import { type HistoryWriterRequest, prepareInsert, prepareShadowInsert } from "./sqlite-rows.js";

const port = parentPort;
if (!port) throw new Error("history sqlite-writer-worker must run as a worker thread");
const init = workerData as WriterInit;

// One transaction per group: one fsync for every entry the main thread gathered.
const { db, append, shadow } = openWriterConnection(port, init, { fileMustExist: true }, (db) => {
  const insertShadow = db.transaction(prepareShadowInsert(db));
  return {
    append: db.transaction(prepareInsert(db)),
    // Shadow scores are best effort: their commit skips the fsync (synchronous=NORMAL for that one
    // transaction; in WAL mode the frames reach the disk with the next FULL commit or checkpoint), so
    // they never make the answers' commits wait for a second fsync.
    shadow: (g: Parameters<typeof insertShadow>[0]) => {
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
    reply = { id: m.id, ok: true, result: m.op === "shadow" ? shadow(m) : append(m) };
  } catch (e) {
    reply = { id: m.id, ok: false, error: wire(e) };
  }
  port.postMessage(reply);
});

port.postMessage({ id: 0, ready: true } satisfies WriterReply);
