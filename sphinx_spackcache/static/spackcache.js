/* sphinx-spackcache: search, sort, page and filter spec and package tables.
 *
 * Plain JavaScript, no library and nothing fetched: the tables are complete HTML without
 * it, and this only hides, shows and reorders their rows. A click on a badge in a
 * version, compiler, OS, platform, target or stack cell keeps the rows that have that
 * value in that column; the filters and the search text live in the page URL
 * (?stack=e4s&os=ubuntu22.04&q=cmake), so a filtered view can be linked.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 50;
  var TABLES = "table.spackcache-specs, table.spackcache-packages";
  // column key (cell class "spackcache-<key>") -> URL parameter, as the filter options
  var PARAMS = {
    version: "version", versions: "version",
    compiler: "compiler", compilers: "compiler",
    os: "os", oss: "os",
    platform: "platform", platforms: "platform",
    target: "target", targets: "target",
    stacks: "stack",
  };
  var NAMES = { version: "version", compiler: "compiler", os: "OS", platform: "platform",
                target: "target", stack: "stack" };
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var tables = [];

  function columnKey(cell) {
    for (var i = 0; i < cell.classList.length; i++) {
      var name = cell.classList[i];
      if (name.indexOf("spackcache-") === 0) { return name.slice("spackcache-".length); }
    }
    return null;
  }

  function readState() {
    var query = new URLSearchParams(window.location.search);
    var filters = {};
    Object.keys(NAMES).forEach(function (param) {
      var value = query.get(param);
      if (value) { filters[param] = value; }
    });
    return { q: query.get("q") || "", filters: filters };
  }

  var state = readState();

  function writeState() {
    var query = new URLSearchParams(window.location.search);
    Object.keys(NAMES).forEach(function (param) {
      if (state.filters[param]) { query.set(param, state.filters[param]); }
      else { query.delete(param); }
    });
    if (state.q) { query.set("q", state.q); } else { query.delete("q"); }
    var search = query.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function Table(table) {
    this.table = table;
    this.body = table.tBodies[0];
    this.page = 0;
    this.sortColumn = -1;
    this.sortDescending = false;
    this.columns = Array.prototype.map.call(table.tHead.rows[0].cells, columnKey);
    this.rows = Array.prototype.map.call(this.body.rows, function (row) {
      var values = {};
      Array.prototype.forEach.call(row.cells, function (cell) {
        var param = PARAMS[columnKey(cell)];
        if (!param) { return; }
        values[param] = Array.prototype.map.call(
          cell.querySelectorAll(".sd-badge"), function (badge) { return badge.textContent.trim(); });
      });
      return { row: row, text: row.textContent.toLowerCase(), values: values };
    });
    this.original = this.rows.slice();
    this.build();
  }

  Table.prototype.build = function () {
    var self = this;
    var controls = element("div", "spackcache-controls");
    var label = element("label", "spackcache-search");
    var search = element("input");
    search.type = "search";
    search.placeholder = "Search this table";
    search.setAttribute("aria-label", "Search " + (this.table.caption ? this.table.caption.textContent : "the table"));
    search.value = state.q;
    search.addEventListener("input", function () {
      state.q = search.value;
      writeState();
      update();
    });
    label.appendChild(search);
    this.search = search;
    this.chips = element("span", "spackcache-chips");
    this.clear = element("button", "spackcache-clear", "Clear filters");
    this.clear.type = "button";
    this.clear.addEventListener("click", function () {
      state = { q: "", filters: {} };
      writeState();
      update();
    });
    this.count = element("span", "spackcache-count");
    this.count.setAttribute("aria-live", "polite");
    this.pager = element("span", "spackcache-pager");
    this.previous = element("button", "spackcache-previous", "\u2039 Previous");
    this.next = element("button", "spackcache-next", "Next \u203a");
    this.previous.type = this.next.type = "button";
    this.previous.addEventListener("click", function () { self.page -= 1; self.render(); });
    this.next.addEventListener("click", function () { self.page += 1; self.render(); });
    this.pager.appendChild(this.previous);
    this.pager.appendChild(this.next);
    [label, this.chips, this.clear, this.count, this.pager].forEach(function (node) {
      controls.appendChild(node);
    });
    // just before the table it filters (before its scrolling wrapper, if any)
    var anchor = this.table.parentElement.classList.contains("spackcache-scroll")
      ? this.table.parentElement : this.table;
    anchor.parentElement.insertBefore(controls, anchor);

    Array.prototype.forEach.call(this.table.tHead.rows[0].cells, function (cell, index) {
      cell.classList.add("spackcache-sortable");
      cell.tabIndex = 0;
      cell.setAttribute("aria-sort", "none");
      cell.title = "Sort by this column";
      function sort() { self.sortBy(index); }
      cell.addEventListener("click", sort);
      cell.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });

    this.body.addEventListener("click", function (event) { self.onBadge(event); });
    this.body.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { self.onBadge(event); }
    });
    this.rows.forEach(function (entry) {
      Array.prototype.forEach.call(entry.row.cells, function (cell) {
        var param = PARAMS[columnKey(cell)];
        if (!param) { return; }
        Array.prototype.forEach.call(cell.querySelectorAll(".sd-badge"), function (badge) {
          badge.classList.add("spackcache-filter");
          badge.setAttribute("role", "button");
          badge.tabIndex = 0;
          badge.title = "Show only the rows with " + NAMES[param] + " " + badge.textContent.trim();
        });
      });
    });
  };

  Table.prototype.onBadge = function (event) {
    var badge = event.target.closest(".spackcache-filter");
    if (!badge || !this.body.contains(badge)) { return; }
    event.preventDefault();
    var param = PARAMS[columnKey(badge.closest("td"))];
    var value = badge.textContent.trim();
    if (state.filters[param] === value) { delete state.filters[param]; }
    else { state.filters[param] = value; }
    writeState();
    update();
  };

  Table.prototype.sortBy = function (index) {
    if (this.sortColumn === index) { this.sortDescending = !this.sortDescending; }
    else { this.sortColumn = index; this.sortDescending = false; }
    var direction = this.sortDescending ? -1 : 1;
    this.rows = this.original.slice().sort(function (a, b) {
      var left = a.row.cells[index].textContent.trim();
      var right = b.row.cells[index].textContent.trim();
      return direction * collator.compare(left, right);
    });
    var self = this;
    Array.prototype.forEach.call(this.table.tHead.rows[0].cells, function (cell, i) {
      cell.setAttribute("aria-sort", i !== index ? "none"
        : self.sortDescending ? "descending" : "ascending");
    });
    var body = this.body;
    this.rows.forEach(function (entry) { body.appendChild(entry.row); });
    this.page = 0;
    this.render();
  };

  Table.prototype.matches = function (entry) {
    var terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    for (var i = 0; i < terms.length; i++) {
      if (entry.text.indexOf(terms[i]) < 0) { return false; }
    }
    for (var param in state.filters) {
      if (!(param in entry.values)) { continue; } // a column this table does not have
      if (entry.values[param].indexOf(state.filters[param]) < 0) { return false; }
    }
    return true;
  };

  Table.prototype.render = function () {
    var self = this;
    var shown = this.rows.filter(function (entry) { return self.matches(entry); });
    var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    var first = this.page * PAGE_SIZE;
    var visible = new Set(shown.slice(first, first + PAGE_SIZE));
    this.rows.forEach(function (entry) { entry.row.hidden = !visible.has(entry); });
    this.pager.hidden = shown.length <= PAGE_SIZE;
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
    var total = this.rows.length;
    var rows = total === 1 ? " row" : " rows";
    var range = pages > 1
      ? ", " + (first + 1) + "\u2013" + Math.min(first + PAGE_SIZE, shown.length) + " shown" : "";
    this.count.textContent =
      (shown.length === total ? total + rows : shown.length + " of " + total + rows) + range;
    // the active filters, each with a button that removes it
    this.chips.textContent = "";
    Object.keys(state.filters).forEach(function (param) {
      var chip = element("button", "spackcache-chip sd-badge sd-bg-primary sd-bg-text-primary",
                         NAMES[param] + ": " + state.filters[param] + " \u00d7");
      chip.type = "button";
      chip.title = "Remove this filter";
      chip.addEventListener("click", function () {
        delete state.filters[param];
        writeState();
        update();
      });
      self.chips.appendChild(chip);
    });
    this.clear.hidden = !state.q && Object.keys(state.filters).length === 0;
    if (this.search.value !== state.q) { this.search.value = state.q; }
  };

  function update() {
    tables.forEach(function (table) { table.page = 0; table.render(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(TABLES), function (table) {
      if (table.tHead && table.tBodies.length) { tables.push(new Table(table)); }
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
