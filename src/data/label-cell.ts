// A row label's cell (`labels:` contracts): whether this row is a failure (or of this mode).
// Shops write it as 1/0 (AI4I), yes/no or true/false (spreadsheets, MES exports), in any case;
// those six words are unambiguous and read. Anything else ("Y", "2", "x") is refused naming the
// row and column rather than guessed: a wrong guess would silently train on flipped labels.
// An empty mode cell is 0 (AI4I leaves modes blank); an empty failure cell is an error. Pure.
import type { LabelSpec } from "../contract/types.js";

/** 1, 0, or undefined when the cell is not one of the accepted words. */
export function labelCell(s: string): 0 | 1 | undefined {
  const v = s.toLowerCase();
  if (v === "1" || v === "yes" || v === "true") return 1;
  if (v === "0" || v === "no" || v === "false") return 0;
  return undefined;
}

/** What a label cell may hold, for the error messages. */
const LABEL_WORDS = "1 or 0 (also yes/no, true/false)";

/** The error for a label cell labelCell could not read (an empty failure cell, or another word). */
export function labelProblem(s: string): string {
  return s === "" ? `empty: a failure label is ${LABEL_WORDS}` : `'${s}' is not a label: ${LABEL_WORDS}`;
}

/** The telemetry columns a labels spec reads: the failure column, then each mode's or the mode column. */
export function labelColumns(l: LabelSpec): string[] {
  return [l.column, ...(l.modeColumn ? [l.modeColumn] : l.modes.map((m) => m.column))];
}

/**
 * With `mode_column`: the index in `modes` of the mode a cell names, -1 for an empty cell (no
 * mode), or the error text for a value the contract does not list (a typo would otherwise lose
 * that row's mode silently).
 */
export function modeOfCell(s: string, l: LabelSpec): number | string {
  if (s === "") return -1;
  const k = l.modes.findIndex((m) => m.column === s);
  return k >= 0 ? k : `'${s}' is not a mode of labels.modes (${l.modes.map((m) => m.column).join(", ")})`;
}
