// Plain words for codes the API uses, and risk levels shown as colour AND text.
import { when } from "./dom.js";

export const MODE_WORDS = {
  twf: "tool wear",
  hdf: "heat dissipation",
  pwf: "power",
  osf: "overstrain",
  rnf: "random",
};

export const TASK_WORDS = {
  tool_change: "tool change",
  cooling_check: "cooling check",
  load_inspection: "load inspection",
};

export const FEATURE_WORDS = {
  type: "product type",
  air_temperature: "air temperature (K)",
  process_temperature: "process temperature (K)",
  rotational_speed: "rotational speed (rpm)",
  torque: "torque (Nm)",
  tool_wear: "tool wear (min)",
  prediction: "predicted failure probability",
};

export function modeWords(m) {
  return m ? (MODE_WORDS[m] ?? m) : "—";
}

/** high: the model flags a failure (or ≥ 50 %); medium: ≥ 10 %; low otherwise. */
/**
 * A machine whose newest failure came after its newest reading (the server's `down`): in words,
 * with its time as the page shows times (`timeText`). Its risk is from before it failed.
 */
export function downWords(down, timeText) {
  const kind = down.kind ? ` (${down.kind.replace(/_/g, " ")})` : "";
  const fixed = down.repaired_at != null ? `, repaired ${timeText(down.repaired_at)}` : "";
  return `failed ${timeText(down.since)}${kind}${fixed}, no reading since`;
}

export function riskLevel(p, predicted) {
  if (predicted || p >= 0.5) return { key: "high", text: "High" };
  if (p >= 0.1) return { key: "medium", text: "Medium" };
  return { key: "low", text: "Low" };
}

/**
 * The live simulation's clock in words. Its readings carry simulated shop time, which runs much
 * faster than real time (an hour of shop time every few seconds): every page that shows those
 * times says so, so a time "hours ahead" of the wall clock is not mistaken for a bug.
 */
export function shopClockWords(clock) {
  if (!clock) return "";
  const x = clock.speedup >= 10 ? String(Math.round(clock.speedup)) : Number(clock.speedup).toFixed(1);
  const now = clock.shop_time ? `; shop time now ${when(clock.shop_time)}` : "";
  return `Times are simulated shop time, running ${x}× faster than real time${now}.`;
}

/** A risk as a percentage people read: "12.3 %", "0.4 %", "under 0.1 %" (never a bare "0.0 %"). */
export function riskPct(p) {
  if (typeof p !== "number" || !Number.isFinite(p)) return "—";
  return p < 0.001 ? "under 0.1 %" : `${(p * 100).toFixed(1)} %`;
}
