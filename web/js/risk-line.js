// The AI4I machine page's risk line. A per-reading probability jumps 0 → 100 % → 0 between
// consecutive readings (one reading is one process), which nobody can plan on. Plotted instead: the
// chance of a failure within the next 8-hour shift if the machine keeps running as in its last 10
// readings, the persistence the planner's own forecast makes (src/plan/forecast.ts): with p̄ the
// mean probability of those readings and n the processes the machine runs in 8 h at the pace of
// their timestamps, 1 − (1 − p̄)^n. Pure: no DOM, so it can be checked on its own.

export const SHIFT_HOURS = 8;
export const WINDOW = 10;
/** Without two timestamps to measure the pace: the fleet simulator's (src/plan/forecast.ts). */
const DEFAULT_PER_HOUR = 2;

/**
 * points: [{t: ms, p: number|null}] in time order → [{t, y}] where y is the shift risk at that
 * reading from it and the WINDOW − 1 before it (null while none of them has a value).
 */
export function shiftRisk(points) {
  return points.map((pt, i) => {
    const recent = points.slice(Math.max(0, i - WINDOW + 1), i + 1);
    const ps = recent.map((x) => x.p).filter((p) => Number.isFinite(p));
    if (ps.length === 0) return { t: pt.t, y: null };
    const mean = ps.reduce((a, b) => a + b, 0) / ps.length;
    const spanH = (recent[recent.length - 1].t - recent[0].t) / 3_600_000;
    const perHour = recent.length > 1 && spanH > 0 ? (recent.length - 1) / spanH : DEFAULT_PER_HOUR;
    const n = perHour * SHIFT_HOURS;
    return { t: pt.t, y: 1 - (1 - Math.min(1, Math.max(0, mean))) ** n };
  });
}

export const SHIFT_RISK_WORDS = `Chance of a failure within the next ${SHIFT_HOURS} h if the machine keeps running as in its last ${WINDOW} readings: 1 − (1 − their mean probability)^(processes in ${SHIFT_HOURS} h at their pace). One reading's own probability is for one process, and jumps between readings.`;
