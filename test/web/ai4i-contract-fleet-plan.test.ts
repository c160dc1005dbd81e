// The dashboard's fleet board, machine page and Plan page on the contract server serving the AI4I
// contract (what `npm start` serves), in a real browser, fed a simulated fleet: the board's machines,
// failure kinds and risk levels; the machine page's plan forecast in words (#ahead-words: the plan's
// own figure, its tasks in the contract's words); the Plan page's solver facts, re-plan (a horizon
// only: a contract's costs are in its tasks, so the page has no costs field or costs upload, and the
// server no PUT /v1/plan/costs), a week grid within 1,400 px, the print view, and the technicians
// upload with the admin token. It takes the README's fleet, machine and plan pictures
// (test/helpers/readme-shots.ts).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  AI4I_TOKENS,
  type Ai4iContractApp,
  feedAi4iContract,
  startAi4iContractApp,
} from "../helpers/ai4i-contract.js";
import { assertNoErrors, browserSkipReason, launchBrowser, visitPage } from "../helpers/browser.js";
import { assertContrast } from "../helpers/contrast.js";
import { readmeShots, shotsFolder } from "../helpers/readme-shots.js";

type Plan = {
  model: { version: string };
  tasks: { id: string; machine_id: string; task_words: string; shift: { label: string } }[];
  machines: { machine_id: string; risk_ahead: number[] }[];
  technicians: { name: string }[];
  horizon: { labels: string[] };
  technicians_source: string;
};
const skip = browserSkipReason();
if (skip) console.log(`# skipping the AI4I contract fleet and plan browser tests: ${skip}`);

