// Reads everything a contract names (telemetry, attributes, event tables, failures) into the
// shapes the feature builder takes. The I/O edge: files are read here and nowhere in the core.
// `learn` (training) fills in what the contract leaves to the data: category levels, event kinds
// and failure kinds; prediction uses the model's stored contract, which already has them.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import type { Contract } from "../contract/types.js";
import type { HistoryInput } from "../features/build.js";
import { type CsvTable, parseCsv } from "./csv.js";
import { type EventTable, kindsOf, readAttributes, readEvents } from "./events.js";
import { pivotLong } from "./telemetry-long.js";
import { joinTelemetry } from "./telemetry-sources.js";
import { learnLevels, readTelemetry } from "./telemetry.js";

export interface ContractData extends HistoryInput {
  contract: Contract;
  failures: EventTable | null;
  /** Every file read, with its content hash, for lineage. */
  files: { role: string; file: string; sha256: string; rows: number }[];
  warnings: string[];
  /** The machine table's ids (null: the contract has none), beside the telemetry's machines. */
  machineTable?: ReadonlySet<string> | null;
  /**
   * Readings no telemetry file read has a column for (only without `whole`: one make's file that
   * lacks an optional sensor), said as a warning: their empty rows are the make's, not a problem.
   */
  absent?: string[];
}

export interface ReadOptions {
  /** Replaces the contract's telemetry file (`--data`). */
  telemetry?: string;
  /** Replaces event files by table name; "failures" names the failures file (`--events NAME=FILE`). */
  events?: Record<string, string>;
  /** Training: learn levels and kinds from the data, and require labels. */
  learn: boolean;
  /** Labels (the failures table or the label column): required, read when present, or not read. */
  labels: "require" | "if-present" | "no";
  /**
   * The telemetry read is the contract's whole telemetry, so a column that no file has is an error
   * (a misspelt name is not a missing sensor), as is an optional one the only file lacks. Without it
   * (scoring, or `check --data` on one make's file) an optional reading a file lacks is a warning.
   * Default: `learn` (training reads the whole telemetry).
   */
  whole?: boolean;
  /** Count each category's levels by rows (`telemetry.levelRows`): `check` lists them; training need not pay for it. */
  countLevels?: boolean;
}

function readTable(file: string, role: string, files: ContractData["files"], delimiter: string): CsvTable {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Attributes come from the contract; telemetry from --data; events may be replaced by --events.
    const hint =
      role === "telemetry" || role === "attributes" ? "" : ` (another file: --events ${role}=FILE)`;
    throw new MillwrightError(
      "MW_CSV",
      `${file} (${role}): cannot read (${code === "ENOENT" ? "no such file" : code})${hint}`,
      { file },
    );
  }
  const table = parseCsv(utf8(buf, file, role), delimiter);
  if (table.header.length === 0 || (table.header.length === 1 && table.header[0] === ""))
    throw new MillwrightError("MW_CSV", `${file} (${role}): the file is empty`, { file });
  files.push({ role, file, sha256: createHash("sha256").update(buf).digest("hex"), rows: table.rows.length });
  return table;
}

/**
 * The file's text. A Windows export in its ANSI code page (Windows-1252: "Kühlmitteltemp. °C" as
 * bytes FC and B0) is not UTF-8, and decoded anyway its header no longer matched the contract's
 * column names: "missing column 'Kühlmitteltemp. °C'; the file has 'K�hlmitteltemp. �C'". Say why.
 */
function utf8(buf: Buffer, file: string, role: string): string {
  const text = buf.toString("utf8");
  const bad = text.indexOf("\uFFFD");
  if (bad < 0) return text;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf);
    return text; // a real U+FFFD in valid UTF-8
  } catch {
    const line = text.slice(0, bad).split("\n").length;
    const from = Math.max(text.lastIndexOf("\n", bad) + 1, bad - 30);
    const snippet = text.slice(from, Math.min(text.indexOf("\n", bad) >>> 0, bad + 30)).trim();
    throw new MillwrightError(
      "MW_CSV",
      `${file} (${role}) row ${line}: not UTF-8 text ('${snippet}'): a Windows export in its own code page? Save it as UTF-8 (Excel: "CSV UTF-8")`,
      { file, row: line },
    );
  }
}

