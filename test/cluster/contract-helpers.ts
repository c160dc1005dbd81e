// A small trained data-contract model for the cluster tests (12 machines × 45 days of the historian
// simulation: a few seconds), its telemetry and events as API bodies, and a reference replica: one
// server on the single-node path (SQLite log) to compare the cluster with.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { loadContract } from "../../src/contract/load.js";
import type { Contract } from "../../src/contract/types.js";
import { readContractData } from "../../src/data/contract-data.js";
import { historianShop } from "../helpers/historian.js";
import { parseCsv } from "../../src/data/csv.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import { buildContractApp } from "../../src/serve/contract/app.js";
import { ContractService } from "../../src/serve/contract/contract-service.js";
import type { HistoryLog } from "../../src/store/history/types.js";
import type { HistoryModel } from "../../src/train/history-model.js";

export const TOKEN = "cluster-feedback-token-0123456789";

export interface Trained {
  dir: string;
  registry: ModelRegistry;
  version: string;
  model: HistoryModel;
  contract: Contract;
}

export function trainContractModel(): Trained {
  const shop = historianShop({ machines: 12, days: 45, seed: 7 }, "mw-ccluster-");
  const dir = shop.dir;
  const { contract, text } = loadContract(shop.contract);
  const registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(contract, { learn: true, labels: "require" });
  const version = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    // Trees that keep splitting (no early stop, small leaves): answers then move with the history
    // from reading to reading, so two histories that differ at all are seen to differ.
    params: { nEstimators: 60, earlyStoppingRounds: 1000, minSamplesLeaf: 5 },
  }).version;
  return { dir, registry, version, model: registry.historyModel(version), contract };
}

export type Step =
  | { kind: "predict"; body: Record<string, unknown> }
  | { kind: "events"; body: { events: Record<string, unknown>[] } };

/** The rows of `machines`, in the file's (time) order, as /v1/predict bodies. */
export function readingsOf(c: Contract, machines: Set<string>): Record<string, unknown>[] {
  const t = parseCsv(readFileSync(c.telemetry[0], "utf8"));
  const h = t.header;
  return t.rows
    .filter((r) => machines.has(r[h.indexOf("machine_id")]))
    .map((row) => {
      const o: Record<string, unknown> = {
        machine_id: row[h.indexOf("machine_id")],
        timestamp: row[h.indexOf("timestamp")],
      };
      for (const r of c.readings) {
        const s = row[h.indexOf(r.column)];
        o[r.name] = s === "" ? null : Number(s);
      }
      return o;
    });
}

/** Every event of `machines` in the contract's event files, as /v1/events items, with a time key. */
export function eventsOf(
  c: Contract,
  machines: Set<string>,
): { at: string; item: Record<string, unknown> }[] {
  const tables: [string, string, string][] = [
    ...c.events.map((e, i): [string, string, string] => [
      e.name,
      e.file as string,
      i === 0 ? "code" : "component",
    ]),
    ["failures", c.failures?.file as string, "component"],
  ];
  const out: { at: string; item: Record<string, unknown> }[] = [];
  for (const [table, file, kindCol] of tables) {
    const t = parseCsv(readFileSync(file, "utf8"));
    t.rows.forEach((r, i) => {
      const machine = r[t.header.indexOf("machine_id")];
      if (!machines.has(machine)) return;
      const at = r[t.header.indexOf("timestamp")];
      out.push({
        at,
        item: {
          id: `${table}-${i}`,
          table,
          machine_id: machine,
          timestamp: at,
          kind: r[t.header.indexOf(kindCol)],
        },
      });
    });
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Readings in time order, each preceded by the events due by its time (the way a shop sends them). */
export function interleave(
  readings: Record<string, unknown>[],
  events: { at: string; item: Record<string, unknown> }[],
): Step[] {
  const steps: Step[] = [];
  let e = 0;
  for (const body of readings) {
    const due: Record<string, unknown>[] = [];
    while (e < events.length && events[e].at <= (body.timestamp as string)) due.push(events[e++].item);
    if (due.length > 0) steps.push({ kind: "events", body: { events: due } });
    steps.push({ kind: "predict", body });
  }
  return steps;
}

/** What a step's answer says, with nothing that differs by replica (ids): equal answers compare equal. */
export function gist(status: number, json: Record<string, unknown>): unknown {
  if (status !== 200) return { status, code: json.code };
  if ("results" in json) return (json.results as { outcome: string }[]).map((r) => r.outcome);
  return { p: json.failure_probability, heads: json.heads, kind: json.likeliest_kind };
}

export interface Replica {
  send(step: Step): Promise<unknown>;
  close(): Promise<void>;
}

/** An in-process replica on `log` (answers via app.inject). */
export async function inProcess(
  t: Trained,
  log: HistoryLog,
): Promise<Replica & { app: FastifyInstance; service: ContractService }> {
  const service = await ContractService.open(t.model, t.registry.versionDir(t.version), log);
  const app = await buildContractApp({
    service,
    tokens: { feedback: TOKEN },
  });
  return {
    app,
    service,
    send: async (s) => {
      const r = await app.inject({
        method: "POST",
        url: s.kind === "predict" ? "/v1/predict" : "/v1/events",
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: s.body,
      });
      return gist(r.statusCode, r.json());
    },
    close: async () => {
      await app.close();
      await log.close();
    },
  };
}

/** A replica that is a real server process at `url`. */
export function overHttp(url: string): Replica {
  return {
    send: async (s) => {
      const r = await fetch(`${url}${s.kind === "predict" ? "/v1/predict" : "/v1/events"}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(s.body),
        signal: AbortSignal.timeout(10_000),
      });
      return gist(r.status, (await r.json()) as Record<string, unknown>);
    },
    close: async () => {},
  };
}

/**
 * A replica's whole in-memory history (every machine's windows, deques and event times), without
 * the shared feature plan: two replicas with equal states answer every future reading alike.
 */
export function stateOf(s: ContractService): unknown {
  const machines = (s.fleet as unknown as { machines: Map<string, object> }).machines;
  return [...machines].map(([id, h]) => [id, Object.entries(h).filter(([k]) => k !== "plan")]);
}
