// Shop G on disk: the gateway's 22 files (one per make and model, the controller's own column
// names, local time), the machine table, the gateway's alarm log and the CMMS spreadsheet's
// maintenance and breakdown logs (US dates); the export's 60 days in exports/, the days after it in
// later/ (with the machine bought in week 9, and the machine table that lists it). Pure rendering of
// shop-bolts.ts; writeShopBolts puts it in a temp folder.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Signal } from "./shop-bolts-fleet.js";
import {
  type BoltEvent,
  type BoltRow,
  localMs,
  type ShopBolts,
  type ShopBoltsOptions,
  shopBolts,
} from "./shop-bolts.js";

const SIGNALS: Signal[] = [
  "load_pct",
  "load_kw",
  "count",
  "speed",
  "brg_c",
  "brg_f",
  "oil_c",
  "oil_f",
  "vib_mm",
  "vib_in",
];
const pad = (n: number) => String(n).padStart(2, "0");

/** The gateway's time: local wall clock, "2026-01-12 06:07:31". */
export function gatewayTime(t: number): string {
  return new Date(localMs(t)).toISOString().slice(0, 19).replace("T", " ");
}

/** The CMMS spreadsheet's: "01/12/2026 06:07". */
export function cmmsTime(t: number): string {
  const d = new Date(localMs(t));
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const cell = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
const csv = (header: string[], rows: string[][]) =>
  `${[header, ...rows].map((r) => r.map(cell).join(",")).join("\n")}\n`;

/** Path (relative to the shop's folder) → CSV text, for the rows and events of [from, to). */
export function shopBoltsFiles(
  shop: ShopBolts,
  from: number,
  to: number,
  dir: string,
): Record<string, string> {
  const files: Record<string, string> = {};
  const inside = (t: number) => t >= from && t < to;
  const spec = new Map(shop.machines.map((m) => [m.id, m.spec]));
  const byFile = new Map<string, BoltRow[]>();
  for (const r of shop.rows) {
    if (!inside(r.time)) continue;
    const f = spec.get(r.machine)?.file as string;
    const list = byFile.get(f) ?? [];
    list.push(r);
    byFile.set(f, list);
  }
  for (const [f, rows] of byFile) {
    const s = spec.get(rows[0].machine);
    const sig = SIGNALS.filter((x) => s?.cols[x] !== undefined);
    const num = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "" : String(x));
    files[`${dir}/exports/${f}.csv`] = csv(
      ["Machine", "Timestamp", ...sig.map((x) => s?.cols[x] as string)],
      rows.map((r) => [r.machine, gatewayTime(r.time), ...sig.map((x) => num(r.v[x]))]),
    );
  }
  const ev = (table: BoltEvent["table"]) => shop.events.filter((e) => e.table === table && inside(e.time));
  const present = shop.machines.filter((m) => m.from < to);
  files[`${dir}/machines.csv`] = csv(
    ["Machine", "Make", "Model", "Type", "Year"],
    present.map((m) => [m.id, m.spec.make, m.spec.model, m.spec.type, String(m.year)]),
  );
  files[`${dir}/alarms.csv`] = csv(
    ["Timestamp", "Machine", "Alarm"],
    ev("alarms").map((e) => [gatewayTime(e.time), e.machine, e.kind]),
  );
  let wo = 7100 + Math.round((from - shop.start) / 3_600_000);
  files[`${dir}/maintenance.csv`] = csv(
    ["WO", "Machine", "Date", "Component", "Work done"],
    ev("maintenance").map((e) => [
      `WO-${wo++}`,
      e.machine,
      cmmsTime(e.time),
      e.kind,
      e.kind === "PM"
        ? "monthly PM"
        : e.kind === "LUBE"
          ? "oil and filter change"
          : `replaced ${e.kind.toLowerCase()}`,
    ]),
  );
  files[`${dir}/breakdowns.csv`] = csv(
    ["Machine", "Down", "Component", "Notes"],
    ev("failures").map((e) => [e.machine, cmmsTime(e.time), e.kind, "machine stopped, see WO"]),
  );
  return files;
}

export interface ShopBoltsOnDisk extends ShopBolts {
  dir: string;
}

/** The shop's export (exports/…) and its later days (later/…) in a new temp folder, with `extra` files. */
export function writeShopBolts(opts: ShopBoltsOptions, extra: Record<string, string>): ShopBoltsOnDisk {
  const shop = shopBolts(opts);
  const dir = mkdtempSync(join(tmpdir(), "mw-shop-bolts-"));
  const files = {
    ...shopBoltsFiles(shop, shop.start, shop.exportEnd, "export"),
    ...shopBoltsFiles(shop, shop.exportEnd, shop.end, "later"),
    ...extra,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { ...shop, dir };
}
