// Small enhancements; every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Copy buttons (hidden until this script runs, since they need it).
  for (const button of document.querySelectorAll("button.copy[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        const label = button.textContent;
        button.textContent = "✓";
        setTimeout(() => { button.textContent = label; }, 1500);
      } catch (_) { /* clipboard refused: the text stays selectable */ }
    });
  }
  // Event times: add the visitor's own time when their zone differs from the event's.
  for (const time of document.querySelectorAll("time.local-time[data-zone]")) {
    const visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!visitorZone || visitorZone === time.dataset.zone) continue;
    const start = new Date(time.dateTime);
    if (isNaN(start)) continue;
    const format = new Intl.DateTimeFormat(document.documentElement.lang, {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    });
    const note = document.createElement("span");
    note.className = "meta visitor-time";
    note.textContent = " (" + format.format(start) + ")";
    time.after(note);
  }
  // Ask before deleting.
  for (const form of document.querySelectorAll("form.confirm[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // Move focus to a form's error summary so screen readers hear it.
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