describe("fleet, machine and Plan pages on the AI4I contract server, in a real browser", {
  skip: skip ?? false,
  timeout: 180_000,
}, () => {
  let served: Ai4iContractApp;
  let browser: Browser;
  let machines: string[];
  let plan: Plan;
  const shotsBefore = readmeShots();
  const shots = shotsFolder();
  const getPlan = async () => (await (await fetch(`${served.url}/v1/plan`)).json()) as Plan;

  before(async () => {
    served = await startAi4iContractApp("mw-ai4i-plan-web-");
    ({ machines } = await feedAi4iContract(served.url));
    plan = await getPlan();
    assert.ok(plan.tasks.length >= 1, JSON.stringify(plan).slice(0, 300));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
    shots.done();
  });

  const visit = (hash: string, ready: string, viewport?: { width: number; height: number }) =>
    visitPage(browser, `${served.url}/${hash}`, ready, viewport);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots.dir, `${name}.png`) });

  test("fleet board: every machine, failure kinds, more than one risk level, a trend each; screenshot", async () => {
    const w = await visit("#/fleet", "table.fleet tbody tr[data-machine]");
    const { page } = w;
    const ids = await page.$$eval("table.fleet tbody tr[data-machine]", (trs) =>
      trs.map((tr) => tr.getAttribute("data-machine") ?? ""),
    );
    assert.deepEqual(ids.sort(), machines);
    const kinds = await page.$$eval("td[data-label='Likeliest failure']", (els) =>
      els.map((e) => e.textContent),
    );
    assert.ok(
      kinds.every((k) => ["twf", "hdf", "pwf", "osf"].includes(k ?? "")),
      `the contract's kinds: ${kinds}`,
    );
    const levels = await page.$$eval("table.fleet tbody .badge", (els) => els.map((e) => e.textContent));
    assert.ok(new Set(levels).size >= 2, `the worn tools stand out: ${levels}`);
    assert.equal(await page.locator("table.fleet svg.spark").count(), machines.length);
    await shot(page, "fleet");
    assertNoErrors(w);
    await w.close();
  });

  test("machine page: the plan's risk ahead in words, risk and readings over time, labels, its tasks; screenshot", async () => {
    const id = plan.tasks[0]?.machine_id ?? machines[0];
    const mine = plan.tasks.filter((t) => t.machine_id === id);
    const w = await visit("#/fleet", "table.fleet tbody tr[data-machine]");
    const { page } = w;
    await page.click(`tr[data-machine="${id}"] td[data-label='Risk']`);
    await page.waitForSelector("#ahead-words");
    assert.equal(new URL(page.url()).hash, `#/machine/${id}`);
    assert.equal(await page.textContent("h1"), `Machine ${id}`);
    const words = (await page.textContent("#ahead-words")) ?? "";
    assert.match(
      words,
      /^If nothing is done: ([\d.]+ %|under 0.1 %) chance of a failure within the plan's week \(to \w+ (day|evening|night), \d{1,2} \w{3}\)/,
    );
    // The plan's own figure for this machine, its tasks in the contract's words, and its version.
    const end = plan.machines.find((m) => m.machine_id === id)?.risk_ahead.at(-1) ?? Number.NaN;
    assert.ok(
      words.includes(end < 0.001 ? "under 0.1 %" : `${(end * 100).toFixed(1)} %`),
      `${end}: ${words}`,
    );
    // Each shift with its date (trial 10: two Thursdays in one sentence).
    for (const t of mine)
      assert.ok(new RegExp(`${t.task_words} ${t.shift.label}, \\d{1,2} \\w{3}`).test(words), words);
    assert.match(words, new RegExp(`model ${plan.model.version.replaceAll(".", "\\.")}\\)$`));
    assert.equal(await page.locator("section[aria-labelledby='ahead-h'] svg.line-chart polyline").count(), 1);
    assert.ok((await page.locator("section[aria-labelledby='risk-h'] svg.line-chart polyline").count()) >= 2);
    assert.equal(
      await page.locator("figure[data-reading]").count(),
      5,
      "the contract's five numeric readings",
    );
    const labels = await page.$$eval(
      "section[aria-labelledby='preds-h'] td[data-label='Actual outcome']",
      (els) => els.map((e) => e.textContent),
    );
    assert.equal(labels.length, 25);
    assert.ok(
      labels.every((l) => l === "no failure" || l === "not known yet" || l?.startsWith("failure")),
      String(labels),
    );
    const tasks = await page.$$eval("section[aria-labelledby='tasks-h'] tr[data-task]", (trs) =>
      trs.map((tr) => tr.getAttribute("data-task")),
    );
    assert.deepEqual(
      tasks,
      mine.map((t) => t.id),
    );
    await shot(page, "machine");
    await assertContrast(page);
    assertNoErrors(w);
    await w.close();
  });

  test("plan page: solver facts, re-plan with a horizon and no costs, a week grid within 1,400 px, one printed page per day; screenshot", async () => {
    const w = await visit("#/plan", "#plan-facts", { width: 1400, height: 900 });
    const { page } = w;
    assert.match(
      (await page.textContent("#plan-facts")) ?? "",
      /Status.*Net saving \(avoided − cost of work\).*If nothing is done.* expected failure cost; this plan avoids .* of it for .* of work and parts.*gap.*Solve time/s,
    );
    // A contract's costs are its tasks: key, uploaded as a file of its own (trial 3); no downtime-cost field.
    assert.equal(await page.locator("#plan-cost").isVisible(), false);
    assert.equal(await page.locator("#costs-form").isVisible(), true);
    assert.equal(await page.locator("#tech-form").isVisible(), true);
    const costs = await fetch(`${served.url}/v1/plan/costs`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${AI4I_TOKENS.admin}` },
      body: JSON.stringify({ yaml: "planned: { cost_per_hour: 60 }\n" }),
    });
    assert.equal(costs.status, 400);
    assert.match(
      ((await costs.json()) as { detail: string }).detail,
      /^uploaded costs: planned: unknown key/,
    );
    // The contract's own tasks: key, pasted into the form: taken, and the plan is made again with it.
    const own =
      readFileSync("examples/contracts/ai4i.yaml", "utf8").match(/^tasks:\n(?: .*\n|\n)+/m)?.[0] ?? "";
    await page.fill("#costs-yaml", own);
    await page.fill("#costs-token", AI4I_TOKENS.admin);
    await page.click("#costs-form button[type=submit]");
    await page.waitForFunction(
      () => /Uploaded|Not uploaded/.test(document.getElementById("costs-msg")?.textContent ?? ""),
      null,
      { timeout: 20_000 },
    );
    assert.match(
      (await page.textContent("#costs-msg")) ?? "",
      /^Uploaded: planned work 120 an hour, \d+ failure kinds\./,
    );
    await page.fill("#plan-horizon", "3");
    await page.fill("#plan-token", AI4I_TOKENS.admin); // re-planning needs the admin token
    await page.click("#plan-form button[type=submit]");
    await page.waitForFunction(
      () => /Re-planned|Could not/.test(document.getElementById("plan-msg")?.textContent ?? ""),
      null,
      { timeout: 20_000 },
    );
    // The contract's money has no currency sign (its tasks name none), not dollars.
    assert.match(
      (await page.textContent("#plan-msg")) ?? "",
      /^Re-planned: \d+ tasks, status \w+, net saving [\d,]+\.$/,
    );
    const replanned = await getPlan();
    assert.equal(replanned.horizon.labels.length, 9, "3 days of 3 shifts");
    assert.equal(
      await page.locator("table.week-grid tbody tr").count(),
      replanned.technicians.length * 3,
      "a row per technician and shift",
    );
    const widths = await page.evaluate(() => {
      const wrap = document.querySelector(".timeline") as HTMLElement;
      const doc = document.documentElement;
      return { wrap: [wrap.scrollWidth, wrap.clientWidth], doc: [doc.scrollWidth, doc.clientWidth] };
    });
    assert.ok(widths.wrap[0] <= widths.wrap[1], `grid fits: ${widths.wrap}`);
    assert.ok(widths.doc[0] <= widths.doc[1], `page fits: ${widths.doc}`);
    // The README's picture shows the plan itself, from its freshness line down (the forms are above).
    await page.evaluate(() => document.getElementById("plan-freshness")?.scrollIntoView());
    await shot(page, "plan");
    await assertContrast(page);
    // Printed: one section per day, each ending its page; no navigation or forms.
    const days = new Set(replanned.horizon.labels.map((l) => l.split(" ")[0])).size;
    assert.equal(await page.locator(".print-day").count(), days);
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("header.top nav").isVisible(), false, "navigation hidden in print");
    assert.equal(await page.locator("#replan-h").isVisible(), false);
    assert.equal(await page.locator(".print-day").first().isVisible(), true);
    const breaks = await page.$$eval(".print-day", (s) => s.map((x) => getComputedStyle(x).breakAfter));
    assert.deepEqual(breaks, [...Array(days - 1).fill("page"), "auto"]);
    assertNoErrors(w);
    await w.close();
  });

  test("plan page: the technicians upload needs the admin token; the plan is re-made with them", async () => {
    const w = await visit("#/plan", "#plan-facts");
    const { page } = w;
    await page.fill(
      "#tech-yaml",
      "technicians:\n  - { name: Ada Upload, skills: ['*'], hours_per_shift: 8 }\n",
    );
    await page.fill("#tech-token", "wrong-token");
    await page.click("#tech-form button[type=submit]");
    await page.waitForSelector("#tech-msg.error");
    assert.match((await page.textContent("#tech-msg")) ?? "", /Not uploaded: 401/);
    await page.fill("#tech-token", AI4I_TOKENS.admin);
    await page.click("#tech-form button[type=submit]");
    await page.waitForSelector("#tech-msg.ok");
    assert.match((await page.textContent("#tech-msg")) ?? "", /Uploaded: Ada Upload/);
    // The page shows the re-made plan: only the uploaded technician's rows in the grid.
    await page.waitForFunction(
      () => {
        const heads = Array.from(document.querySelectorAll("table.week-grid tbody th")).map(
          (e) => e.textContent ?? "",
        );
        const people = heads.filter((r) => !/^(day|evening|night)$/.test(r.trim()));
        return people.length > 0 && people.every((r) => /Ada Upload/.test(r));
      },
      null,
      { timeout: 20_000 },
    );
    const after = await getPlan();
    assert.deepEqual(
      after.technicians.map((t) => t.name),
      ["Ada Upload"],
    );
    assert.match(after.technicians_source, /technicians-ai4i-2020\.yaml$/);
    assertNoErrors(w, /401/);
    await w.close();
  });

  test("screenshots go to their folder; the README's pictures are left as they were", () => {
    for (const name of ["fleet", "machine", "plan"])
      assert.ok(existsSync(join(shots.dir, `${name}.png`)), `${name}.png taken`);
    if (shots.asked) return; // `npm run screenshots`: rewriting them was the point
    assert.deepEqual(readmeShots(), shotsBefore, "docs/screenshots/*.png unchanged by the test run");
  });
});
