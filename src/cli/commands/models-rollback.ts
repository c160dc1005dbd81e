// `millwright models rollback [--reason TEXT]`: the champion goes back to the previous one, as the
// registry's champion trail (registry/champions.ts) records it, with the reason beside the change.
// A running server that follows the alias picks it up within its refresh interval, or at once
// through POST /v1/models/rollback.
import { rollbackReason } from "../../registry/champions.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { auditChampionChange } from "../champion-audit.js";
import { out, outJson } from "../io.js";

export const ROLLBACK_HELP =
  "millwright models rollback [--reason TEXT] [--registry DIR]   (champion back to the previous one; the reason is kept in DIR/champions.jsonl)";

export async function modelsRollback(
  registry: ModelRegistry,
  values: Record<string, unknown>,
): Promise<number> {
  const reason = rollbackReason(values.reason);
  const { from, to } = await registry.rollback(reason);
  await auditChampionChange(registry, to, "rollback", { from, to, reason });
  if (values.json) outJson({ from, to, reason: rollbackReason(values.reason) });
  else
    out(`champion ${from} → ${to} (rolled back${values.reason ? `: ${rollbackReason(values.reason)}` : ""})`);
  return 0;
}
