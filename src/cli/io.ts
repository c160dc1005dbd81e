// Shared CLI plumbing: option parsing with clear usage errors, output, progress and exit codes.
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ERROR_TABLE, MillwrightError } from "../core/errors.js";

/**
 * A command's options by kind, each name said once: `strings` take a value (`--registry DIR`),
 * `flags` are booleans (`--json`), `lists` take a value and may repeat (`--events a=x --events b=y`).
 * `--help`/`-h` is added to every command.
 */
export interface Options {
  strings?: readonly string[];
  flags?: readonly string[];
  lists?: readonly string[];
}

type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

function optionSpec({ strings = [], flags = [], lists = [] }: Options): OptionSpec {
  const spec: OptionSpec = { help: { type: "boolean", short: "h" } };
  for (const n of strings) spec[n] = { type: "string" };
  for (const n of flags) spec[n] = { type: "boolean" };
  for (const n of lists) spec[n] = { type: "string", multiple: true };
  return spec;
}

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * `--machines -3` would reach parseArgs as an option named "-3" and give its raw text; glue a
 * negative number to the string option before it (`--machines=-3`) so our range check answers.
 */
function glueNegativeNumbers(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    const name = a.startsWith("--") ? a.slice(2) : null;
    if (name && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** True for the words that ask for help where a subcommand is expected (`models --help`). */
export function isHelpWord(s: string | undefined): boolean {
  return s === "--help" || s === "-h" || s === "help";
}

export function parse(argv: string[], declared: Options, help: string, positionals = false): Parsed {
  const options = optionSpec(declared);
  let r: ReturnType<typeof parseArgs>;
  try {
    r = parseArgs({
      args: glueNegativeNumbers(argv, options),
      options,
      allowPositionals: positionals,
      strict: true,
      tokens: true,
    });
  } catch (e) {
    throw new MillwrightError("MW_BAD_INPUT", `${(e as Error).message}\n\n${help}`);
  }
  // parseArgs keeps the last of a repeated single-value option: `--data a.csv --data b.csv` read
  // only b.csv and said nothing. Say so instead (options that may repeat are `lists`).
  const seen = new Set<string>();
  for (const t of r.tokens ?? []) {
    if (t.kind !== "option" || options[t.name]?.type !== "string" || options[t.name].multiple) continue;
    if (seen.has(t.name))
      throw new MillwrightError(
        "MW_BAD_INPUT",
        `--${t.name} is given more than once: it takes one value${t.name === "data" ? " (one file; a contract's telemetry: list several files or a pattern under telemetry: in the contract)" : ""}\n\n${help}`,
      );
    seen.add(t.name);
  }
  return { values: r.values as Parsed["values"], positionals: r.positionals };
}

export function requireOpt(values: Record<string, unknown>, name: string, help: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "")
    throw new MillwrightError("MW_BAD_INPUT", `--${name} is required\n\n${help}`);
  return v;
}

/** A command's parsed options, its help bound in: `required` and `output` name the option in errors. */
export interface CommandArgs extends Parsed {
  required(name: string): string;
  output(name: string): string;
}

/**
 * A command from its help, its options and its body, which gets the parsed options: `--help` prints
 * the help and exits 0, and usage errors end with the help, the same way for every command.
 */
export function command(
  help: string,
  declared: Options,
  run: (cli: CommandArgs) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const { values, positionals } = parse(argv, declared, help);
    if (values.help) return outThen(help, 0);
    return run({
      values,
      positionals,
      required: (name) => requireOpt(values, name, help),
      output: (name) => outputOpt(values, name, help),
    });
  };
}

export function intOpt(values: Record<string, unknown>, name: string, dflt: number, min = 0): number {
  const v = values[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new MillwrightError("MW_BAD_INPUT", `--${name}: '${String(v)}' is not a whole number ≥ ${min}`);
  return n;
}

/** A TCP port: 0 (any free port) to 65535. */
export function portOpt(values: Record<string, unknown>, dflt: number): number {
  const n = intOpt(values, "port", dflt);
  if (n > 65535)
    throw new MillwrightError("MW_BAD_INPUT", `--port: '${String(values.port)}' is not a port (0 to 65535)`);
  return n;
}

/**
 * An output file option whose folder must exist: checked before the work starts, so a long run
 * does not end in a stack trace (ENOENT) after computing everything.
 */
export function outputOpt(values: Record<string, unknown>, name: string, help: string): string {
  const file = requireOpt(values, name, help);
  const dir = dirname(resolve(file));
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `--${name} ${file}: the folder ${dir} does not exist; create it first (mkdir -p ${dir}) or choose another path`,
      { file },
    );
  }
  if (!isDir)
    throw new MillwrightError("MW_BAD_INPUT", `--${name} ${file}: ${dir} is not a folder`, { file });
  return file;
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
/**
 * `millwright COMMAND SUB [options]`: SUB and its options, or the exit code when only the help was
 * printed (asked for: 0; no SUB: 2). A SUB not among `subs` is refused with the help.
 */
export function parseSub(
  command: string,
  argv: string[],
  spec: Options & { subs: readonly string[]; positionals?: boolean },
  help: string,
): (Parsed & { sub: string }) | number {
  const [sub, ...rest] = argv;
  if (isHelpWord(sub)) return outThen(help, 0);
  const parsed = parse(rest, spec, help, spec.positionals === true);
  if (parsed.values.help || !sub) return outThen(help, sub ? 0 : 2);
  if (!spec.subs.includes(sub))
    throw new MillwrightError("MW_BAD_INPUT", `unknown '${command} ${sub}'\n\n${help}`);
  return { ...parsed, sub };
}

export function outThen(s: string, code: number): number {
  out(s);
  return code;
}

/**
 * A failed command's error as `--json` prints it on stdout: a pipeline parsing stdout got 0 bytes
 * and a text line on stderr. The code, title and message as the error table and stderr say them,
 * with the error's details (the file, the rows shown, their count, the errors per file and kind).
 * The exit code stays the error's; stderr still has the message for a person.
 */
export function errorJson(e: MillwrightError): { error: Record<string, unknown> } {
  return {
    error: { ...e.details, code: e.code, title: ERROR_TABLE[e.code].title, message: e.message },
  };
}

export function outJsonThen(o: unknown, code: number): number {
  outJson(o);
  return code;
}
