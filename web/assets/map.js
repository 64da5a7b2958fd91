// Draws the points of every `.map[data-points]` with Leaflet (served by the node).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  if (typeof L === "undefined") return;
  L.Icon.Default.imagePath = "/assets/vendor/leaflet/images/";
  for (const element of document.querySelectorAll(".map[data-points]")) {
    let points;
    try { points = JSON.parse(element.dataset.points); } catch (_) { continue; }
    points = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
    element.textContent = "";
    const map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
    const markers = points.map((p) => {
      const marker = L.marker([p.lat, p.lon]).addTo(map);
      const popup = document.createElement("div");
      if (p.url) {
        const link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.label;
        popup.append(link);
      } else {
        popup.textContent = p.label;
      }
      if (p.detail) {
        const detail = document.createElement("div");
        detail.textContent = p.detail;
        popup.append(detail);
      }
      marker.bindPopup(popup);
      return marker;
    });
    if (markers.length === 1) map.setView(markers[0].getLatLng(), 14);
    else if (markers.length > 1) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.25), { maxZoom: 13 });
    else map.setView([46.6, 2.4], 5);
  }
});
