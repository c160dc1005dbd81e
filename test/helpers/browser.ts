// Launches Debian's Chromium through playwright-core for browser tests, and collects every console
// error and page error of a page so a test can assert there were none (or only expected ones).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { type Browser, type ConsoleMessage, type Page, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Why browser tests cannot run here, or null when they can. CI must have Chromium: no skip there. */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const why = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env.CI === "true") throw new Error(`${why}; CI must run the browser tests`);
  return why;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context and page (1280×800 unless told) with its errors collected. */
export async function openPage(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, hasTouch: viewport.width < 1000 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} @ ${m.location().url}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  return { page, errors, close: () => context.close() };
}

/** openPage, then `url` loaded and `ready` (a selector) there within 15 s. */
export async function visitPage(
  browser: Browser,
  url: string,
  ready: string,
  viewport?: { width: number; height: number },
): Promise<WatchedPage> {
  const w = await openPage(browser, viewport);
  await w.page.goto(url);
  await w.page.waitForSelector(ready, { timeout: 15_000 });
  return w;
}

/** Fails on any console or page error the page met, except those `allowed` matches. */
export function assertNoErrors(w: WatchedPage, allowed?: RegExp): void {
  assert.deepEqual(
    w.errors.filter((e) => !allowed?.test(e)),
    [],
  );
}
