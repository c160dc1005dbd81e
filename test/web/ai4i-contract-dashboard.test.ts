// The dashboard's page mechanics on the contract server serving the AI4I contract (what `npm start`
// serves), in a real browser: checks the AI4I app's dashboard test made (gone with it) that
// contract-dashboard.test.ts (the historian contract's words, plan and shadow) does not make. The
// keyboard sort and skip link, contrast and touch targets, the board as cards on a tablet, the text
// filter, and on the models page promotion refused without or with a wrong admin token, then made,
// and Rollback with its reason in the retraining history.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { ModelRegistry } from "../../src/registry/registry.js";
import {
  AI4I_READING,
  AI4I_TOKENS,
  type Ai4iContractApp,
  startAi4iContractApp,
  trainAi4iContract,
} from "../helpers/ai4i-contract.js";
import { assertNoErrors, browserSkipReason, launchBrowser, visitPage } from "../helpers/browser.js";
import { assertContrast } from "../helpers/contrast.js";

const MACHINES = ["H-01", "L-01", "L-02", "L-03", "M-01", "M-02"];
const skip = browserSkipReason();
if (skip) console.log(`# skipping the AI4I contract dashboard browser tests: ${skip}`);

describe("dashboard on the AI4I contract server, in a real browser", {
  skip: skip ?? false,
  timeout: 180_000,
}, () => {
  let served: Ai4iContractApp;
  let browser: Browser;
  let first: string;
  let second: string;

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(served.url + path, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    served = await startAi4iContractApp("mw-ai4i-web-");
    const registry = new ModelRegistry(`${served.dir}/models`);
    first = registry.readIndex().aliases.champion as string;
    // A second version in the served registry, so there is something to promote and roll back from.
    second = trainAi4iContract(served.dir, { machines: 12, days: 4 }).version;
    const readings = MACHINES.flatMap((id, m) =>
      [0, 1, 2].map((k) => ({
        ...AI4I_READING,
        machine_id: id,
        type: id[0],
        timestamp: 1 + m * 3 + k,
        tool_wear: 20 + 60 * m + k,
        torque: 35 + 4 * m,
      })),
    );
    const res = await fetch(`${served.url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(readings),
    });
    assert.equal(res.status, 200, await res.text());
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  const visit = (hash: string, ready: string, viewport?: { width: number; height: number }) =>
    visitPage(browser, `${served.url}/${hash}`, ready, viewport);
  const rowIds = (page: Page) =>
    page.$$eval("table.fleet tbody tr[data-machine]", (trs) =>
      trs.map((tr) => tr.getAttribute("data-machine") ?? ""),
    );

  test("fleet board: risk sorted, levels in words, the text filter and its empty state", async () => {
    const w = await visit("#/fleet", "table.fleet tbody tr[data-machine]");
    const { page } = w;
    assert.deepEqual((await rowIds(page)).sort(), MACHINES);
    const risks = await page.$$eval("table.fleet tbody .risk-pct", (els) =>
      els.map((e) => Number.parseFloat(e.textContent ?? "")),
    );
    assert.deepEqual(
      risks,
      [...risks].sort((a, b) => b - a),
    );
    const badges = await page.$$eval("table.fleet tbody .badge", (els) => els.map((e) => e.textContent));
    assert.ok(
      badges.every((b) => b === "High" || b === "Medium" || b === "Low"),
      `risk levels in words: ${badges}`,
    );
    await page.fill("#fleet-search", "M-02");
    assert.deepEqual(await rowIds(page), ["M-02"]);
    assert.match((await page.textContent("#fleet-summary")) ?? "", /Showing 1 of 6/);
    await page.fill("#fleet-search", "no-such-machine");
    assert.equal(
      await page.locator("table.fleet tbody td.empty").textContent(),
      "No machine matches the filter.",
    );
    assertNoErrors(w);
    await w.close();
  });

  test("updates arrive without a reload, and a machine id is shown as text, never markup", async () => {
    const w = await visit("#/fleet", "table.fleet tbody tr[data-machine]");
    const evil = "<img src=x id=pwned>";
    // The AI4I contract has no machine table: any id reaches the board (docs/one-server.md).
    const res = await fetch(`${served.url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...AI4I_READING, machine_id: evil, timestamp: 100 }),
    });
    assert.equal(res.status, 200, await res.text());
    // The board polls every 5 s.
    await w.page.waitForSelector(`tr[data-machine="${evil}"]`, { timeout: 9_000 });
    assert.equal(await w.page.locator("#pwned").count(), 0, "no element was injected");
    assert.equal(await w.page.locator(`tr[data-machine="${evil}"] th a`).textContent(), evil);
    assertNoErrors(w);
    await w.close();
  });

  test("keyboard: skip link, the sort control with Enter and Tab; contrast, touch targets, landmarks", async () => {
    const w = await visit("#/fleet", "table.fleet tbody tr[data-machine]");
    const { page } = w;
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.className), "skip-link");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    // Focus moved, the route kept: a hash change would re-make the page (and lose the sort below).
    assert.equal(await page.evaluate(() => location.hash), "#/fleet");
    await page.focus("button.sort[data-sort='id']");
    await page.keyboard.press("Enter");
    const asc = await rowIds(page);
    assert.deepEqual(
      asc,
      [...asc].sort((a, b) => a.localeCompare(b, "en", { numeric: true })),
    );
    assert.equal(await page.getAttribute("th[data-sort-col='id']", "aria-sort"), "ascending");
    await page.keyboard.press("Enter");
    assert.equal(await page.getAttribute("th[data-sort-col='id']", "aria-sort"), "descending");
    assert.deepEqual(await rowIds(page), [...asc].reverse());
    // Tab moves on to the next column's sort button (the AI4I contract has no make-and-model
    // column: its machines have no attributes file, so the next is the risk).
    const order = await page.$$eval("button.sort", (bs) => bs.map((b) => b.getAttribute("data-sort")));
    await page.keyboard.press("Tab");
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("data-sort")),
      order[order.indexOf("id") + 1],
    );
    await assertContrast(page);
    const small = await page.$$eval("main button, main select, main input, .nav a", (els) =>
      els.filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.outerHTML.slice(0, 60)),
    );
    assert.deepEqual(small, [], "touch targets are at least 44 px high");
    assert.equal(await page.locator("header[role=banner], nav, main, footer").count(), 4, "landmarks");
    assertNoErrors(w);
    await w.close();
  });

  test("tablet (768×1024, touch): the board becomes cards, nothing overflows sideways", async () => {
    const w = await visit("#/fleet", "table.fleet tbody tr[data-machine]", { width: 768, height: 1024 });
    assert.equal(
      await w.page.$eval("table.fleet tbody tr", (tr) => getComputedStyle(tr).display),
      "block",
      "rows are cards",
    );
    const [scroll, client] = await w.page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    assert.ok(scroll <= client, `no sideways scroll: ${scroll} > ${client}`);
    await w.page.tap(`tr[data-machine="L-02"] th a`);
    await w.page.waitForSelector("#risk-h");
    assertNoErrors(w);
    await w.close();
  });

  test("models page: promotion refused without the token and with a wrong one, made with the right one", async () => {
    const w = await visit("#/models", `tr[data-version="${second}"] button.promote`);
    const { page } = w;
    await page.click(`tr[data-version="${second}"] button.promote`);
    await page.waitForFunction(() =>
      /refused/.test(document.getElementById("promote-msg")?.textContent ?? ""),
    );
    assert.match(
      (await page.textContent("#promote-msg")) ?? "",
      /401 .*admin needs an 'Authorization: Bearer <token>' header \(MW_UNAUTHORIZED\)/,
    );
    await page.fill("#admin-token", "not-the-token");
    await page.click(`tr[data-version="${second}"] button.promote`);
    await page.waitForFunction(() =>
      /wrong admin token/.test(document.getElementById("promote-msg")?.textContent ?? ""),
    );
    assert.equal((await api("/v1/models")).body.champion, first, "nothing moved");
    await page.fill("#admin-token", AI4I_TOKENS.admin);
    assert.equal(
      await page.evaluate(() => localStorage.length),
      0,
      "the token is never kept in localStorage",
    );
    await page.click(`tr[data-version="${second}"] button.promote`);
    await page.waitForFunction(() =>
      /is now champion/.test(document.getElementById("promote-msg")?.textContent ?? ""),
    );
    assert.equal((await api("/v1/models")).body.champion, second);
    await assertContrast(page);
    assert.ok(
      w.errors.length === 2 && w.errors.every((e) => /401/.test(e) && e.includes("/promote")),
      w.errors.join("\n"),
    );
    await w.close();
  });

  test("models page: Rollback (admin token) returns the champion to the previous one, with the reason", async () => {
    assert.equal((await api("/v1/models")).body.champion, second);
    const w = await visit("#/models", "#rollback-form");
    const { page } = w;
    await page.fill("#rollback-reason", "recall fell after the promotion");
    await page.fill("#admin-token", "not-the-token");
    await page.click("#rollback-button");
    await page.waitForSelector("#rollback-msg.error");
    assert.match((await page.textContent("#rollback-msg")) ?? "", /Rollback refused: 401/);
    assert.equal((await api("/v1/models")).body.champion, second, "nothing moved");
    await page.fill("#admin-token", AI4I_TOKENS.admin);
    await page.click("#rollback-button");
    await page.waitForSelector("#rollback-msg.ok");
    assert.equal(
      (await page.textContent("#rollback-msg")) ?? "",
      `Champion ${second} → ${first}; serving ${first}.`,
    );
    assert.equal((await api("/v1/models")).body.champion, first);
    const history = await api("/v1/retrain/history");
    assert.match(JSON.stringify(history.body), /recall fell after the promotion/);
    assertNoErrors(w, /401 .*\/rollback/);
    await w.close();
  });
});
