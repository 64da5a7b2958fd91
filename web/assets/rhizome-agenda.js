// <rhizome-agenda src="https://node.example" territory="fablab" limit="5"></rhizome-agenda>
//
// Shows the upcoming events of a Rhizome node (or of one of its territories), read from
// its /widget/agenda.json. Remote text only ever goes in through textContent, never as
// HTML. Dates are the event's local time, written in the browser's language.
// SPDX-License-Identifier: AGPL-3.0-or-later
(function () {
  "use strict";
  if (!window.customElements || customElements.get("rhizome-agenda")) return;

  // Where this script came from: the default node.
  var scriptOrigin = "";
  try {
    if (document.currentScript && document.currentScript.src) {
      scriptOrigin = new URL(document.currentScript.src).origin;
    }
  } catch (e) { /* keep the default */ }

  var FILTERS = ["territory", "limit", "theme", "language", "q", "near", "from", "to"];

  var STYLE =
    ":host { display: block; font: inherit; }" +
    "ul { list-style: none; margin: 0; padding: 0; }" +
    "li { padding: .45em 0; border-bottom: 1px solid rgba(128,128,128,.3); }" +
    "a { font-weight: 600; color: inherit; }" +
    ".meta { display: block; opacity: .75; font-size: .9em; }" +
    ".status { font-weight: 600; text-transform: uppercase; font-size: .8em; margin-right: .4em; }" +
    ".more { display: inline-block; margin-top: .5em; font-weight: normal; font-size: .9em; }";

  function safeUrl(value, base) {
    try {
      var url = new URL(value, base);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function when(item) {
    var start = new Date(item.starts_at);
    var end = new Date(item.ends_at);
    if (isNaN(start)) return "";
    var options = { dateStyle: "full", timeStyle: "short" };
    if (item.timezone) options.timeZone = item.timezone;
    var format;
    try {
      format = new Intl.DateTimeFormat(undefined, options);
    } catch (e) {
      delete options.timeZone;
      format = new Intl.DateTimeFormat(undefined, options);
    }
    if (typeof format.formatRange === "function" && !isNaN(end)) {
      return format.formatRange(start, end);
    }
    return format.format(start);
  }

  class RhizomeAgenda extends HTMLElement {
    static get observedAttributes() {
      return ["src"].concat(FILTERS);
    }

    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      this.generation = 0;
    }

    connectedCallback() {
      this.schedule();
    }

    attributeChangedCallback() {
      if (this.isConnected) this.schedule();
    }

    // Attributes arrive one by one when the element is created: fetch once, after them.
    schedule() {
      if (this.pending) return;
      this.pending = true;
      var self = this;
      Promise.resolve().then(function () {
        self.pending = false;
        self.load();
      });
    }

    endpoint() {
      var base = safeUrl(this.getAttribute("src") || scriptOrigin || location.origin);
      if (!base) return null;
      var url = new URL("/widget/agenda.json", base);
      FILTERS.forEach(function (name) {
        var value = this.getAttribute(name);
        if (value) url.searchParams.set(name, value);
      }, this);
      return url;
    }

    show(nodes) {
      var style = el("style", null, STYLE);
      this.root.replaceChildren.apply(this.root, [style].concat(nodes));
    }

    load() {
      var url = this.endpoint();
      var generation = ++this.generation;
      var self = this;
      if (!url) {
        this.show([el("p", null, "rhizome-agenda: invalid src")]);
        return;
      }
      fetch(url.href, { mode: "cors", credentials: "omit" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (agenda) {
          if (generation === self.generation) self.render(agenda, url);
        })
        .catch(function (error) {
          if (generation === self.generation) {
            self.show([el("p", null, "Agenda indisponible (" + error.message + ")")]);
          }
        });
    }

    render(agenda, url) {
      var items = Array.isArray(agenda.items) ? agenda.items : [];
      var nodes = [];
      if (items.length === 0) {
        nodes.push(el("p", null, "Aucun événement à venir."));
      } else {
        var list = el("ul");
        items.forEach(function (item) {
          var li = el("li");
          if (item.status === "cancelled" || item.status === "postponed") {
            li.appendChild(el("span", "status", item.status === "cancelled" ? "annulé" : "reporté"));
          }
          var href = safeUrl(item.url, url);
          var title = el(href ? "a" : "span", null, String(item.title || ""));
          if (href) {
            title.href = href;
            title.target = "_blank";
            title.rel = "noopener";
          }
          li.appendChild(title);
          var time = el("time", "meta", when(item));
          time.dateTime = String(item.starts_at || "");
          li.appendChild(time);
          li.appendChild(el("span", "meta", String(item.where || "")));
          list.appendChild(li);
        });
        nodes.push(list);
      }
      var more = safeUrl(agenda.more, url);
      if (more) {
        var link = el("a", "more", "Tout l’agenda · " + String(agenda.title || ""));
        link.href = more;
        link.target = "_blank";
        link.rel = "noopener";
        nodes.push(link);
      }
      this.show(nodes);
    }
  }

  customElements.define("rhizome-agenda", RhizomeAgenda);
})();
