// The AI4I app as the serve tests start it: a trained registry, a real SQLite prediction log in a
// temporary folder of its own, and buildApp with the test's options. close() undoes all of it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type AppOptions, buildApp } from "../../src/serve/app.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { type TrainedFixture, trainedRegistry } from "./model.js";

export interface Ai4iApp {
  fx: TrainedFixture;
  app: FastifyInstance;
  store: SqliteStore;
  /** The temporary folder: the prediction log is p.db in it; the test may put its own files there. */
  dir: string;
  close(): Promise<void>;
}

export async function startAi4iApp(
  fleet: { machines: number; days: number },
  options: (dir: string) => Omit<AppOptions, "registry" | "store"> = () => ({}),
): Promise<Ai4iApp> {
  const fx = trainedRegistry(fleet);
  const dir = mkdtempSync(join(tmpdir(), "mw-app-"));
  const store = new SqliteStore({ path: join(dir, "p.db") });
  await store.init();
  const app = await buildApp({ registry: fx.registry, store, ...options(dir) });
  const close = async () => {
    await app.close();
    await store.close();
    fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  };
  return { fx, app, store, dir, close };
}
