// Shop F of the customer trials: a platform engineer runs the data-contract server as the README's
// "Cluster mode" says (two replicas, one PostgreSQL, one registry folder both read). This file is
// the shop (the historian simulation, cut in two: the export the model is trained on with
// `millwright train --contract`, and the weeks after it, sent live) and the load balancer's side.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadContract } from "../../src/contract/load.js";
import { parseCsv } from "../../src/data/csv.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { runCli } from "../helpers/cli.js";
import { historianShop } from "../helpers/historian.js";
import type { Trained } from "../cluster/contract-helpers.js";

export const TOKENS = {
  MILLWRIGHT_ADMIN_TOKEN: "shop-f-admin-token-0123456789",
  MILLWRIGHT_FEEDBACK_TOKEN: "shop-f-feedback-token-0123456789",
  MILLWRIGHT_HOOK_TOKEN: "shop-f-hook-token-0123456789",
};

const TABLES = ["alarms", "maintenance", "failures"] as const;

export interface Shop extends Trained {
  /** Live readings after the cut, grouped by timestamp (one batch per hour of the fleet), time order. */
  batches: Record<string, unknown>[][];
  /** Events after the cut, as /v1/events items, with their time. */
  events: { at: string; item: Record<string, unknown> }[];
}

/** The shop's export cut at `cut` (a "YYYY-MM-DD" day): trained on before it, served after it. */
export async function shopF(cut: string): Promise<Shop> {
  const shop = historianShop({ machines: 10, days: 50, seed: 5 }, "mw-shop-f-");
  const dir = shop.dir;
  const read = (name: string) => parseCsv(readFileSync(join(dir, "historian", `${name}.csv`), "utf8"));
  const before = (name: string) => {
    const t = read(name);
    const p = join(dir, `train-${name}.csv`);
    const rows = t.rows.filter((r) => r[0] < cut);
    writeFileSync(p, `${[t.header.join(","), ...rows.map((r) => r.join(","))].join("\n")}\n`);
    return p;
  };
  const registryDir = join(dir, "models");
  const args = ["train", "--contract", shop.contract, "--registry", registryDir, "--seed", "1"];
  args.push("--data", before("telemetry"));
  for (const t of TABLES) args.push("--events", `${t}=${before(t)}`);
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`train failed (${r.code}):\n${r.stderr}`);
  const registry = new ModelRegistry(registryDir);
  const version = registry.resolve("champion");
  const model = registry.historyModel(version);
  const { contract } = loadContract(shop.contract);

  const tel = read("telemetry");
  const h = tel.header;
  const byTime = new Map<string, Record<string, unknown>[]>();
  for (const row of tel.rows) {
    if (row[0] < cut) continue;
    const o: Record<string, unknown> = { machine_id: row[h.indexOf("machine_id")], timestamp: row[0] };
    for (const c of contract.readings) {
      const s = row[h.indexOf(c.column)];
      o[c.name] = s === "" ? null : Number(s);
    }
    const list = byTime.get(row[0]) ?? [];
    list.push(o);
    byTime.set(row[0], list);
  }
  const events: Shop["events"] = [];
  for (const t of TABLES) {
    const e = read(t);
    const kindCol = t === "alarms" ? "code" : "component";
    e.rows.forEach((row, i) => {
      if (row[0] < cut) return;
      events.push({
        at: row[0],
        item: {
          id: `${t}-${i}`,
          table: t,
          machine_id: row[e.header.indexOf("machine_id")],
          timestamp: row[0],
          kind: row[e.header.indexOf(kindCol)],
        },
      });
    });
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { dir, registry, version, model, contract, batches: [...byTime.values()], events };
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** One HTTP call; a connection refused or reset (a killed replica) is status 0. */
export async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const r = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> } as Reply;
  } catch {
    return { status: 0, body: {} } as Reply;
  }
}

/** The answers' probabilities of a /v1/predict reply (one object or a batch). */
export function probabilities(r: Reply): number[] {
  const list = (r.body.predictions as { failure_probability: number }[] | undefined) ?? [r.body];
  return list.map((a) => (a as { failure_probability: number }).failure_probability);
}

/** The answers' ids of a /v1/predict reply. */
export function idsOf(r: Reply): string[] {
  const list = (r.body.predictions as { id: string }[] | undefined) ?? [r.body];
  return list.map((a) => (a as { id: string }).id);
}

export function alert(fingerprint: string) {
  return {
    version: "4",
    status: "firing",
    receiver: "millwright-retrain",
    groupKey: '{}:{alertname="MillwrightDatasetDrift"}',
    alerts: [
      {
        status: "firing",
        labels: { alertname: "MillwrightDatasetDrift", action: "retrain", severity: "warning" },
        annotations: { summary: "dataset drift" },
        startsAt: new Date().toISOString(),
        fingerprint,
      },
    ],
  };
}

/** Polls `check` until it returns a value (not undefined) or `ms` pass; returns it and the time taken. */
export async function until<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined>,
): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
