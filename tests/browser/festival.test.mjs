// A festival's programme on a phone: a festival gathers two events of two territories
// (created through the API, accepted by its curator), and its page at /t/fete shows the
// counts, the programme by day with the agenda's filters and the map, on a 360-pixel
// screen with no horizontal scroll.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, problems, useBrowser, visitor, shot, assertNoHorizontalScroll } from "./lib.mjs";

useBrowser();

async function api(page, method, path, token, data) {
  const response = await page.request.fetch(`${BASE}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    data: data === undefined ? undefined : JSON.stringify(data),
  });
  const body = await response.json().catch(() => null);
  return { status: response.status(), body };
}

/** A day of the festival: the 10th to the 16th of next month's middle, in Paris. */
function day(offset) {
  const d = new Date(Date.now() + 40 * 86400e3);
  d.setUTCDate(10 + offset);
  return d.toISOString().slice(0, 10);
}

test("a festival's programme reads well on a 360-pixel screen", async () => {
  const page = await visitor();
  const login = await api(page, "POST", "/api/v1/tokens", null, {
    username: process.env.EDITOR,
    password: process.env.PASSWORD,
  });
  assert.equal(login.status, 201, JSON.stringify(login.body));
  const token = login.body.token;
  const created = await api(page, "POST", "/api/v1/festivals", token, {
    slug: "fete",
    name: "Fête des apprentissages du Poitou",
    description: "Une semaine d'ateliers, de balades et de rencontres dans tous les lieux du réseau.",
    starts_on: day(0),
    ends_on: day(6),
    timezone: "Europe/Paris",
    perimeter: { kind: "region", latitude: 46.5, longitude: 0.0, radius_km: 150 },
    curators: [process.env.EDITOR],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const events = [
    ["fablab", "Atelier réparation de vélos et de petits appareils électroménagers", 1, 46.58, 0.34],
    ["tiers-lieu-niort", "Balade sonore dans le marais", 3, 46.32, -0.46],
  ];
  for (const [slug, title, offset, latitude, longitude] of events) {
    const event = await api(page, "POST", `/api/v1/territories/${slug}/events`, token, {
      title,
      starts_at: `${day(offset)}T18:00`,
      ends_at: `${day(offset)}T20:00`,
      capacity: 15,
      place: { name: "Salle commune", address: "Poitou", latitude, longitude },
    });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    const submitted = await api(page, "POST", "/api/v1/festivals/fete/submissions", token, {
      publication: event.body.id,
    });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const decided = await api(page, "POST", `/api/v1/submissions/${submitted.body.id}/decision`, token, {
      accept: true,
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
  }

  await page.goto(`${BASE}/t/fete`);
  assert.equal(await page.locator("h1").textContent(), "Fête des apprentissages du Poitou");
  const counts = await page.locator(".festival-counts").textContent();
  assert.match(counts, /2\s+événements/);
  assert.match(counts, /2\s+territoires/);
  assert.match(counts, /30\s+places offertes/);
  assert.equal(await page.locator(".festival-day").count(), 2, "one heading per day");
  assert.equal(await page.locator("#programme .item").count(), 2);
  await page.locator("#map .leaflet-marker-icon").first().waitFor();
  await assertNoHorizontalScroll(page);
  await shot(page, "festival-programme-phone");

  // The agenda's filters work here too.
  await page.goto(`${BASE}/t/fete?q=balade`);
  assert.equal(await page.locator("#programme .item").count(), 1);
  assert.match(await page.locator("#programme .item").textContent(), /Balade sonore/);
  await assertNoHorizontalScroll(page);
  assert.deepEqual(problems.get(page), []);
});
