// Shadow mode's metrics as plain data (serve/shadow/metrics.ts builds them; the dashboards and alert
// rules read these names). The others are declared where they are built: metrics/shared.ts and
// metrics/contract.ts.

/** Shadow mode (serve/shadow/): the shadow model's cost and its live comparison with the champion. */
export const SHADOW_METRICS = {
  info: {
    name: "millwright_shadow_info",
    help: "The model version scoring in shadow (value is always 1; absent when no shadow runs).",
    labelNames: ["version"] as const,
  },
  scored: {
    name: "millwright_shadow_scored_total",
    help: "Requests' readings scored by the shadow model, after their answers were sent.",
  },
  dropped: {
    name: "millwright_shadow_dropped_total",
    help: "Readings the shadow did not score because its queue was full (it fell behind).",
  },
  agreement: {
    name: "millwright_shadow_agreement_ratio",
    help: "Share of requests on which shadow and champion make the same decision at their thresholds.",
  },
  distance: {
    name: "millwright_shadow_score_distance",
    help: "Distance between the shadow's and the champion's score distributions on the same requests.",
    labelNames: ["stat"] as const,
  },
  quality: {
    name: "millwright_shadow_quality_realised",
    help: "Realised quality of each model on the same labelled requests, by model (champion, shadow) and metric.",
    labelNames: ["model", "metric"] as const,
  },
  labels: {
    name: "millwright_shadow_labels",
    help: "Requests both models scored whose label (failure within the horizon or not) is known.",
  },
};
