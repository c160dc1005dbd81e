// The history log's writer thread: owns the log's write connection, so the INSERTs of a group and
// the fsync of its commit (synchronous=FULL) block this thread, never the server's event loop.
// Groups arrive in the order the main thread posts them and commit in that order; each is answered
// only after its transaction has committed. Speaks the AI4I writer's envelope (ready message, numbered
// replies, "close"), so src/store/sqlite/writer.ts's SqliteWriter drives it.
import { parentPort, workerData } from "node:worker_threads";
import { openWriterConnection } from "../sqlite/writer-open.js";
import { type WriterInit, type WriterReply, toWire as wire } from "../sqlite/writer-protocol.js";
import { type HistoryWriterRequest, prepareInsert } from "./sqlite-rows.js";

const port = parentPort;
if (!port) throw new Error("history sqlite-writer-worker must run as a worker thread");
const init = workerData as WriterInit;

// One transaction per group: one fsync for every entry the main thread gathered.
const { db, append } = openWriterConnection(port, init, { fileMustExist: true }, (db) => ({
  append: db.transaction(prepareInsert(db)),
}));

port.on("message", (m: HistoryWriterRequest & { id: number }) => {
  if (m.op === "close") {
    db.close();
    port.postMessage({ id: m.id, ok: true } satisfies WriterReply);
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { id: m.id, ok: true, result: append(m) };
  } catch (e) {
    reply = { id: m.id, ok: false, error: wire(e) };
  }
  port.postMessage(reply);
});

port.postMessage({ id: 0, ready: true } satisfies WriterReply);
