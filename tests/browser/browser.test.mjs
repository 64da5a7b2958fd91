// Rhizome's pages in a real browser: Debian's Chromium, headless, driven by playwright-core.
// run.sh starts a node (NODE_URL) with an admin (EDITOR/PASSWORD) and two territories, and
// a Fedify peer that follows the fablab and replies to its next event with hostile HTML.
import { test } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { BASE, ARTIFACTS, PHONE, DESKTOP, problems, useBrowser, visitor, shot, assertNoHorizontalScroll, login } from "./lib.mjs";

// The event the peer waits for (tests/interop/peer.mjs checks its name, start and place).
const EVENT = { title: "Atelier interop", start: "2031-05-06T18:00", end: "2031-05-06T20:00" };

useBrowser();
let eventPath;

test("an editor logs in and publishes an event with a place from a phone", async () => {
  const page = await visitor();
  await login(page);
  await shot(page, "manage-phone");
  await page.getByRole("link", { name: "Nouvel événement" }).first().click();
  await page.getByLabel("Titre").fill(EVENT.title);
  await page.getByLabel("Début").fill(EVENT.start);
  // A mistake first: the end before the start.
  await page.getByLabel("Fin").fill("2031-05-06T17:00");
  await page.getByLabel("Lieu").fill("Fablab de Poitiers");
  await page.getByLabel("Adresse").fill("1 rue de la Paix, Poitiers");
  await page.getByLabel("Latitude").fill("46.5802");
  await page.getByLabel("Longitude").fill("0.3404");
  await page.getByLabel("Nombre de places").fill("12");
  await page.getByLabel("Inscription", { exact: true }).selectOption("open");
  await page.getByLabel("Description", { exact: true }).fill("Apportez vos **objets** cassés.");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator("#error-summary").count(), 1, "the form shows its error");
  assert.equal(await page.getByLabel("Titre").inputValue(), EVENT.title, "typed values are kept");
  assert.equal(await page.locator(".field.invalid #ends_at").count(), 1, "the error is on the end field");
  await shot(page, "form-error-phone");
  await assertNoHorizontalScroll(page);
  // Chromium logs the deliberate 422 as a failed load; nothing else may appear.
  const seen = problems.get(page);
  assert.deepEqual(seen.filter((p) => !p.includes("status of 422")), []);
  seen.length = 0;

  await page.getByLabel("Fin").fill(EVENT.end);
  // A photo, with its description for people who cannot see it.
  await page.locator("#image-file").setInputFiles(
    new URL("../../web/assets/vendor/leaflet/images/layers-2x.png", import.meta.url).pathname,
  );
  await page.getByLabel("Description de la photo").fill("Des outils sur un établi");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]+$/);
  eventPath = new URL(page.url()).pathname;
  assert.equal(await page.locator("h1").textContent(), EVENT.title);
  assert.equal(await page.locator("figure img").getAttribute("alt"), "Des outils sur un établi");
  assert.match(await page.locator(".facts").textContent(), /mardi 6 mai 2031, 18:00–20:00 \(Europe\/Paris\)/);
  await page.waitForSelector("#map.leaflet-container .leaflet-marker-icon");
  await shot(page, "event-editor-phone");
  await assertNoHorizontalScroll(page);
  assert.deepEqual(problems.get(page), []);
});

/** A tiny valid PDF: one empty page. */
const TINY_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

