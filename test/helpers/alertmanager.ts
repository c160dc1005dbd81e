// An Alertmanager webhook body (payload version 4) with one firing alert, as Alertmanager sends it
// to POST /v1/hooks/alertmanager; its fingerprint follows the alert's name.
export const firingAlert = (alertname: string, labels: Record<string, string> = {}) => ({
  version: "4",
  groupKey: `{}:{alertname="${alertname}"}`,
  status: "firing",
  receiver: "millwright-retrain",
  groupLabels: { alertname },
  commonLabels: { alertname },
  commonAnnotations: {},
  externalURL: "http://alertmanager:9093",
  alerts: [
    {
      status: "firing",
      labels: { alertname, service: "millwright", ...labels },
      annotations: { summary: `${alertname} fired` },
      startsAt: new Date().toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus:9090/graph",
      fingerprint: `fp-${alertname}`,
    },
  ],
});
