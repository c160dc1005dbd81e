// `millwright models rollback [--reason TEXT]`: the champion goes back to the previous one, as the
// registry's champion trail (registry/champions.ts) records it, with the reason beside the change.
// A running server that follows the alias picks it up within its refresh interval, or at once
// through POST /v1/models/rollback.
import { MillwrightError } from "../../core/errors.js";
import { rollbackReason } from "../../registry/champions.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { auditChampionChange } from "../champion-audit.js";
import { out, outJson } from "../io.js";

export const ROLLBACK_HELP =
  "millwright models rollback [--reason TEXT] [--switch-contract] [--registry DIR]   (champion back to the previous one; the reason is kept in DIR/champions.jsonl)";

/**
 * Refuses to move the champion to a model of another contract unless --switch-contract says so: a
 * server serves its champion's contract and that contract's history log, so the next start would
 * serve another log and none of what this one logged (trial 5), while a running server refuses it.
 */
export function sameContract(
  registry: ModelRegistry,
  from: string | null,
  to: string,
  values: Record<string, unknown>,
): void {
  if (from === null || from === to || values["switch-contract"] === true) return;
  const was = registry.contractName(from);
  const will = registry.contractName(to);
  if (was === will) return;
  throw new MillwrightError(
    "MW_CONFLICT",
    `version ${to} is a model of contract '${will ?? "the AI4I app"}', the champion ${from} of '${was ?? "the AI4I app"}': a server serves its champion's contract with that contract's own history log, so its next start would serve '${will ?? "the AI4I app"}' from its own log, without the readings and events logged under '${was ?? "the AI4I app"}' (a running server refuses the move). Nothing was changed; to switch the registry to the other contract, add --switch-contract`,
    { from, to },
  );
}

export async function modelsRollback(
  registry: ModelRegistry,
  values: Record<string, unknown>,
): Promise<number> {
  const reason = rollbackReason(values.reason);
  const { from, to } = await registry.rollback(reason, (a, b) => sameContract(registry, a, b, values));
  await auditChampionChange(registry, to, "rollback", { from, to, reason });
  if (values.json) outJson({ from, to, reason: rollbackReason(values.reason) });
  else
    out(`champion ${from} → ${to} (rolled back${values.reason ? `: ${rollbackReason(values.reason)}` : ""})`);
  return 0;
}