test("an editor fills every field of a call and a resource from a phone, with a PDF", async () => {
  const page = await visitor();
  await login(page);
  await page.goto(`${BASE}/manage/t/fablab/calls/new`);
  await assertNoHorizontalScroll(page);
  await page.getByLabel("Type d'appel").selectOption("project");
  await page.getByLabel("Titre").fill("Un atelier mobile pour les villages");
  await page.getByLabel("Objectifs").fill("Former des jeunes\nOuvrir un atelier");
  await page.getByLabel("Compétences ou rôles recherchés").fill("soudure, électronique");
  await page.getByLabel("Date limite").fill("2031-06-30");
  await page.getByLabel("Lieu de la portée").fill("Poitiers");
  await page.getByLabel("Latitude").fill("46.58");
  await page.getByLabel("Longitude").fill("0.34");
  await page.getByLabel("Rayon (km)").fill("30");
  await page.getByLabel("État").selectOption("in_progress");
  await page.getByLabel("Résultat").fill("Deux ateliers **ouverts**");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForURL(/\/calls\/[0-9a-f-]+$/);
  assert.equal(await page.locator(".skills li").count(), 2);
  assert.match(await page.locator(".call-facts").textContent(), /30 km/);
  assert.equal(await page.locator(".objectives li").count(), 2);
  assert.match(await page.locator(".outcome").textContent(), /ouverts/);
  await shot(page, "call-phone");
  await assertNoHorizontalScroll(page);

  await page.goto(`${BASE}/manage/t/fablab/resources/new`);
  await page.getByLabel("Titre").fill("Guide imprimable");
  await page.getByLabel("Type de ressource").selectOption("toolkit");
  await page.getByLabel("Licence", { exact: true }).selectOption({ label: "CC BY-SA 4.0" });
  await page.getByLabel("Niveau").selectOption("beginner");
  await page.getByLabel("12-17 ans").check();
  await page.getByLabel("Liens").fill("https://example.org/guide Le guide en ligne");
  await page.locator("#attachments-file").setInputFiles({
    name: "guide.pdf",
    mimeType: "application/pdf",
    buffer: TINY_PDF,
  });
  await page.getByLabel("Nom du document").fill("Le guide en PDF");
  await assertNoHorizontalScroll(page);
  await shot(page, "resource-form-phone");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForURL(/\/resources\/[0-9a-f-]+$/);
  assert.equal((await page.locator(".badge.licence").textContent()).trim(), "CC BY-SA 4.0");
  assert.match(await page.locator(".resource-facts").textContent(), /12-17 ans/);
  const attachment = page.locator(".attachments a");
  assert.equal((await attachment.textContent()).trim(), "Le guide en PDF");
  const download = await page.request.get(await attachment.getAttribute("href"));
  assert.equal(download.status(), 200);
  assert.equal(download.headers()["content-type"], "application/pdf");
  assert.match(download.headers()["content-disposition"], /^attachment/);
  assert.equal(download.headers()["x-content-type-options"], "nosniff");
  assert.deepEqual(Buffer.from(await download.body()), TINY_PDF);
  await shot(page, "resource-phone");
  await assertNoHorizontalScroll(page);
  assert.deepEqual(problems.get(page), []);
});

test("the event is on the agenda and in the iCal feed", async () => {
  assert.ok(eventPath, "published by the previous test");
  const page = await visitor({ viewport: DESKTOP });
  await page.goto(`${BASE}/events`);
  await page.getByRole("link", { name: EVENT.title }).waitFor();
  await shot(page, "agenda-desktop");
  await page.goto(`${BASE}/`);
  await page.getByRole("link", { name: EVENT.title }).first().waitFor();
  await shot(page, "home-desktop");

  const response = await page.request.get(`${BASE}/calendar.ics`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()["content-type"], /^text\/calendar/);
  const calendar = new ICAL.Component(ICAL.parse(await response.text()));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const events = calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  const ours = events.find((e) => e.summary === EVENT.title);
  assert.ok(ours, `the feed lists ${EVENT.title}: ${events.map((e) => e.summary)}`);
  assert.equal(ours.startDate.zone.tzid, "Europe/Paris");
  assert.equal(ours.startDate.toString(), "2031-05-06T18:00:00");
  assert.equal(ours.startDate.toJSDate().toISOString(), "2031-05-06T16:00:00.000Z");
  assert.match(ours.location, /Fablab de Poitiers/);
  assert.equal(ours.uid, `${BASE}${eventPath}`);
  assert.deepEqual(problems.get(page), []);
});

