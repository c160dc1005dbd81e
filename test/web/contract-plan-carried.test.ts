// The Plan page's parts on a plan with a carried task (the shift in progress when the server re-made
// the plan: its shift is before the horizon, index -1): the task list says "in progress (this
// shift)", the week grid and the print view do not break on it, and the print view lists it on the
// first day. The dashboard's own modules, in Debian's Chromium, served as the server serves them.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import type { Browser } from "playwright-core";
import { staticRoutes } from "../../src/serve/static.js";
import { browserSkipReason, launchBrowser, openPage } from "../helpers/browser.js";

const skip = browserSkipReason();

describe("plan page parts with a carried task", { skip: skip ?? false }, () => {
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  before(async () => {
    app = Fastify();
    app.get("/blank.html", async (_req, reply) =>
      reply.type("text/html; charset=utf-8").send("<!doctype html><html><body></body></html>"),
    );
    staticRoutes(app, "web");
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test("the carried task is listed as in progress; the grid and the print view render", async () => {
    const w = await openPage(browser, { width: 1400, height: 900 });
    await w.page.goto(`${base}/blank.html`);
    const r = await w.page.evaluate(async () => {
      // A module path TypeScript does not resolve: the browser loads it from this server.
      const load = (u: string) => import(u);
      const tasksMod = await load("/js/pages/plan-tasks.js");
      const gridMod = await load("/js/charts/timeline.js");
      const printMod = await load("/js/pages/plan-print.js");
      const labels = ["Thu evening", "Thu night", "Fri day", "Fri evening", "Fri night", "Sat day"];
      const base = {
        machine_model: null,
        task: "coolant_pump_replacement",
        task_words: "coolant pump replacement",
        head: "coolant_pump",
        mode: "coolant_pump",
        technician: "Ana Ribeiro",
        hours: 2,
        risk_before: 0.3,
        risk_after: 0.02,
        avoided_cost: 900,
        planned_cost: 590,
        why: "x",
        status: "planned",
      };
      const plan = {
        tasks: [
          {
            ...base,
            id: "H01.coolant_pump_replacement.20260219T060000Z",
            machine_id: "H01",
            shift: {
              index: -1,
              start: "2026-02-19T06:00:00.000Z",
              end: "2026-02-19T14:00:00.000Z",
              label: "Thu day",
            },
            carried: true,
          },
          {
            ...base,
            id: "H02.coolant_pump_replacement.20260219T220000Z",
            machine_id: "H02",
            shift: { index: 1, start: "2026-02-19T22:00:00.000Z", end: "", label: "Thu night" },
          },
        ],
        technicians: [
          { name: "Ana Ribeiro", shifts: labels.map((_, i) => ({ shift: i, hours_used: 0, capacity: 8 })) },
        ],
        horizon: { labels, start: "2026-02-19T14:00:00.000Z", shift_hours: 8, shifts: labels.length },
        summary: { carried: { tasks: 1, avoided_cost: 900, planned_cost: 590 } },
      };
      const host = document.createElement("div");
      document.body.append(host);
      const view = { page: 0, rerender: () => {} };
      const actions = { done: async () => {}, skip: async () => {} };
      host.append(tasksMod.taskList(plan, view, String, actions));
      const row = (id: string) => host.querySelector(`tr[data-task="${id}"]`);
      const carriedRow = row(plan.tasks[0].id);
      const grid = gridMod.timelineGrid(plan);
      host.append(grid);
      const print = printMod.printDays(plan, "fresh", String);
      host.append(print);
      const firstDay = print.querySelector("section.print-day");
      return {
        carriedShift: carriedRow?.querySelectorAll("td")[1]?.textContent,
        carriedClass: carriedRow?.getAttribute("class"),
        carriedButtons: carriedRow?.querySelectorAll("button.task-done").length,
        otherShift: row(plan.tasks[1].id)?.querySelectorAll("td")[1]?.textContent,
        gridText: grid.textContent,
        firstDayTasks: Array.from(
          (firstDay?.querySelectorAll("table.day-tasks tbody tr") ?? []) as ArrayLike<Element>,
        ).map((tr) => Array.from(tr.children).map((c) => c.textContent)),
      };
    });
    assert.equal(r.carriedShift, "Thu day, 19 Feb: in progress (this shift)");
    assert.match(r.carriedClass ?? "", /\bcarried\b/);
    assert.equal(r.carriedButtons, 1, "a carried task can be marked done");
    assert.equal(r.otherShift, "Thu night, 19 Feb");
    // The grid shows the horizon's shifts: the planned task is there, the carried one's shift is not.
    assert.match(r.gridText ?? "", /H02/);
    assert.doesNotMatch(r.gridText ?? "", /H01/);
    assert.deepEqual(
      r.firstDayTasks.map((c) => [c[0], c[2]]),
      [
        ["H01", "Thu day, 19 Feb: in progress (this shift)"],
        ["H02", "Thu night, 19 Feb"],
      ],
    );
    assert.deepEqual(
      w.errors.filter((e) => !/favicon\.ico/.test(e)),
      [],
    );
    await w.close();
  });
});
