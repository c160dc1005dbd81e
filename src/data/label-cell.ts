// A row label's cell (`labels:` contracts): whether this row is a failure (or of this mode).
// Shops write it as 1/0 (AI4I), yes/no or true/false (spreadsheets, MES exports), in any case;
// those six words are unambiguous and read. Anything else ("Y", "2", "x") is refused naming the
// row and column rather than guessed: a wrong guess would silently train on flipped labels.
// An empty mode cell is 0 (AI4I leaves modes blank); an empty failure cell is an error. Pure.

/** 1, 0, or undefined when the cell is not one of the accepted words. */
export function labelCell(s: string): 0 | 1 | undefined {
  const v = s.toLowerCase();
  if (v === "1" || v === "yes" || v === "true") return 1;
  if (v === "0" || v === "no" || v === "false") return 0;
  return undefined;
}

/** What a label cell may hold, for the error messages. */
export const LABEL_WORDS = "1 or 0 (also yes/no, true/false)";