test("the visitor switches language and the choice sticks", async () => {
  const page = await visitor({ viewport: DESKTOP });
  await page.goto(`${BASE}/t/fablab`);
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  await page.getByRole("link", { name: "English" }).click();
  await page.waitForURL(`${BASE}/t/fablab`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.ok(await page.getByRole("heading", { name: "Follow this territory" }).isVisible());
  await shot(page, "territory-english-desktop");
  await page.goto(`${BASE}/`);
  assert.equal(await page.getAttribute("html", "lang"), "en", "the cookie keeps the choice");
  assert.deepEqual(problems.get(page), []);
});

test("the Arabic home page reads right to left", async () => {
  const page = await visitor({ viewport: DESKTOP, locale: "ar" });
  await page.goto(`${BASE}/`);
  assert.equal(await page.getAttribute("html", "lang"), "ar");
  assert.equal(await page.getAttribute("html", "dir"), "rtl");
  const layout = await page.evaluate(() => {
    const items = [...document.querySelectorAll("header.site nav li")];
    const box = (e) => e.getBoundingClientRect();
    return {
      direction: getComputedStyle(document.body).direction,
      headingAlign: getComputedStyle(document.querySelector("main h1, main h2")).textAlign,
      first: box(items[0]),
      last: box(items[items.length - 1]),
      brand: box(document.querySelector("header.site .brand")),
      width: window.innerWidth,
    };
  });
  assert.equal(layout.direction, "rtl");
  assert.ok(["start", "right"].includes(layout.headingAlign), `headings align ${layout.headingAlign}`);
  // The nav's first item (the agenda) is on the right, the next ones to its left; the
  // node's name starts the header, on the right too.
  assert.ok(layout.first.left > layout.last.left, "the nav runs right to left");
  assert.ok(layout.brand.left > layout.width / 2, "the node's name is on the right");
  // Nothing hidden past the start edge widens the page (the skip link once did, on the left).
  await assertNoHorizontalScroll(page);
  await shot(page, "home-arabic-desktop");
  assert.deepEqual(problems.get(page), []);
});

test("the map page opens without errors and shows territories", async () => {
  const page = await visitor({ viewport: DESKTOP });
  await page.goto(`${BASE}/map`);
  await page.waitForSelector("#map.leaflet-container");
  await page.waitForFunction(() => document.querySelectorAll("#map .leaflet-marker-icon").length >= 2);
  await shot(page, "map-desktop");
  assert.deepEqual(problems.get(page), [], "no console error on the map page");
  const phone = await visitor();
  await phone.goto(`${BASE}/map`);
  await phone.waitForSelector("#map.leaflet-container");
  await assertNoHorizontalScroll(phone);
  await shot(phone, "map-phone");
  assert.deepEqual(problems.get(phone), []);
});

test("a visitor registers for the event, with and without JavaScript", async () => {
  assert.ok(eventPath);
  const page = await visitor();
  await page.goto(`${BASE}${eventPath}`);
  await page.getByLabel("Votre nom").fill("Alice Martin");
  await page.getByLabel("Votre adresse e-mail").fill("alice@example.org");
  await page.getByRole("button", { name: "M'inscrire" }).click();
  await page.waitForSelector(".notice-accepted");
  assert.match(await page.locator(".facts").textContent(), /11 places restantes/);
  await shot(page, "event-registered-phone");
  assert.deepEqual(problems.get(page), []);

  const noScript = await visitor({ javaScriptEnabled: false });
  await noScript.goto(`${BASE}${eventPath}`);
  await noScript.getByLabel("Votre nom").fill("Bob");
  await noScript.getByLabel("Votre adresse e-mail").fill("bob@example.org");
  await noScript.getByRole("button", { name: "M'inscrire" }).click();
  await noScript.waitForSelector(".notice-accepted");
  assert.match(await noScript.locator(".facts").textContent(), /10 places restantes/);
});

test("a hostile reply from the fediverse is shown without running", async () => {
  assert.ok(eventPath);
  const page = await visitor({ viewport: DESKTOP });
  const deadline = Date.now() + 60_000;
  for (;;) {
    await page.goto(`${BASE}${eventPath}`);
    if ((await page.locator(".comment").count()) > 0) break;
    assert.ok(Date.now() < deadline, "the peer's reply never arrived");
    await page.waitForTimeout(500);
  }
  assert.match(await page.locator(".comment").first().textContent(), /Bonjour du fédivers/);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, "no injected code ran");
  assert.equal(await page.locator(".comment script, .comment [onerror], .comment a[href^='javascript:']").count(), 0);
  await shot(page, "event-comments-desktop");
  assert.deepEqual(problems.get(page), []);
});