/** A path whose last segment may hold * and ?: every matching file, sorted by name. */
function expandGlob(pattern: string): string[] {
  const name = basename(pattern);
  if (!/[*?]/.test(name)) return [pattern];
  const dir = dirname(pattern);
  const re = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new MillwrightError("MW_CSV", `${pattern} (telemetry): cannot read the folder ${dir}`, {
      file: dir,
    });
  }
  const found = names.filter((n) => re.test(n)).sort();
  if (found.length === 0)
    throw new MillwrightError("MW_CSV", `${pattern} (telemetry): no file matches`, { file: pattern });
  return found.map((n) => join(dir, n));
}

function need(file: string | null | undefined, what: string, c: Contract): string {
  if (!file)
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `no ${what} file: name it in ${c.source} or pass it on the command line`,
    );
  return file;
}

export function readContractData(c0: Contract, opts: ReadOptions): ContractData {
  const files: ContractData["files"] = [];
  const unknown = Object.keys(opts.events ?? {}).filter(
    (n) => n !== "failures" && !c0.events.some((e) => e.name === n),
  );
  if (unknown.length > 0)
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `--events: no event table named ${unknown.map((u) => `'${u}'`).join(", ")} (the contract has ${[...c0.events.map((e) => e.name), "failures"].join(", ")})`,
    );
  // --data may be a pattern too: a shop with one file per make scores all its makes at once.
  const tFiles = opts.telemetry ? expandGlob(opts.telemetry) : c0.telemetry.flatMap(expandGlob);
  need(tFiles[0], "telemetry (--data)", c0);
  const longWarnings: string[] = [];
  const parts = tFiles.map((file) => {
    const read = pivotLong(c0, { file, table: readTable(file, "telemetry", files, c0.csv.delimiter) });
    longWarnings.push(...read.warnings);
    return read.part;
  });
  const rowLabels =
    c0.labels !== null &&
    (opts.labels === "require" ||
      (opts.labels === "if-present" &&
        parts.every((p) => p.table.header.includes((c0.labels as { column: string }).column))));
  const joined = joinTelemetry(c0, parts, rowLabels, opts.whole ?? opts.learn);
  const tTable = joined.table;
  let c = opts.learn ? learnLevels(c0, tTable) : c0;
  const telemetry = readTelemetry(c, tTable, joined.source, {
    labels: rowLabels,
    countLevels: opts.countLevels === true,
  });
  telemetry.warnings.push(...longWarnings, ...joined.warnings);
  const machineIndex = new Map(telemetry.machines.map((m, i) => [m, i]));
  let attributes: Float64Array[] = [];
  let machineTable: Set<string> | null = null;
  if (c.attributes) {
    const f = need(c.attributes.file, "attributes", c);
    const table = readTable(f, "attributes", files, c0.csv.delimiter);
    const r = readAttributes(c, table, f, telemetry.machines, telemetry.warnings);
    c = r.contract;
    attributes = r.values;
    machineTable = r.ids;
  }
  const events = c.events.map((e, i) => {
    const f = need(opts.events?.[e.name] ?? e.file, `event (${e.name})`, c);
    const table = readTable(f, e.name, files, c0.csv.delimiter);
    return readEvents(e, `events[${i}]`, table, f, machineIndex, c, telemetry.warnings);
  });
  let failures: EventTable | null = null;
  const fs = c.failures;
  if (fs && (opts.labels !== "no" || fs.resets)) {
    const f = opts.events?.failures ?? fs.file;
    if (f || opts.labels === "require") {
      const file = need(f, "failures", c);
      failures = readEvents(
        fs,
        "failures",
        readTable(file, "failures", files, c0.csv.delimiter),
        file,
        machineIndex,
        c,
        telemetry.warnings,
      );
    }
  }
  if (opts.learn) {
    const failureKinds = fs && failures ? (fs.kind ? kindsOf(failures) : []) : null;
    c = {
      ...c,
      events: c.events.map((e, i) => {
        if (!e.since) return e;
        const withFailures = fs?.resets === e.name && failures ? [events[i], failures] : [events[i]];
        return { ...e, kinds: e.kind ? kindsOf(...withFailures) : [""] };
      }),
      failures: fs ? { ...fs, kinds: failureKinds } : null,
    };
  }
  const resetTable = fs?.resets ? c.events.findIndex((e) => e.name === fs.resets) : -1;
  return {
    contract: c,
    telemetry,
    attributes,
    events,
    failures,
    resets: failures && resetTable >= 0 ? { table: resetTable, failures } : null,
    files,
    // One file read as two tables (a CMMS export: the work orders and, by `where`, the failures)
    // gave its skipped-machines warning twice.
    warnings: [...new Set(telemetry.warnings)],
    machineTable,
    absent: joined.absent,
  };
}
