// The metrics both servers export, declared once: the dashboards in deploy/grafana/ and the alert
// rules in deploy/monitoring/ read these names and labels, so the AI4I server (metrics/ai4i.ts) and
// a data-contract server (metrics/contract.ts) must not drift apart. Plain data: metrics/shared.ts
// builds the shared ones, serve/shadow/metrics.ts the shadow's.

export const SHARED_METRICS = {
  httpDuration: {
    name: "millwright_http_request_duration_seconds",
    help: "HTTP request duration in seconds, by route template, method and status code.",
    labelNames: ["route", "method", "status_code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
  inFlight: {
    name: "millwright_http_requests_in_flight",
    help: "HTTP requests being served right now.",
  },
  predictions: {
    name: "millwright_predictions_total",
    help: "Predictions answered, by model version and outcome (failure = predicted failure).",
    labelNames: ["model_version", "outcome"] as const,
  },
  failureProbability: {
    name: "millwright_failure_probability",
    help: "Distribution of predicted failure probabilities (ratio 0-1).",
    labelNames: ["model_version"] as const,
    buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
  },
  modelInfo: {
    name: "millwright_model_info",
    help: "The model version being served (value is always 1).",
    labelNames: ["name", "version"] as const,
  },
  retrainTriggers: {
    name: "millwright_retrain_triggers_total",
    help: "Retraining triggers by outcome (started, deduplicated, cooldown, rejected_auth).",
    labelNames: ["outcome"] as const,
  },
  retrainDecisions: {
    name: "millwright_retrain_decisions_total",
    help: "Retraining gate decisions by verdict (promoted, kept, failed; shadow: put in shadow first).",
    labelNames: ["verdict"] as const,
  },
  retrainRunning: {
    name: "millwright_retrain_running",
    help: "1 while a retraining runs.",
  },
};

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
