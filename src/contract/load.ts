// Reads a contract file: the I/O edge over validateContract. Relative paths in the contract are
// resolved against the contract's own folder, so a contract and its exports travel together.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { parseYaml } from "../core/yamlcheck.js";
import type { Contract } from "./types.js";
import { validateContract } from "./validate.js";

export interface LoadedContract {
  contract: Contract;
  /** The file's text, stored with the model version for people to read. */
  text: string;
}

export function loadContract(file: string): LoadedContract {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MillwrightError(
      "MW_CONFIG",
      `${file}: cannot read the contract (${code === "ENOENT" ? "no such file" : code})`,
      {
        file,
      },
    );
  }
  const c = validateContract(parseYaml(text, file), file);
  const base = dirname(file);
  const at = (p: string | null): string | null => (p === null ? null : isAbsolute(p) ? p : resolve(base, p));
  return {
    text,
    contract: {
      ...c,
      telemetry: c.telemetry.map((t) => at(t) as string),
      attributes: c.attributes ? { ...c.attributes, file: at(c.attributes.file) } : null,
      events: c.events.map((e) => ({ ...e, file: at(e.file) })),
      failures: c.failures ? { ...c.failures, file: at(c.failures.file) } : null,
    },
  };
}
