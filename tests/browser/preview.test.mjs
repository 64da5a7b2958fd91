// Link previews and places found, in a real browser: an editor finds an event's place
// from its address (run.sh's geocoder answers as Nominatim), with and without JavaScript,
// moves it by a click on the form's map, publishes it with a title that holds
// `</script>`, and Chromium reads the page's OpenGraph, Twitter-card and JSON-LD tags: the
// date in the event's zone with its offset, the place, nothing run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, problems, useBrowser, visitor, shot, assertNoHorizontalScroll, login } from "./lib.mjs";

useBrowser();

const TITLE = "Café réparation </script><script>window.__xss=1</script> & co";

test("the form finds the place from its address, a click on its map moves it, and its page previews with date and place", async () => {
  // Without JavaScript, "find" posts the form and the node fills the coordinates in.
  const plain = await visitor({ javaScriptEnabled: false });
  await login(plain);
  await plain.goto(`${BASE}/manage/t/fablab/events/new`);
  await plain.getByLabel("Titre").fill("Sans script");
  await plain.getByLabel("Adresse").fill("1 rue de la Paix, Poitiers");
  await plain.getByRole("button", { name: "Trouver les coordonnées depuis l'adresse" }).click();
  await plain.waitForLoadState();
  assert.equal(await plain.getByLabel("Latitude").inputValue(), "46.5802596");
  assert.equal(await plain.getByLabel("Titre").inputValue(), "Sans script", "typed values are kept");
  assert.equal(await plain.locator(".geocode-results li").count(), 2);
  await plain.getByRole("button", { name: "Prendre ce lieu" }).nth(1).click();
  await plain.waitForLoadState();
  assert.equal(await plain.getByLabel("Latitude").inputValue(), "46.5833");
  // Enter in a field still means "save" (here refused: the dates are missing).
  await plain.getByLabel("Titre").press("Enter");
  await plain.waitForLoadState();
  assert.equal(await plain.locator("#error-summary").count(), 1, "the form was saved, not searched");
  assert.equal(await plain.getByLabel("Latitude").inputValue(), "46.5833");
  // Chromium logs the deliberate 422 as a failed load; nothing else may appear.
  assert.deepEqual(problems.get(plain).filter((p) => !p.includes("status of 422")), []);

  // With JavaScript: the places found to pick from, and a map to click.
  const page = await visitor();
  await login(page);
  await page.goto(`${BASE}/manage/t/fablab/events/new`);
  await page.getByLabel("Titre").fill(TITLE);
  await page.getByLabel("Début").fill("2031-06-10T18:00");
  await page.getByLabel("Fin").fill("2031-06-10T20:00");
  await page.getByLabel("Lieu").fill("La Fabrique");
  await page.getByLabel("Adresse").fill("1 rue de la Paix, Poitiers");
  const map = page.locator(".geocode-map.leaflet-container");
  await map.waitFor();
  await page.getByRole("button", { name: "Trouver les coordonnées depuis l'adresse" }).click();
  await page.locator(".geocode-results li").nth(1).waitFor();
  assert.match(await page.locator(".geocode-results li").first().textContent(), /Rue de la Paix, Poitiers/);
  assert.equal(new URL(page.url()).pathname, "/manage/t/fablab/events/new", "the form was not sent");
  await page.getByRole("button", { name: "Prendre ce lieu" }).nth(1).click();
  assert.equal(await page.getByLabel("Latitude").inputValue(), "46.5833");
  assert.equal(await page.getByLabel("Longitude").inputValue(), "0.3333");
  assert.equal(await page.locator(".geocode-map .leaflet-marker-icon").count(), 1, "a marker on the place");
  await assertNoHorizontalScroll(page);
  // A click on the map (clear of its zoom buttons) moves the place there; the map is
  // centred on the place, so the click lands north-west of it.
  await map.click({ position: { x: 80, y: 20 } });
  const latitude = Number(await page.getByLabel("Latitude").inputValue());
  const longitude = Number(await page.getByLabel("Longitude").inputValue());
  assert.ok(latitude > 46.5833 && longitude < 0.3333, `north-west of the centre: ${latitude}, ${longitude}`);
  assert.ok(Math.abs(latitude - 46.5833) < 0.05 && Math.abs(longitude - 0.3333) < 0.05, `${latitude}, ${longitude}`);
  await shot(page, "form-map-phone");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]+$/);
  const eventUrl = page.url();
  assert.deepEqual(problems.get(page), []);

  const reader = await visitor();
  await reader.goto(eventUrl);
  const head = await reader.evaluate(() => {
    const meta = (name) =>
      document.querySelector(`meta[property="${name}"], meta[name="${name}"]`)?.getAttribute("content") ?? null;
    const ld = [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => JSON.parse(s.textContent));
    return {
      title: meta("og:title"),
      description: meta("og:description"),
      url: meta("og:url"),
      type: meta("og:type"),
      locale: meta("og:locale"),
      site: meta("og:site_name"),
      card: meta("twitter:card"),
      ld,
      xss: window.__xss ?? null,
      scripts: [...document.scripts].filter((s) => !s.src && s.type !== "application/ld+json").length,
    };
  });
  assert.equal(head.xss, null, "nothing of the title ran");
  assert.equal(head.scripts, 0, "no inline script came from the title");
  assert.equal(head.title, TITLE);
  assert.match(head.description, /mardi 10 juin 2031, 18:00–20:00 \(Europe\/Paris\)/);
  assert.match(head.description, /La Fabrique, 1 rue de la Paix, Poitiers/);
  assert.equal(head.url, eventUrl);
  assert.equal(head.type, "article");
  assert.equal(head.locale, "fr_FR");
  assert.equal(head.site, "Réseau des territoires apprenants");
  assert.equal(head.card, "summary");
  assert.equal(head.ld.length, 1);
  const event = head.ld[0];
  assert.equal(event["@type"], "Event");
  assert.equal(event.name, TITLE);
  assert.equal(event.startDate, "2031-06-10T18:00:00+02:00");
  assert.equal(event.endDate, "2031-06-10T20:00:00+02:00");
  assert.equal(event.location["@type"], "Place");
  assert.equal(event.location.name, "La Fabrique");
  assert.equal(event.location.address.streetAddress, "1 rue de la Paix, Poitiers");
  assert.ok(Math.abs(event.location.geo.latitude - latitude) < 1e-6, "the clicked place");
  assert.equal(event.organizer[0].name, "Fablab de Poitiers");
  assert.deepEqual(problems.get(reader), []);

  // The territory's page previews as an Organization.
  await reader.goto(`${BASE}/t/fablab`);
  const org = await reader.evaluate(() =>
    JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent),
  );
  assert.equal(org["@type"], "Organization");
  assert.equal(org.name, "Fablab de Poitiers");
  assert.equal(org.geo.latitude, 46.58);
});
