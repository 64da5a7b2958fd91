// Shared by every browser test file: the browser, a fresh visitor, screenshots, the
// 360-pixel check and logging in. run.sh sets NODE_URL, EDITOR, PASSWORD, CHROMIUM and
// ARTIFACTS. Each test file calls `useBrowser()` once at its top.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const BASE = process.env.NODE_URL;
export const ARTIFACTS = process.env.ARTIFACTS;
export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 900 };

let browser;
/** Console errors and uncaught exceptions, per page, to assert there are none. */
export const problems = new Map();

/** Launches Chromium before the file's tests and closes it after them. */
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM,
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    });
  });
  after(async () => browser?.close());
}

/** A fresh visitor (no cookies) whose map tiles are answered locally: no network here. */
export async function visitor({ viewport = PHONE, locale = "fr-FR", javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ viewport, locale, javaScriptEnabled });
  // One light grey pixel, stretched over each tile.
  const tile = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4AWP4DwABAQEAG7buVgAAAABJRU5ErkJggg==",
    "base64",
  );
  await context.route(/tile\.openstreetmap\.org/, (route) =>
    route.fulfill({ status: 200, contentType: "image/png", body: tile }),
  );
  const page = await context.newPage();
  const seen = [];
  problems.set(page, seen);
  page.on("console", (m) => m.type() === "error" && seen.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => seen.push(`exception: ${e.message}`));
  page.on("dialog", (d) => {
    seen.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/** The page fits the viewport: nothing wider than the screen. */
export async function assertNoHorizontalScroll(page) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${page.url()} is ${scroll}px wide on a ${width}px screen`);
}

export async function login(page) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Nom d'utilisateur").fill(process.env.EDITOR);
  await page.getByLabel("Mot de passe").fill(process.env.PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL(`${BASE}/manage`);
}

