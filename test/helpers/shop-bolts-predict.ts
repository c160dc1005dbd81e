// Shop G served as trained: `millwright predict` on files of the days the gateway posted, each of
// the server's answers looked up by machine and time (predict writes times in UTC, the server
// echoes the gateway's local time), for a test to compare probability by probability.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseCsv } from "../../src/data/csv.js";
import { gatewayTime, type ShopBoltsOnDisk, shopBoltsFiles } from "./shop-bolts-files.js";

/**
 * Writes the rows and events of `days` days from `from` under posted/, runs `predict` on them, and
 * gives its probability for each served answer ("machine gateway-time" → probability), in served order.
 */
export async function predictedAsServed(
  shop: ShopBoltsOnDisk,
  from: number,
  days: number,
  served: Map<string, number>,
  predict: (args: string[]) => Promise<unknown>,
): Promise<{ offline: (number | undefined)[]; compared: number }> {
  const at = (f: string) => join(shop.dir, f);
  for (const [name, text] of Object.entries(shopBoltsFiles(shop, from, from + days * 86_400_000, "posted"))) {
    mkdirSync(dirname(at(name)), { recursive: true });
    writeFileSync(at(name), text);
  }
  const out = at("posted-scored.csv");
  const ev = ["failures=breakdowns", "alarms=alarms", "maintenance=maintenance"].flatMap((e) => {
    const [table, file] = e.split("=");
    return ["--events", `${table}=${at(`posted/${file}.csv`)}`];
  });
  await predict(["predict", "--data", at("posted/exports/*.csv"), "--out", out, ...ev]);
  const scored = parseCsv(readFileSync(out, "utf8"));
  const [mi, ti, pi] = ["Machine", "Timestamp", "failure_probability"].map((c) => scored.header.indexOf(c));
  const byKey = new Map(
    scored.rows.map((r) => [`${r[mi]} ${gatewayTime(Date.parse(r[ti]))}`, Number(r[pi])]),
  );
  const offline = [...served.keys()].map((k) => byKey.get(k));
  return { offline, compared: offline.filter((p) => p !== undefined).length };
}
