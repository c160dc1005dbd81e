// The Alertmanager webhook payload (version 4) as a JSON schema, checked by Fastify before the handler:
// `"startsAt": {"toString": 1}` (or the same in groupKey or receiver) reached String() and answered 500.
// Fields Alertmanager sends that Millwright does not read are allowed, but typed; strings are bounded.
const str = { type: "string", maxLength: 8192 } as const;
const labels = { type: "object", additionalProperties: str, maxProperties: 256 } as const;

export const alertmanagerPayloadSchema = {
  type: "object",
  required: ["version", "alerts"],
  properties: {
    version: { type: "string", enum: ["4"], description: "Alertmanager webhook payload version" },
    groupKey: str,
    truncatedAlerts: { type: "integer", minimum: 0 },
    status: { type: "string", enum: ["firing", "resolved"] },
    receiver: str,
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: labels,
    externalURL: str,
    alerts: {
      type: "array",
      maxItems: 10_000,
      items: {
        type: "object",
        required: ["status"],
        properties: {
          status: { type: "string", enum: ["firing", "resolved"] },
          labels,
          annotations: labels,
          startsAt: str,
          endsAt: str,
          generatorURL: str,
          fingerprint: str,
        },
      },
    },
  },
} as const;