test("a call is answered by a visitor (held) and by an editor for a territory", async () => {
  // The call, published through the API by the editor.
  const json = (path, body, token) =>
    fetch(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const { body: issued } = await json("/api/v1/tokens", { username: process.env.EDITOR, password: process.env.PASSWORD });
  const { status, body: call } = await json(
    "/api/v1/territories/tiers-lieu-niort/calls",
    { type: "partners", title: "Partenaires pour la fête de la Grange", description: "Stands, musique, repas." },
    issued.token,
  );
  assert.equal(status, 201);
  const callPath = new URL(call.url).pathname;

  // A visitor answers from a phone: the answer is held, the call shows nothing of it.
  const page = await visitor();
  await page.goto(`${BASE}${callPath}`);
  await page.getByLabel("Votre nom").fill("Inès Moreau");
  await page.getByLabel("Votre adresse e-mail").fill("ines@example.org");
  await page.getByLabel("Votre message").fill("Je peux tenir un stand de réparation.");
  await page.getByLabel("Ce que vous proposez").fill("Un barnum et des outils");
  await assertNoHorizontalScroll(page);
  await shot(page, "call-answer-form-phone");
  await page.getByRole("button", { name: "Envoyer la réponse" }).click();
  assert.match(await page.locator(".notice").textContent(), /attend les responsables/);
  await page.goto(`${BASE}${callPath}`);
  assert.doesNotMatch(await page.locator("main").textContent(), /Inès Moreau/);
  assert.deepEqual(problems.get(page), []);

  // The editor answers for the fablab, chosen among the territories they edit.
  const editor = await visitor();
  await login(editor);
  await editor.goto(`${BASE}${callPath}`);
  await editor.getByLabel("Répondre au nom de").selectOption("fablab");
  await editor.getByLabel("Votre message").fill("Le fablab apporte ses imprimantes.");
  await editor.getByRole("button", { name: "Envoyer la réponse" }).click();
  assert.match(await editor.locator(".notice").textContent(), /envoyée/);

  // The call's editors accept the visitor in /manage: she is a partner on the call's page.
  await editor.goto(`${BASE}/manage/t/tiers-lieu-niort/answers`);
  const visitorAnswer = editor.locator(".answer").filter({ hasText: "Inès Moreau" });
  assert.match(await visitorAnswer.textContent(), /ines@example.org/);
  await visitorAnswer.getByRole("button", { name: "Accepter" }).click();
  assert.match(await editor.locator(".notice").textContent(), /acceptée/);
  await assertNoHorizontalScroll(editor);
  await shot(editor, "manage-answers-phone");
  await page.goto(`${BASE}${callPath}`);
  assert.match(await page.locator(".partners").textContent(), /Inès Moreau/);
  assert.doesNotMatch(await page.locator(".partners").textContent(), /Fablab/);
  assert.deepEqual(problems.get(editor), []);
});

test("the main pages fit a 360-pixel screen and read without JavaScript", async () => {
  const page = await visitor({ javaScriptEnabled: false });
  for (const path of ["/", "/t/fablab", eventPath, "/events", "/resources", "/calls", "/network", "/map", "/login"]) {
    const response = await page.goto(`${BASE}${path}`);
    assert.equal(response.status(), 200, path);
    assert.ok((await page.locator("main h1").count()) === 1, `${path} has one h1`);
    await assertNoHorizontalScroll(page);
  }
  await page.goto(`${BASE}/`);
  await shot(page, "home-phone");
  await page.goto(`${BASE}/t/fablab`);
  await shot(page, "territory-phone");
});
