// The command table: name → summary and runner. main.ts prints the summaries as the help.
import { checkCommand } from "./check.js";
import { driftCommand } from "./drift.js";
import { evaluateCommand } from "./evaluate.js";
import { modelsCommand } from "./models.js";
import { monitorCommand } from "./monitor.js";
import { planCommand } from "./plan.js";
import { predictCommand } from "./predict.js";
import { predictionsCommand } from "./predictions.js";
import { releaseCommand } from "./release.js";
import { retrainCommand } from "./retrain.js";
import { serveCommand } from "./serve.js";
import { simulateCommand } from "./simulate.js";
import { trainCommand } from "./train.js";
import { upCommand } from "./up.js";

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  up: { summary: "simulate and train if needed, then serve (what npm start runs)", run: upCommand },
  simulate: { summary: "write a simulated fleet's readings as CSV", run: simulateCommand },
  check: { summary: "read data through its contract and report it (trains nothing)", run: checkCommand },
  train: { summary: "train, evaluate and register a new model version", run: trainCommand },
  evaluate: { summary: "evaluate a registered model on a labelled CSV", run: evaluateCommand },
  predict: { summary: "score a CSV with a registered model", run: predictCommand },
  models: { summary: "list, show or promote model versions", run: modelsCommand },
  serve: { summary: "serve a model over HTTP (JSON, OIP v2, docs, metrics, dashboard)", run: serveCommand },
  predictions: {
    summary: "export a contract server's logged predictions (and labels) as CSV",
    run: predictionsCommand,
  },
  drift: { summary: "compare two CSVs feature by feature (Evidently's tests)", run: driftCommand },
  monitor: {
    summary: "compute a contract model's drift and quality once from its log (--once)",
    run: monitorCommand,
  },
  plan: { summary: "plan maintenance: which machine, task, technician and shift", run: planCommand },
  release: { summary: "set the image tag of an environment in the GitOps config repo", run: releaseCommand },
  retrain: { summary: "retraining history, or retrain and gate now", run: retrainCommand },
};
