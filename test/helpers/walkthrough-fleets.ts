// The server the README walkthrough (test/cli/walkthrough.test.ts) runs on: the contract server
// serving examples/contracts/ai4i.yaml (`up --simulate`, what `npm start -- --simulate` runs; the
// AI4I app it ran on before issue 15 is retired). It names its board's likeliest-failure field, its
// realised quality, how many labels make a quality window of only later readings, and how
// `retrain` is asked for (step 4).
import assert from "node:assert/strict";

export interface Quality {
  ok: boolean;
  n: number;
  positives?: number;
  recall?: number;
  f1?: number;
  pr_auc?: number;
}

export interface MonitorState {
  model_version: string;
  drift: { features: { feature: string; drifted: boolean; score: number }[] } | null;
  /** The window's realised metrics (null before labels). */
  quality: unknown;
}

export interface StepContext {
  url: string;
  env: Record<string, string>;
  admin: Record<string, string>;
}

export interface WalkFleet {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** The board's field naming a machine's likeliest failure mode. */
  likeliest: "likeliest_mode" | "likeliest_kind";
  quality(s: MonitorState): Quality;
  /** Labels for the realised-quality window to hold only readings sent after a moment. */
  window: number;
  /** Step 4 up to the promotion: returns the words that say the verdict... */
  retrain(c: StepContext): Promise<string>;
  /** ...which say this. */
  promoted: RegExp;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Decision = {
  payload: { run?: string; verdict: string; reason: string; challenger?: { version: string } };
};

/**
 * The contract server: the champion retrains in the server, from the readings and labels it logged
 * (POST /v1/retrain, as the README's step 3 says without Alertmanager); the decision is in GET
 * /v1/retrain/history. (`millwright retrain run` on a copy of the registry: test/cli/retrain-run.test.ts.)
 */
const contract: WalkFleet = {
  name: "the contract server (up --simulate)",
  args: ["up", "--simulate", "--pace", "100"],
  env: { MILLWRIGHT_RETRAIN_MODE: "local" },
  likeliest: "likeliest_kind",
  quality: (s) => {
    const q = s.quality as Omit<Quality, "ok"> | null;
    // Its window is the last 5,000 readings; their labelled part is scored.
    return { n: 0, ...q, ok: !!q && q.n >= 500 && (q.positives ?? 0) > 0 };
  },
  window: 5000,
  async retrain(c) {
    const res = await fetch(`${c.url}/v1/retrain`, {
      method: "POST",
      headers: c.admin,
      body: JSON.stringify({ reason: "the README walkthrough" }),
    });
    assert.equal(res.status, 202, await res.clone().text());
    const { run } = (await res.json()) as { run: string };
    for (let i = 0; i < 600; i++) {
      const h = (await (await fetch(`${c.url}/v1/retrain/history`)).json()) as { decisions: Decision[] };
      const d = h.decisions.find((x) => x.payload.run === run);
      if (d) {
        const p = d.payload;
        return `${p.verdict} ${p.challenger?.version}: ${p.reason}`;
      }
      await sleep(250);
    }
    return assert.fail("no decision within 150 s of POST /v1/retrain");
  },
  promoted: /^promoted 1\.1\.0: challenger PR-AUC [\d.]+ beats champion [\d.]+/,
};

export const WALK_FLEETS: readonly WalkFleet[] = [contract];
