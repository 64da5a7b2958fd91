// Draws the points of every `.map[data-points]` with Leaflet (served by the node), and
// the links between territories of `data-links` as lines, one colour and dash per kind
// (the legend under the map uses the same ones, from rhizome.css).
"use strict";
const LINK_STYLES = {
  partnership: { color: "#b03a2e", dashArray: null },
  call_partner: { color: "#1f618d", dashArray: "10 6" },
  co_organised: { color: "#1e8449", dashArray: "2 6" },
  follows: { color: "#6c3483", dashArray: "12 4 2 4" },
  festival: { color: "#b9770e", dashArray: "6 3" },
  collective: { color: "#117a65", dashArray: "1 4 8 4" },
};
document.addEventListener("DOMContentLoaded", () => {
  if (typeof L === "undefined") return;
  L.Icon.Default.imagePath = "/assets/vendor/leaflet/images/";
  for (const element of document.querySelectorAll(".map[data-points]")) {
    let points;
    try { points = JSON.parse(element.dataset.points); } catch (_) { continue; }
    let links = [];
    try { links = JSON.parse(element.dataset.links || "[]"); } catch (_) { links = []; }
    points = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
    const placed = (end) => end && Number.isFinite(end.lat) && Number.isFinite(end.lon);
    links = links.filter((l) => placed(l.from) && placed(l.to));
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
    const lines = links.map((l) => {
      const style = LINK_STYLES[l.kind] || { color: "#555", dashArray: "3 3" };
      const line = L.polyline([[l.from.lat, l.from.lon], [l.to.lat, l.to.lon]], {
        color: style.color, dashArray: style.dashArray, weight: 4, opacity: 0.85,
        className: "link-line link-" + l.kind,
      }).addTo(map);
      const popup = document.createElement("div");
      popup.textContent = l.from.name + " — " + l.to.name + (l.label ? " · " + l.label : "");
      line.bindPopup(popup);
      return line;
    });
    const layers = markers.concat(lines);
    if (markers.length === 1 && lines.length === 0) map.setView(markers[0].getLatLng(), 14);
    else if (layers.length > 0) map.fitBounds(L.featureGroup(layers).getBounds().pad(0.25), { maxZoom: 13 });
    else map.setView([46.6, 2.4], 5);
  }
});
