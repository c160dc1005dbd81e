// A stand-in writer thread for test/store/sqlite.test.ts: reports ready, then never answers, so a
// request stays pending until the test kills the thread (outside any SQLite call, which is safe).
import { parentPort } from "node:worker_threads";

parentPort?.postMessage({ id: 0, ready: true });
parentPort?.on("message", () => {});
