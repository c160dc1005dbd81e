// Plain words for codes the API uses, and risk levels shown as colour AND text.

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
export function riskLevel(p, predicted) {
  if (predicted || p >= 0.5) return { key: "high", text: "High" };
  if (p >= 0.1) return { key: "medium", text: "Medium" };
  return { key: "low", text: "Low" };
}
