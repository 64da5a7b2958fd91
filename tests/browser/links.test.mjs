// The map of links from a phone: an editor offers a partnership between the two
// territories of the node from the management page, accepts it for the other one, and
// the 360-pixel map draws the line (with its legend and the list under it); without
// JavaScript the same link is listed, filtered by kind; the territory page names its
// partner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, problems, useBrowser, visitor, shot, assertNoHorizontalScroll, login } from "./lib.mjs";

useBrowser();

test("a partnership offered and accepted from a phone is a line on the map of links", async () => {
  const page = await visitor();
  await login(page);
  await page.goto(`${BASE}/manage/t/fablab/partnerships`);
  await page.getByLabel("Territoire partenaire").fill("tiers-lieu-niort");
  await page.locator('input[name="themes"][value="social_economy"]').check();
  await page.getByLabel("Description courte").fill("Un repair café itinérant entre Poitiers et Niort");
  await assertNoHorizontalScroll(page);
  await shot(page, "partnerships-offer-phone");
  await page.getByRole("button", { name: "Proposer le partenariat" }).click();
  await page.waitForURL(/\/manage\/t\/fablab\/partnerships\?done=offered$/);
  assert.match(await page.locator(".partnership-offered").textContent(), /La Grange, Niort/);

  // The other territory's editor (an admin edits both) accepts it.
  await page.goto(`${BASE}/manage/t/tiers-lieu-niort/partnerships`);
  await page.getByRole("button", { name: "Accepter" }).click();
  await page.waitForURL(/\?done=accepted$/);
  assert.match(await page.locator(".partnership-active").textContent(), /Fablab de Poitiers/);

  // The map draws it: a line of the partnership's style, the legend, the list under it.
  await page.goto(`${BASE}/map`);
  await page.locator("#map .leaflet-interactive.link-partnership").first().waitFor();
  assert.equal(await page.locator("#map path.link-partnership").count(), 1, "one line");
  const stroke = await page.locator("#map path.link-partnership").getAttribute("stroke");
  assert.equal(stroke, "#b03a2e");
  assert.equal(await page.locator(".link-legend li").count(), 6, "one legend entry per kind");
  const listed = page.locator(".links-list .link-partnership");
  assert.match(await listed.textContent(), /Fablab de Poitiers.*La Grange, Niort|La Grange, Niort.*Fablab de Poitiers/s);
  await assertNoHorizontalScroll(page);
  await shot(page, "links-map-phone");

  // The territory page lists the partner.
  await page.goto(`${BASE}/t/fablab`);
  const partners = page.locator(".territory-partners");
  assert.match(await partners.textContent(), /La Grange, Niort/);
  await assertNoHorizontalScroll(page);
  assert.deepEqual(problems.get(page), []);
});

test("without JavaScript the map's links are listed, filtered by kind and theme", async () => {
  const page = await visitor({ javaScriptEnabled: false });
  await page.goto(`${BASE}/map?kind=partnership&theme=social_economy`);
  assert.equal(await page.locator(".links-list .link-partnership").count(), 1);
  await page.goto(`${BASE}/map?kind=follows`);
  assert.equal(await page.locator(".links-list .item").count(), 0);
  assert.match(await page.locator("#links + p").textContent(), /Aucun lien ne correspond/);
  await assertNoHorizontalScroll(page);
});
