// The two servers the README walkthrough (test/cli/walkthrough.test.ts) runs on, and where they
// differ: the AI4I app (`up --simulate`, until issue 15's switch) and the contract server serving
// examples/contracts/ai4i.yaml (`up --fleet ai4i-contract --simulate`). Each names its board's
// likeliest-failure field, its realised quality (one shape for the steps), how many labels make a
// quality window of only later readings, and how `retrain` is asked for (step 4).
import assert from "node:assert/strict";
import { runCli } from "./cli.js";

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
  /** The AI4I app: {realised: {count: …, status}}; a contract server: the window's metrics. */
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

/** The AI4I app: `millwright retrain run` trains, gates and promotes from its prediction log. */
const ai4i: WalkFleet = {
  name: "the AI4I app (up --simulate)",
  args: ["up", "--simulate", "--pace", "100"],
  env: { MILLWRIGHT_RETRAIN_MODE: "off", MILLWRIGHT_QUALITY_WINDOW: "2000" },
  likeliest: "likeliest_mode",
  quality: (s) => {
    const q = (s.quality as { realised: { count: Quality & { status: string } } }).realised.count;
    return { ...q, ok: q.status === "ok" };
  },
  window: 2000,
  async retrain(c) {
    const r = await runCli(["retrain", "run"], { env: c.env });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    return r.stdout;
  },
  promoted: /^promoted 1\.1\.0: champion is now 1\.1\.0 \(was 1\.0\.0\); challenger PR-AUC/,
};

type Decision = {
  payload: { run?: string; verdict: string; reason: string; challenger?: { version: string } };
};

/**
 * The contract server: the champion retrains in the server, from the readings and labels it logged
 * (`retrain run` exits 2 and names the route); the decision is in GET /v1/retrain/history.
 */
const contract: WalkFleet = {
  name: "the contract server (up --fleet ai4i-contract --simulate)",
  args: ["up", "--fleet", "ai4i-contract", "--simulate", "--pace", "100"],
  env: { MILLWRIGHT_RETRAIN_MODE: "local" },
  likeliest: "likeliest_kind",
  quality: (s) => {
    const q = s.quality as Omit<Quality, "ok"> | null;
    // Its window is the last 5,000 readings; their labelled part is scored.
    return { n: 0, ...q, ok: !!q && q.n >= 500 && (q.positives ?? 0) > 0 };
  },
  window: 5000,
  async retrain(c) {
    const cli = await runCli(["retrain", "run"], { env: c.env });
    assert.equal(cli.code, 2, cli.stdout);
    assert.match(cli.stderr, /data-contract model .*POST \/v1\/retrain/);
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

export const WALK_FLEETS: readonly WalkFleet[] = [ai4i, contract];
