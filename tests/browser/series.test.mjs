// A recurring series from a phone: the event form's "Repeat" section on a 360-pixel
// screen, then every date of the series on the agenda, the series once on the
// territory's page, and the territory's calendar expanded by ical.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { BASE, problems, useBrowser, visitor, shot, assertNoHorizontalScroll, login } from "./lib.mjs";

useBrowser();

/** The first Tuesday at least two days from now, as YYYY-MM-DD (the node is in Paris). */
function nextTuesday() {
  const day = new Date(Date.now() + 2 * 86400e3);
  while (day.getUTCDay() !== 2) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

test("an editor publishes a weekly series from a phone and sees its dates on the agenda", async () => {
  const page = await visitor();
  await login(page);
  await page.goto(`${BASE}/manage/t/fablab/events/new`);
  const first = nextTuesday();
  await page.getByLabel("Titre").fill("Permanence numérique");
  await page.getByLabel("Début").fill(`${first}T14:00`);
  await page.getByLabel("Fin").fill(`${first}T17:00`);
  await page.getByLabel("Lieu").fill("Fablab de Poitiers");
  await page.getByLabel("Adresse").fill("1 rue de la Paix, Poitiers");
  await page.locator('select[name="recurrence.frequency"]').selectOption("weekly");
  await page.locator('input[name="recurrence.weekdays"][value="tuesday"]').check();
  await page.getByLabel("Ou nombre de fois").fill("4");
  await page.locator("#repeat").scrollIntoViewIfNeeded();
  await shot(page, "series-form-phone");
  await assertNoHorizontalScroll(page);
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]+$/);
  assert.equal(await page.locator("h1").textContent(), "Permanence numérique");

  // The agenda lists every date, each at 14:00 in Paris.
  await page.goto(`${BASE}/`);
  const dates = page.locator(".item", { hasText: "Permanence numérique" });
  assert.equal(await dates.count(), 4, "four dates on the agenda");
  for (const text of await dates.allTextContents()) {
    assert.match(text, /mardi .*14:00–17:00/);
  }
  await assertNoHorizontalScroll(page);
  await shot(page, "series-agenda-phone");

  // The territory's page shows the series once, as people say it.
  await page.goto(`${BASE}/t/fablab`);
  const regular = page.locator("#regular").locator("..");
  assert.match(await regular.textContent(), /tous les mardis, 14:00–17:00/);
  await assertNoHorizontalScroll(page);
  assert.deepEqual(problems.get(page), []);
});

test("the territory's calendar holds the series once, and ical.js expands it at 14:00 in Paris", async () => {
  const page = await visitor();
  const response = await page.request.get(`${BASE}/t/fablab/calendar.ics`);
  assert.equal(response.status(), 200);
  const calendar = new ICAL.Component(ICAL.parse(await response.text()));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const events = calendar
    .getAllSubcomponents("vevent")
    .map((v) => new ICAL.Event(v))
    .filter((e) => e.summary === "Permanence numérique");
  assert.equal(events.length, 1, "one VEVENT for the whole series");
  const [series] = events;
  assert.ok(series.isRecurring());
  assert.match(series.uid, /\/series\/[0-9a-f-]+$/);
  const dates = [];
  const it = series.iterator();
  for (let next = it.next(); next; next = it.next()) dates.push(next);
  assert.equal(dates.length, 4, "COUNT=4");
  for (const d of dates) {
    const local = series.getOccurrenceDetails(d).startDate;
    assert.equal(local.zone.tzid, "Europe/Paris");
    assert.match(local.toString(), /T14:00:00$/);
    assert.equal(local.dayOfWeek(), ICAL.Time.TUESDAY);
    // Paris is UTC+1 in winter and UTC+2 in summer: the instant follows the zone.
    const utcHour = local.toJSDate().getUTCHours();
    assert.equal(utcHour, 14 - local.utcOffset() / 3600);
  }
  assert.deepEqual(problems.get(page), []);
});
