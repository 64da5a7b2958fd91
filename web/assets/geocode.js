// The place fields of the event and territory forms: a map on which a click sets the
// latitude and longitude, and the geocoder's places (`data-endpoint`) to pick from. The
// typed fields and the server-side "find" button keep working without this script.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll(".geocode")) {
    const form = box.closest("form");
    if (!form) continue;
    const field = (name) => form.querySelector(`[name="${name}"]`);
    const lat = field("place.latitude");
    const lon = field("place.longitude");
    if (!lat || !lon) continue;
    const answer = box.querySelector(".geocode-answer");
    const read = (input) => parseFloat(String(input.value).replace(",", "."));
    let map = null;
    let marker = null;
    const place = (la, lo, zoom) => {
      lat.value = String(Math.round(la * 1e6) / 1e6);
      lon.value = String(Math.round(lo * 1e6) / 1e6);
      if (!map) return;
      if (marker) marker.setLatLng([la, lo]);
      else marker = L.marker([la, lo]).addTo(map);
      if (zoom) map.setView([la, lo], zoom, { animate: false });
    };
    if (typeof L !== "undefined") {
      const mapBox = box.querySelector(".geocode-map-box");
      mapBox.hidden = false;
      L.Icon.Default.imagePath = "/assets/vendor/leaflet/images/";
      map = L.map(mapBox.querySelector(".geocode-map"), { scrollWheelZoom: false });
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
      const [la, lo] = [read(lat), read(lon)];
      if (Number.isFinite(la) && Number.isFinite(lo)) {
        marker = L.marker([la, lo]).addTo(map);
        map.setView([la, lo], 15);
      } else {
        map.setView([46.6, 2.4], 5);
      }
      map.on("click", (event) => place(event.latlng.lat, event.latlng.lng, null));
      for (const input of [lat, lon]) {
        input.addEventListener("change", () => {
          const [a, b] = [read(lat), read(lon)];
          if (Number.isFinite(a) && Number.isFinite(b)) place(a, b, 15);
        });
      }
    }
    const find = box.querySelector(".geocode-find");
    if (!find || !box.dataset.endpoint) continue;
    // With the script, "find" asks without sending the form, and Enter still saves.
    find.type = "button";
    const say = (text, error) => {
      answer.textContent = "";
      const p = document.createElement("p");
      p.className = error ? "error" : "notice";
      p.textContent = text;
      answer.append(p);
    };
    find.addEventListener("click", async () => {
      const typed = (name) => (field(name) && field(name).value.trim()) || "";
      const q = typed("place.address") || typed("place.name");
      let response;
      let body;
      try {
        response = await fetch(`${box.dataset.endpoint}?q=${encodeURIComponent(q)}`, {
          headers: { accept: "application/json" },
          credentials: "same-origin",
        });
        body = await response.json();
      } catch (_) {
        say(box.dataset.failed, true);
        return;
      }
      if (!response.ok) {
        say((body && body.error) || box.dataset.failed, true);
        return;
      }
      const results = Array.isArray(body.results) ? body.results : [];
      if (!results.length) {
        say(box.dataset.none, true);
        return;
      }
      say(box.dataset.results, false);
      const list = document.createElement("ul");
      list.className = "geocode-results";
      for (const r of results) {
        if (!Number.isFinite(r.lat) || !Number.isFinite(r.lon)) continue;
        const item = document.createElement("li");
        item.textContent = `${r.label} `;
        const use = document.createElement("button");
        use.type = "button";
        use.className = "link";
        use.textContent = box.dataset.use;
        use.addEventListener("click", () => place(r.lat, r.lon, 16));
        item.append(use);
        list.append(item);
      }
      answer.append(list);
    });
  }
});
