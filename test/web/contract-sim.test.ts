// The Monitoring page's scenario switch against a data-contract server the live AI4I simulator
// feeds (up --fleet ai4i-contract --simulate), in a real browser: the page finds the simulation
// from the server's /v2 metadata, lists the scenarios, switches one with the admin token, and
// GET /v1/sim then runs under it. Without the token the switch is refused and says so. The machine
// page shows the simulation's shop clock.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  AI4I_TOKENS,
  type Ai4iContractServed,
  ai4iContractShop,
  removeShop,
  serveAi4iContract,
} from "../helpers/ai4i-contract.js";
import { browserSkipReason, launchBrowser, openPage } from "../helpers/browser.js";

const skip = browserSkipReason();
if (skip) console.log(`# skipping the contract scenario switch browser test: ${skip}`);

describe("dashboard: the scenario switch on a contract server", {
  skip: skip ?? false,
  timeout: 120_000,
}, () => {
  let shop: { dir: string; registryDir: string } | undefined;
  let live: Ai4iContractServed | undefined;
  let browser: Browser | undefined;
  before(async () => {
    shop = ai4iContractShop("mw-ai4i-contract-web-");
    // A slow tick: the page, not the stream, is under test.
    live = await serveAi4iContract(shop, { dataDir: "live", simulate: true, intervalMs: 500 });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await live?.close();
    removeShop(shop);
  });

  test("Monitoring: the switch shows, is refused without the admin token, and switches with it", async () => {
    const url = live?.url ?? "";
    const w = await openPage(browser as Browser);
    const { page } = w;
    await page.goto(`${url}/#/monitor`);
    await page.waitForSelector("#sim-scenario option[value='hot-summer']", {
      state: "attached",
      timeout: 15_000,
    });
    assert.equal(await page.isVisible("#sim-scenario"), true);
    const form = "section[aria-labelledby='sim-h']";
    await page.selectOption("#sim-scenario", "hot-summer");
    await page.click(`${form} button[type=submit]`);
    await page.waitForFunction(() =>
      /Could not switch/.test(document.querySelector("#sim-h ~ form .form-msg")?.textContent ?? ""),
    );
    assert.equal(((await (await fetch(`${url}/v1/sim`)).json()) as { scenario: null }).scenario, null);
    await page.fill("#sim-token", AI4I_TOKENS.admin);
    await page.click(`${form} button[type=submit]`);
    await page.waitForFunction(() =>
      /Scenario switched to hot-summer/.test(
        document.querySelector("#sim-h ~ form .form-msg")?.textContent ?? "",
      ),
    );
    const sim = (await (await fetch(`${url}/v1/sim`)).json()) as { scenario: string | null };
    assert.equal(sim.scenario, "hot-summer");
    await page.waitForFunction(() =>
      /runs under hot-summer/.test(document.getElementById("sim-current")?.textContent ?? ""),
    );
    // Still so after the next polls (the selector once fell back to the baseline), in shop time.
    await new Promise((r) => setTimeout(r, 6_000));
    assert.equal(await page.inputValue("#sim-scenario"), "hot-summer");
    assert.match((await page.textContent("#sim-current")) ?? "", /runs under hot-summer.*simulated/s);
    // The refused switch's 401 is the only error the page met.
    assert.deepEqual(
      w.errors.filter((e) => !/401/.test(e)),
      [],
    );
    await w.close();
  });

  test("Machine: the page shows the live simulation's shop clock, as on the AI4I server", async () => {
    const url = live?.url ?? "";
    const w = await openPage(browser as Browser);
    const { page } = w;
    await page.goto(`${url}/#/machine/M01`);
    await page.waitForSelector("#machine-clock", { timeout: 15_000 });
    const clock = (await page.textContent("#machine-clock")) ?? "";
    assert.match(
      clock,
      /^Simulated fleet\. Times are simulated shop time, running \d+× faster than real time/,
    );
    assert.match(clock, /shop time now/, "the clock, not only its speed");
    // This server has no technicians: its plan's 400 is the page's "set MILLWRIGHT_TECHNICIANS".
    assert.deepEqual(
      w.errors.filter((e) => !/400 .*\/v1\/plan$/.test(e)),
      [],
    );
    await w.close();
  });
});
