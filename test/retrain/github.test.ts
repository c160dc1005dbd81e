// GitHub retraining mode's trigger: a repository_dispatch through Octokit (src/retrain/github.ts),
// sent to a real HTTP server on 127.0.0.1 playing GitHub's REST endpoint, which records the call.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dispatchRetrain } from "../../src/retrain/github.js";
import { fakeGitHub } from "../helpers/fake-github.js";

test("dispatchRetrain sends repository_dispatch type 'retrain' with the token and the payload", async () => {
  const gh = await fakeGitHub();
  try {
    await dispatchRetrain({
      repo: "shop/millwright",
      token: "t0k",
      baseUrl: `${gh.baseUrl}/`,
      payload: { reason: "alert MillwrightQualityLow" },
    });
    assert.equal(gh.calls.length, 1);
    assert.equal(gh.calls[0].method, "POST");
    assert.equal(gh.calls[0].url, "/repos/shop/millwright/dispatches");
    assert.match(gh.calls[0].auth, /^(token|bearer) t0k$/i);
    assert.deepEqual(gh.calls[0].body, {
      event_type: "retrain",
      client_payload: { reason: "alert MillwrightQualityLow" },
    });
  } finally {
    await gh.close();
  }
});

test("dispatchRetrain: a bad repository or no token is MW_CONFIG naming the variable; GitHub's refusal rejects", async () => {
  const gh = await fakeGitHub(401);
  try {
    for (const repo of ["nonsense", "a/b/c", undefined])
      await assert.rejects(dispatchRetrain({ repo, token: "t", baseUrl: gh.baseUrl, payload: {} }), {
        code: "MW_CONFIG",
        message: /MILLWRIGHT_GITHUB_REPO: .* must be owner\/name/,
      });
    await assert.rejects(
      dispatchRetrain({ repo: "shop/millwright", token: undefined, baseUrl: gh.baseUrl, payload: {} }),
      { code: "MW_CONFIG", message: /GITHUB_TOKEN is required/ },
    );
    assert.equal(gh.calls.length, 0, "nothing is sent without a valid configuration");
    await assert.rejects(
      dispatchRetrain({ repo: "shop/millwright", token: "wrong", baseUrl: gh.baseUrl, payload: {} }),
      (e: Error & { status?: number }) => e.status === 401 && /Bad credentials/.test(e.message),
    );
    assert.equal(gh.calls.length, 1, "one try, no retries");
  } finally {
    await gh.close();
  }
});
