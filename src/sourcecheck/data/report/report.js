/* sourcecheck HTML report: selection, filters and keyboard navigation. Inlined into the page;
   it makes no network request and reads only the JSON block #sc-data and the page itself. All
   the text it shows was rendered (and escaped) by Python: this script only shows and hides. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var data = JSON.parse(document.getElementById("sc-data").textContent);
  var claims = data.claims; // key -> {n, doc, label, cw, checkworthy}
  var order = data.order; // keys in reading order
  var state = { hidden: {}, cw: "all" };
  var selected = null;

  function all(selector, scope) {
    return Array.prototype.slice.call((scope || document).querySelectorAll(selector));
  }
  function one(selector, scope) {
    return (scope || document).querySelector(selector);
  }
  function keysOf(el) {
    return (el.getAttribute("data-claims") || el.getAttribute("data-claim") || "").split(" ").filter(Boolean);
  }
  function visible(key) {
    var c = claims[key];
    if (!c || state.hidden[c.label]) return false;
    if (state.cw === "checkworthy") return c.checkworthy;
    if (state.cw !== "all") return c.cw >= parseFloat(state.cw);
    return true;
  }

  /* Selection: the option in the list, the highlight in the text, the points on the timeline
     and the details panel all follow one selected claim. */
  function select(key, opts) {
    opts = opts || {};
    if (!claims[key]) return;
    selected = key;
    all(".is-selected").forEach(function (el) { el.classList.remove("is-selected"); });
    all('#claim-list [role="option"]').forEach(function (el) {
      el.setAttribute("aria-selected", el.getAttribute("data-claim") === key ? "true" : "false");
    });
    var option = document.getElementById("opt-" + key);
    if (option) {
      setTabStop(one("#claim-list"), option);
      if (!opts.fromList) option.scrollIntoView({ block: "nearest" });
    }
    all("mark.hl").forEach(function (el) {
      if (keysOf(el).indexOf(key) >= 0) el.classList.add("is-selected");
    });
    all('.tl-item[data-claim="' + key + '"]').forEach(function (el) { el.classList.add("is-selected"); });
    var detail = document.getElementById("detail-" + key);
    if (detail) detail.classList.add("is-selected");
    var panel = one(".details");
    if (panel) {
      panel.classList.add("has-selection");
      panel.scrollTop = 0;
    }
    var mark = one('mark.hl[data-claims~="' + key + '"]');
    if (mark && !opts.fromText) mark.scrollIntoView({ block: "center" });
    var status = document.getElementById("status");
    var c = claims[key];
    if (status) status.textContent = "Selected claim " + c.n + ": " + c.name;
  }

  /* Filters: by verdict (the summary buttons) and by check-worthiness (the select). */
  function applyFilters() {
    var shown = 0;
    order.forEach(function (key) {
      var on = visible(key);
      if (on) shown += 1;
      var option = document.getElementById("opt-" + key);
      if (option) option.hidden = !on;
      var detail = document.getElementById("detail-" + key);
      if (detail) detail.classList.toggle("is-filtered", !on);
      all('.tl-item[data-claim="' + key + '"]').forEach(function (el) { el.classList.toggle("is-filtered", !on); });
    });
    all("mark.hl").forEach(function (el) {
      var on = keysOf(el).some(visible);
      el.classList.toggle("is-filtered", !on);
    });
    all(".end-icon[data-claim]").forEach(function (el) {
      el.classList.toggle("is-filtered", !visible(el.getAttribute("data-claim")));
    });
    var showing = document.getElementById("showing");
    if (showing) showing.textContent = "Showing " + shown + " of " + order.length + " claims";
    var list = one("#claim-list");
    if (list) {
      var stop = one('[role="option"][tabindex="0"]', list);
      if (!stop || stop.hidden) {
        var first = one('[role="option"]:not([hidden])', list);
        if (first) setTabStop(list, first);
      }
    }
    var timeline = one("svg.timeline");
    if (timeline) {
      var tstop = one('.tl-item[tabindex="0"]', timeline);
      if (!tstop || tstop.classList.contains("is-filtered")) {
        var tfirst = one(".tl-item:not(.is-filtered)", timeline);
        if (tfirst) setTabStop(timeline, tfirst);
      }
    }
  }

  /* Roving tab stop: one Tab reaches a list, the arrow keys move inside it, Enter selects. */
  function setTabStop(container, item) {
    if (!container || !item) return;
    all("[data-roving]", container).forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    item.setAttribute("tabindex", "0");
  }
  function navigable(container) {
    return all("[data-roving]", container).filter(function (el) {
      return !el.hidden && !el.classList.contains("is-filtered");
    });
  }
  function onKeys(container) {
    if (!container) return;
    container.addEventListener("keydown", function (event) {
      var items = navigable(container);
      var current = event.target.closest ? event.target.closest("[data-roving]") : null;
      var at = items.indexOf(current);
      var next = null;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowRight":
          next = items[Math.min(items.length - 1, at + 1)] || items[0];
          break;
        case "ArrowUp":
        case "ArrowLeft":
          next = items[Math.max(0, at - 1)] || items[0];
          break;
        case "Home":
          next = items[0];
          break;
        case "End":
          next = items[items.length - 1];
          break;
        case "Enter":
        case " ":
          if (current) {
            event.preventDefault();
            select(current.getAttribute("data-claim"), { fromList: true });
          }
          return;
        default:
          return;
      }
      if (next) {
        event.preventDefault();
        setTabStop(container, next);
        next.focus();
        if (next.scrollIntoView) next.scrollIntoView({ block: "nearest" });
      }
    });
    container.addEventListener("click", function (event) {
      var item = event.target.closest ? event.target.closest("[data-roving]") : null;
      if (!item) return;
      setTabStop(container, item);
      select(item.getAttribute("data-claim"), { fromList: true });
    });
  }

  onKeys(one("#claim-list"));
  onKeys(one("svg.timeline"));

  /* A click on a highlight selects its claim; a second click on a sentence that holds several
     claims moves to the next one. */
  all(".doc-text").forEach(function (text) {
    text.addEventListener("click", function (event) {
      var mark = event.target.closest ? event.target.closest("mark.hl") : null;
      if (!mark || mark.classList.contains("is-filtered")) return;
      var keys = keysOf(mark).filter(visible);
      if (!keys.length) return;
      var at = keys.indexOf(selected);
      select(keys[(at + 1) % keys.length], { fromText: true });
    });
  });

  /* References to claims elsewhere (the comparison section). */
  all("button.claim-ref").forEach(function (button) {
    button.addEventListener("click", function () { select(button.getAttribute("data-claim")); });
  });

  all(".summary button[data-label]").forEach(function (button) {
    button.addEventListener("click", function () {
      var label = button.getAttribute("data-label");
      var on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      if (on) delete state.hidden[label];
      else state.hidden[label] = true;
      applyFilters();
    });
  });
  var cw = document.getElementById("cw-filter");
  if (cw) {
    cw.addEventListener("change", function () {
      state.cw = cw.value;
      applyFilters();
    });
  }
  var reset = document.getElementById("reset-filters");
  if (reset) {
    reset.addEventListener("click", function () {
      state.hidden = {};
      state.cw = "all";
      if (cw) cw.value = "all";
      all(".summary button[data-label]").forEach(function (b) { b.setAttribute("aria-pressed", "true"); });
      applyFilters();
    });
  }

  applyFilters();
  var wanted = (location.hash || "").replace(/^#/, "");
  if (claims[wanted]) select(wanted);
})();
