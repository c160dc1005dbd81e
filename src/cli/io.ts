// Shared CLI plumbing: option parsing with clear usage errors, output, progress and exit codes.
import { parseArgs } from "node:util";
import { MillwrightError } from "../core/errors.js";

export type OptionSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }
>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: OptionSpec, help: string, positionals = false): Parsed {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: positionals,
      strict: true,
    });
    return { values: r.values as Parsed["values"], positionals: r.positionals };
  } catch (e) {
    throw new MillwrightError("MW_BAD_INPUT", `${(e as Error).message}\n\n${help}`);
  }
}

export function requireOpt(values: Record<string, unknown>, name: string, help: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "")
    throw new MillwrightError("MW_BAD_INPUT", `--${name} is required\n\n${help}`);
  return v;
}

export function intOpt(values: Record<string, unknown>, name: string, dflt: number, min = 0): number {
  const v = values[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new MillwrightError("MW_BAD_INPUT", `--${name}: '${String(v)}' is not a whole number ≥ ${min}`);
  return n;
}

export function numOpt(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new MillwrightError("MW_BAD_INPUT", `--${name}: '${String(v)}' is not a non-negative number`);
  return n;
}

export function out(s: string): void {
  process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
}

export function outJson(o: unknown): void {
  process.stdout.write(`${JSON.stringify(o, null, 2)}\n`);
}

/** A progress bar on stderr, only when stderr is a terminal (never in pipes, CI or --json runs). */
export function progressBar(
  label: string,
  enabled = process.stderr.isTTY === true,
): (fraction: number, what?: string) => void {
  if (!enabled) return () => {};
  const width = 30;
  return (f, what) => {
    const n = Math.round(Math.max(0, Math.min(1, f)) * width);
    process.stderr.write(
      `\r${label} [${"#".repeat(n)}${".".repeat(width - n)}] ${Math.round(f * 100)}% ${what ?? ""}\x1b[K`,
    );
    if (f >= 1) process.stderr.write("\n");
  };
}

export const DEFAULT_REGISTRY = process.env.MILLWRIGHT_REGISTRY ?? "./models";

/** Prints and returns the exit code, so a command can `return outThen(HELP, 0)`. */
export function outThen(s: string, code: number): number {
  out(s);
  return code;
}

export function outJsonThen(o: unknown, code: number): number {
  outJson(o);
  return code;
}
