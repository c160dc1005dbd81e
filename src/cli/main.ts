#!/usr/bin/env node
// The `millwright` command: parse, call the library, print, exit. 0 success, 1 a failed check,
// 2 bad usage or input (the error table in src/core/errors.ts decides).
import { isMillwrightError, MillwrightError } from "../core/errors.js";
import { MILLWRIGHT_VERSION } from "../core/version.js";
import { COMMANDS } from "./commands/index.js";

const HELP = `millwright ${MILLWRIGHT_VERSION} — predictive maintenance MLOps for a CNC fleet

Usage: millwright <command> [options]   (millwright <command> --help for details)

${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join("\n")}

Exit codes: 0 success, 1 a failed check (gate, test), 2 bad usage or bad input.`;

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === "--help" || verb === "-h" || verb === "help") {
    process.stdout.write(`${HELP}\n`);
    return verb ? 0 : 2;
  }
  // `version` as well: `npx millwright --version` is taken by npx itself.
  if (verb === "--version" || verb === "version") {
    process.stdout.write(`${MILLWRIGHT_VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS[verb];
  if (!cmd) {
    process.stderr.write(`millwright: unknown command '${verb}'\n\n${HELP}\n`);
    return 2;
  }
  return cmd.run(rest);
}

// `millwright models show | head`: the reader went away. Unix tools stop quietly there; without this
// handler the write error would surface as an uncaught exception with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });

/**
 * A file-system error that escaped a command, as a usage error that names the path (the error
 * table sets its exit code, 2), instead of a stack trace.
 */
function asUsageError(e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  if (!err || typeof err.code !== "string" || typeof err.path !== "string") return e;
  const why: Record<string, string> = {
    ENOENT: "no such file or folder",
    EACCES: "permission denied",
    EPERM: "not permitted",
    EISDIR: "is a folder, not a file",
    ENOTDIR: "a part of the path is not a folder",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
  };
  return why[err.code]
    ? new MillwrightError("MW_BAD_INPUT", `${err.path}: ${why[err.code]}`, { file: err.path })
    : e;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (thrown: unknown) => {
    const e = asUsageError(thrown);
    if (isMillwrightError(e)) {
      process.stderr.write(`millwright: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`millwright: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
    // An error is final. Whatever a failed start left open (a thread, a socket, a timer) must not
    // keep the process alive: `serve` with a corrupt champion printed its error and then hung.
    setTimeout(() => process.exit(), 2000).unref();
  },
);
