#!/usr/bin/env node
// The `millwright` command: parse, call the library, print, exit. 0 success, 1 a failed check,
// 2 bad usage or input (the error table in src/core/errors.ts decides).
import { isMillwrightError } from "../core/errors.js";
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
  if (verb === "--version") {
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
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
