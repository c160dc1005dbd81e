// The dashboard shell: hash routes, one page at a time, polling the page's endpoints every 5 s
// while the tab is visible, so the board updates without a manual reload.
import { setText } from "./dom.js";
import { fleetPage } from "./pages/fleet.js";
import { machinePage } from "./pages/machine.js";
import { modelsPage } from "./pages/models.js";
import { monitorPage } from "./pages/monitor.js";
import { planPage } from "./pages/plan.js";

const POLL_MS = 5000;
const PAGES = {
  fleet: fleetPage,
  machine: machinePage,
  plan: planPage,
  monitor: monitorPage,
  models: modelsPage,
};
const TITLES = { fleet: "Fleet", machine: "Machine", plan: "Plan", monitor: "Monitoring", models: "Models" };

const main = document.getElementById("main");
const updated = document.getElementById("updated");
const announcer = document.getElementById("announce");

let current = null;
let busy = false;
let first = true;

const ctx = {
  /** Tells screen readers about a change (polite); repeated text is not re-announced. */
  announce(text) {
    setText(announcer, text);
  },
};

function parseHash() {
  const parts = (location.hash.replace(/^#\/?/, "") || "fleet").split("/");
  const name = PAGES[parts[0]] ? parts[0] : "fleet";
  return { name, arg: parts[1] ? decodeURIComponent(parts.slice(1).join("/")) : null };
}

async function tick() {
  if (!current || busy || document.hidden) return;
  busy = true;
  const page = current;
  try {
    await page.refresh();
    if (page === current)
      setText(
        updated,
        `Updated ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" })}`,
      );
  } catch (e) {
    if (page === current) setText(updated, `Update failed: ${e?.message ?? e}`);
  } finally {
    busy = false;
  }
}

function show() {
  const { name, arg } = parseHash();
  current?.destroy?.();
  main.replaceChildren();
  current = PAGES[name](main, arg, ctx);
  document.title = `${arg ? `${arg} · ` : ""}${TITLES[name]} · Millwright`;
  for (const a of document.querySelectorAll(".nav a")) {
    if (a.dataset.page === (name === "machine" ? "fleet" : name)) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  // Move focus to the new page for keyboard and screen-reader users (not on the first load).
  if (!first) main.focus({ preventScroll: false });
  first = false;
  busy = false;
  tick();
}

window.addEventListener("hashchange", show);
// The skip link moves focus to the page, not the route: followed as a link, its "#main" was a
// hash change, which re-made the page (sort and filters lost; from the Plan page, the Fleet page).
document.querySelector(".skip-link")?.addEventListener("click", (e) => {
  e.preventDefault();
  main.focus();
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) tick();
});
setInterval(tick, POLL_MS);
show();
