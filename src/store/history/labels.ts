// Which labels a history log takes, decided the same way by both logs (SQLite on its writer
// connection, PostgreSQL under its write lock): a label for an id no reading has is "unknown"; the
// first label of a prediction stays, so the same one again is a "duplicate" and a different one a
// "conflict" (reported, not applied: as the AI4I app's feedback). Pure: the caller looks ids up.
import type { LabelIn, LabelOutcome, LoggedLabel } from "./types.js";

/** Modes in a canonical form (sorted keys, only 0/1 values) so equal labels compare equal. */
export function canonicalModes(modes: Readonly<Record<string, number | undefined>> | undefined) {
  const out: Record<string, 0 | 1> = {};
  for (const k of Object.keys(modes ?? {}).sort()) {
    const v = modes?.[k];
    if (v !== undefined) out[k] = v === 1 ? 1 : 0;
  }
  return out;
}

export function sameModes(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/**
 * Outcomes in order, and the labels to append. `reading` finds a logged reading's machine and time
 * by id; `prior` the label already logged for an id. A batch that labels one id twice is judged
 * against its own first label too.
 */
export function judgeLabels(
  labels: readonly LabelIn[],
  reading: (id: string) => { machine: string; time: number } | undefined,
  prior: (id: string) => LoggedLabel | undefined,
): { outcomes: LabelOutcome[]; fresh: LoggedLabel[] } {
  const taken = new Map<string, LoggedLabel>();
  const outcomes: LabelOutcome[] = [];
  for (const l of labels) {
    const before = taken.get(l.id) ?? prior(l.id);
    const r = before ? null : reading(l.id);
    if (before)
      outcomes.push(before.label === l.label && sameModes(before.modes, l.modes) ? "duplicate" : "conflict");
    else if (!r) outcomes.push("unknown");
    else {
      const label: LoggedLabel = {
        id: l.id,
        label: l.label,
        modes: canonicalModes(l.modes),
        machine: r.machine,
        time: r.time,
        receivedAt: l.receivedAt,
      };
      taken.set(l.id, label);
      outcomes.push("accepted");
    }
  }
  return { outcomes, fresh: [...taken.values()] };
}
