import { readConfig } from "../config.js";
import { outThen, parse, portOpt } from "../io.js";
import { ModelRegistry } from "../../registry/registry.js";
import { startContractServer } from "../../serve/contract/server.js";
import { isHistoryModelJSON } from "../../train/history-model.js";
import { refuseAi4iModel } from "../model-opts.js";

export const SERVE_HELP = `millwright serve [--registry DIR] [--model REF] [--port 8080] [--host 127.0.0.1]

Serves a data-contract model version (default: the champion, followed as it moves) over HTTP: the
JSON API (/v1, from the contract), the Open Inference Protocol v2 (/v2), OpenAPI docs (/docs),
Prometheus metrics (/metrics) and the dashboard (/). Every reading is logged durably (SQLite in
MILLWRIGHT_DATA_DIR, or PostgreSQL when DATABASE_URL is set) before it is answered. A model of the
retired AI4I app is refused (exit 2): train examples/contracts/ai4i.yaml instead.

Environment: MILLWRIGHT_REGISTRY, MILLWRIGHT_DATA_DIR, DATABASE_URL, MILLWRIGHT_ADMIN_TOKEN,
MILLWRIGHT_FEEDBACK_TOKEN, MILLWRIGHT_HOOK_TOKEN (each also as NAME_FILE), MILLWRIGHT_MAX_BATCH,
MILLWRIGHT_MONITOR_INTERVAL_MS, MILLWRIGHT_RETRAIN_MODE (local|github|off), MILLWRIGHT_DRAIN_DELAY_MS.
SIGTERM: readiness turns false, in-flight requests finish, the log is flushed, exit 0.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { strings: ["registry", "model", "port", "host"] }, SERVE_HELP);
  if (values.help) return outThen(SERVE_HELP, 0);
  const env = { ...process.env };
  if (values.registry) env.MILLWRIGHT_REGISTRY = values.registry as string;
  const cfg = readConfig(env);
  const ref = (values.model as string | undefined) ?? "champion";
  const stored = new ModelRegistry(cfg.registryDir).readModelJson(ref);
  if (!isHistoryModelJSON(stored.obj)) refuseAi4iModel(stored.version, "serve");
  // A data-contract model: the contract server, whose API comes from the contract (README "Data contract").
  const server = await startContractServer(cfg, {
    host: (values.host as string | undefined) ?? "127.0.0.1",
    port: portOpt(values, 8080),
    modelRef: ref,
  });
  // On a terminal, a line for the person; otherwise (a container's log) one line of the log's own
  // format, not plain text inside a JSON stream (trial 8).
  if (process.stderr.isTTY)
    process.stderr.write(
      `Millwright is serving ${server.url} (data contract; dashboard ${server.url}/, API docs ${server.url}/docs)\n`,
    );
  else server.app.log.info({ url: server.url }, "Millwright is serving (data contract)");
  for (const signal of ["SIGTERM", "SIGINT"] as const)
    process.once(signal, () => server.app.log.info(`${signal}: draining and closing`));
  await waitForSignal(server.close);
  return 0;
}

export function printUrls(url: string): void {
  const base = url.replace("0.0.0.0", "127.0.0.1");
  process.stderr.write(
    `Millwright is serving at ${base}\n  dashboard ${base}/\n  API docs  ${base}/docs\n  metrics   ${base}/metrics\n`,
  );
}

/** Resolves after SIGTERM/SIGINT once the server has drained and closed. */
export function waitForSignal(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      close().then(resolve, (e) => {
        process.stderr.write(`shutdown error: ${(e as Error).message}\n`);
        resolve();
      });
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
