// The dashboard's Monitoring and Models pages on the contract server serving the AI4I contract
// (what `npm start` serves), in a real browser, fed a simulated fleet with its ground truth, three
// monitor runs, and a MillwrightDataDrift alert whose retraining the gate kept: drift per reading
// in the contract's words with histograms, quality over time, the alert's name and the verdict;
// the versions' metrics and report, the admin token in sessionStorage only, and shadow mode with
// the kept challenger. It takes the README's monitor and models pictures (test/helpers/readme-shots.ts).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  AI4I_READING,
  alertAndRetrain,
  AI4I_TOKENS,
  type Ai4iContractApp,
  feedAi4iContract,
  startAi4iContractApp,
} from "../helpers/ai4i-contract.js";
import { assertNoErrors, browserSkipReason, launchBrowser, visitPage } from "../helpers/browser.js";
import { assertContrast } from "../helpers/contrast.js";
import { readmeShots, shotsFolder } from "../helpers/readme-shots.js";

const skip = browserSkipReason();
if (skip) console.log(`# skipping the AI4I contract page tests: ${skip}`);

describe("Monitoring and Models pages on the AI4I contract server, in a real browser", {
  skip: skip ?? false,
  timeout: 240_000,
}, () => {
  let served: Ai4iContractApp;
  let browser: Browser;
  let second: string;
  let champion: string;
  const shotsBefore = readmeShots();
  const shots = shotsFolder();

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(served.url + path, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const post = (path: string, body: unknown, token: string) =>
    api(path, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    });

  before(async () => {
    // Retraining runs here (local), and a margin no challenger clears keeps the champion.
    served = await startAi4iContractApp("mw-ai4i-pages-", {
      MILLWRIGHT_RETRAIN_MODE: "local",
      MILLWRIGHT_GATE_MARGIN: "0.5",
    });
    await feedAi4iContract(served.url);
    await alertAndRetrain(served.url);
    const models = (await api("/v1/models")).body as { champion: string; models: { version: string }[] };
    champion = models.champion;
    second = models.models.map((m) => m.version).find((v) => v !== champion) as string;
    assert.ok(second, "the retraining registered its challenger");
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
    shots.done();
  });

  const visit = (hash: string, ready: string, viewport?: { width: number; height: number }) =>
    visitPage(browser, `${served.url}/${hash}`, ready, viewport);
  const shot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: join(shots.dir, `${name}.png`), fullPage });

  test("monitoring page: drift per reading with histograms, quality over time, the alert, the gate's verdict; screenshot", async () => {
    const w = await visit("#/monitor", "table.drift");
    const { page } = w;
    await page.waitForSelector("section[aria-labelledby='quality-history-h'] svg");
    const features = await page.$$eval("table.drift tbody th", (els) => els.map((e) => e.textContent));
    assert.deepEqual(features, [
      "product quality",
      "air temperature (K)",
      "process temperature (K)",
      "spindle speed (rpm)",
      "torque (Nm)",
      "tool wear (min)",
      "predicted failure probability",
    ]);
    const verdicts = await page.$$eval("table.drift tbody td[data-label='Verdict']", (els) =>
      els.map((e) => e.textContent),
    );
    assert.ok(
      verdicts.every((v) => v === "Drifted" || v === "Stable"),
      String(verdicts),
    );
    assert.equal(await page.locator(".hist-grid svg.hist").count(), 7);
    assert.ok((await page.locator(".hist-grid rect.bar-cur").count()) > 7);
    assert.ok(
      (await page.locator("section[aria-labelledby='quality-history-h'] circle.marker").count()) >= 3,
      "F1 points over time",
    );
    assert.match(
      (await page.textContent("section[aria-labelledby='alerts-h']")) ?? "",
      /MillwrightDataDrift/,
    );
    assert.match(
      (await page.textContent("section[aria-labelledby='retrain-h']")) ?? "",
      /kept.*(keeping|keeps) the champion.*alert MillwrightDataDrift/s,
    );
    // No simulator: no scenario switch (test/web/contract-sim.test.ts switches one).
    assert.equal(await page.isHidden("section[aria-labelledby='sim-h']"), true);
    await shot(page, "monitor");
    await assertContrast(page);
    assertNoErrors(w);
    await w.close();
  });

  test("models page: metrics and report, the token in sessionStorage only, shadow mode; screenshots", async () => {
    const w = await visit("#/models", `tr[data-version="${second}"] button.shadow-start`);
    const { page } = w;
    const metrics = await page.$$eval(`tr[data-version="${second}"] td`, (els) =>
      els.map((e) => e.textContent),
    );
    assert.ok(
      metrics.slice(1, 4).every((m) => /^\d\.\d{3}$/.test(m ?? "")),
      `PR-AUC, ROC-AUC, F1: ${metrics}`,
    );
    const href = await page.getAttribute(`tr[data-version="${second}"] a[href$='/report']`, "href");
    assert.equal(href, `/v1/models/${second}/report`);
    const report = await fetch(served.url + href);
    assert.equal(report.status, 200);
    assert.match(await report.text(), /evaluation report<\/h1>/);
    await page.fill("#admin-token", AI4I_TOKENS.admin);
    assert.equal(
      await page.evaluate(() => sessionStorage.getItem("millwright.adminToken")),
      AI4I_TOKENS.admin,
    );
    assert.equal(
      await page.evaluate(() => localStorage.length),
      0,
      "the token is never kept in localStorage",
    );
    await shot(page, "models", true); // the versions table is below the forms
    await assertContrast(page);
    // The challenger the gate kept scores in shadow; readings arrive and are compared.
    await page.waitForSelector("#shadow-none");
    const own = page.locator(`tr[data-version="${champion}"] button.shadow-start`);
    assert.equal(await own.count(), 0, "the champion cannot be its own shadow");
    await page.click(`button.shadow-start[data-version="${second}"]`);
    await page.waitForFunction(
      (v) => document.querySelector("#shadow-version dd")?.textContent === v,
      second,
      {
        timeout: 10_000,
      },
    );
    assert.match((await page.textContent("#shadow-msg")) ?? "", /now scores every request in shadow/);
    const six = [0, 1, 2, 3, 4, 5].map((k) => ({
      ...AI4I_READING,
      machine_id: "M01",
      timestamp: 90_000 + k,
    }));
    assert.equal((await post("/v1/predict", six, AI4I_TOKENS.feedback)).status, 200);
    // The page polls every 5 s: the six readings show up as compared requests.
    await page.waitForFunction(() => document.querySelector("#shadow-n dd")?.textContent === "6", null, {
      timeout: 15_000,
    });
    assert.match((await page.textContent("#shadow-agreement dd")) ?? "", /^\d+\.\d %$/);
    assert.equal(await page.locator('#shadow-body tr[data-model="shadow"]').count(), 1);
    await page.click("#shadow-stop");
    await page.waitForSelector("#shadow-none", { timeout: 10_000 });
    assertNoErrors(w);
    await w.close();
  });

  test("screenshots go to their folder; the README's pictures are left as they were", () => {
    for (const name of ["monitor", "models"])
      assert.ok(existsSync(join(shots.dir, `${name}.png`)), `${name}.png taken`);
    if (shots.asked) return; // `npm run screenshots`: rewriting them was the point
    assert.deepEqual(readmeShots(), shotsBefore, "docs/screenshots/*.png unchanged by the test run");
  });
});
