/* sphinx-spackcache: search, sort, page and filter spec and package tables.
 *
 * Plain JavaScript, no library and nothing fetched: the tables are complete HTML without
 * it, and this only hides, shows and reorders their rows. A click on a value badge (a
 * version, compiler, OS, platform, target, variant or stack), in a row, in the line of
 * what every row shares or in the package's summary, keeps the rows that have that value.
 * Filters follow the directives' filter options: a value may be a glob (e4s*) and a comma
 * separates alternatives (\, is a comma); different fields must all match. The filters,
 * the search text and the number of rows a page live in the page URL
 * (?stack=e4s*&os=ubuntu22.04&q=cmake), so a filtered view can be linked, and links from
 * a filtered package listing take the filters to the package's page.
 *
 * "My CPU" keeps the binaries that run on the chosen CPU (?runs-on=zen3, as the
 * :runs-on: option), from window.SPACKCACHE_CPUS: which targets run on which CPU,
 * computed from archspec when the site was built (spackcache-cpus.js; never fetched).
 * Each row of a spec table can copy its hash or the command that installs that binary,
 * and "Download CSV" saves the rows the filters keep.
 */
(function () {
  "use strict";

  var PAGE_SIZES = [25, 50, 100, 0]; // 0: all
  var DEFAULT_PAGE_SIZE = 50;
  var TABLES = "table.spackcache-specs, table.spackcache-packages";
  // badge class "spackcache-<field>" -> URL parameter, as the filter options are named
  var FIELDS = {
    version: "version", compiler: "compiler", os: "os", platform: "platform",
    target: "target", variants: "variant", stack: "stack",
  };
  var NAMES = { version: "version", compiler: "compiler", os: "OS", platform: "platform",
                target: "target", variant: "variant", stack: "stack", "runs-on": "CPU" };
  // a filter's values come from the badges of this field (runs-on: the targets)
  var SOURCE = { "runs-on": "target" };
  var CPUS = window.SPACKCACHE_CPUS || null;
  // a spec's hash, as Spack writes it (base32, 32 characters)
  var SPACK_HASH = /^[a-z2-7]{32}$/;
  // the CSV's headings, as the exported files name the fields
  var HEADINGS = { version: "versions", variant: "variants", stack: "stacks" };
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var tables = [];

  // -- filters: the semantics of the directives' filter options -------------------------

  function splitPatterns(text) {
    return text.split(/(?<!\\),/).map(function (part) {
      return part.trim().replace(/\\,/g, ",");
    }).filter(Boolean);
  }

  function globToRegExp(pattern) {
    var source = "";
    for (var i = 0; i < pattern.length; i++) {
      var c = pattern[i];
      if (c === "*") { source += ".*"; }
      else if (c === "?") { source += "."; }
      else if (c === "[") {
        var end = pattern.indexOf("]", i + 2);
        if (end < 0) { source += "\\["; continue; }
        var body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        source += "[" + (body[0] === "!" ? "^" + body.slice(1) : body) + "]";
        i = end;
      } else { source += c.replace(/[.+^${}()|\\\/]/g, "\\$&"); }
    }
    return new RegExp("^" + source + "$");
  }

  function Filter(param, text) {
    this.param = param;
    this.text = text;
    var patterns = splitPatterns(text);
    if (param === "runs-on") {
      // CPU names, not globs: a target passes when it runs on one of them (a CPU the data
      // does not know runs only a target of its own name, as at build time)
      var runs = (CPUS && CPUS.runs) || {};
      this.targets = {};
      patterns.forEach(function (cpu) {
        var known = Object.prototype.hasOwnProperty.call(runs, cpu) && Array.isArray(runs[cpu]);
        (known ? runs[cpu] : [cpu]).forEach(function (target) { this.targets[target] = true; }, this);
      }, this);
      this.patterns = [];
      return;
    }
    if (param === "compiler") {
      patterns = patterns.map(function (p) { return p.replace("@=", "@"); });
    }
    this.patterns = patterns.map(globToRegExp);
  }

  Filter.prototype.matches = function (values) {
    var targets = this.targets;
    if (targets) { return values.some(function (value) { return targets[value] === true; }); }
    var patterns = this.patterns;
    return values.some(function (value) {
      return patterns.some(function (pattern) { return pattern.test(value); });
    });
  };

  // -- state in the URL ----------------------------------------------------------------

  function readState() {
    var query = new URLSearchParams(window.location.search);
    var filters = {};
    Object.keys(NAMES).forEach(function (param) {
      var value = query.get(param);
      if (value) { filters[param] = value; }
    });
    var size = parseInt(query.get("rows"), 10);
    return {
      q: query.get("q") || "",
      filters: filters,
      size: PAGE_SIZES.indexOf(size) >= 0 ? size : DEFAULT_PAGE_SIZE,
    };
  }

  var state = readState();

  function filterQuery() {
    var query = new URLSearchParams();
    Object.keys(state.filters).forEach(function (param) { query.set(param, state.filters[param]); });
    return query;
  }

  function writeState() {
    var query = new URLSearchParams(window.location.search);
    Object.keys(NAMES).forEach(function (param) {
      if (state.filters[param]) { query.set(param, state.filters[param]); }
      else { query.delete(param); }
    });
    if (state.q) { query.set("q", state.q); } else { query.delete("q"); }
    if (state.size !== DEFAULT_PAGE_SIZE) { query.set("rows", state.size); } else { query.delete("rows"); }
    var search = query.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  function setFilter(param, value) {
    if (state.filters[param] === value) { delete state.filters[param]; }
    else { state.filters[param] = value; }
    writeState();
    update();
  }

  // -- reading the page ------------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function badgeParam(badge) {
    for (var i = 0; i < badge.classList.length; i++) {
      var name = badge.classList[i];
      if (name.indexOf("spackcache-") === 0) {
        var param = FIELDS[name.slice("spackcache-".length)];
        if (param) { return param; }
      }
    }
    return null;
  }

  // a stack badge of the summary reads "e4s (4)": the value is the name
  function badgeValue(badge) {
    return badge.textContent.replace(/\u00a0\(\d+\)$/, "").trim();
  }

  // param -> values of the badges in *node*
  function valuesIn(node) {
    var values = {};
    Array.prototype.forEach.call(node.querySelectorAll(".sd-badge"), function (badge) {
      var param = badgeParam(badge);
      if (!param) { return; }
      (values[param] = values[param] || []).push(badgeValue(badge));
    });
    return values;
  }

  // the line above a spec table saying what every row shares, if there is one
  function sharedLine(scroll) {
    var previous = scroll.previousElementSibling;
    return previous && previous.classList.contains("spackcache-shared") ? previous : null;
  }

  function pageBackground(node) {
    for (; node && node.nodeType === 1; node = node.parentElement) {
      var colour = getComputedStyle(node).backgroundColor;
      if (colour && colour !== "transparent" && !/rgba\(.*,\s*0\)$/.test(colour)) { return colour; }
    }
    return getComputedStyle(document.documentElement).backgroundColor || "Canvas";
  }

  // -- one table ---------------------------------------------------------------------------

  function Table(table) {
    var self = this;
    this.table = table;
    this.body = table.tBodies[0];
    this.page = 0;
    this.sortColumn = -1;
    this.sortDescending = false;
    this.kind = table.classList.contains("spackcache-specs") ? "spec" : "package";
    this.scroll = table.closest(".spackcache-scroll") || table;
    var shared = this.scroll.classList.contains("spackcache-scroll") ? sharedLine(this.scroll) : null;
    this.shared = shared ? valuesIn(shared) : {};
    // every field some row (or the shared line) has: a filter on another field cannot apply
    this.fields = Object.assign({}, this.shared);
    this.rows = Array.prototype.map.call(this.body.rows, function (row) {
      var values = valuesIn(row);
      Object.keys(values).forEach(function (param) { self.fields[param] = true; });
      return { row: row, text: row.textContent.toLowerCase(), values: values };
    });
    if (this.fields.target) { this.fields["runs-on"] = true; }
    this.original = this.rows.slice();
    this.container = table.closest(".spackcache");
    this.build([shared, this.container && this.container.querySelector("dl.spackcache-summary")]);
  }

  Table.prototype.build = function (others) {
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
    this.clear.addEventListener("click", clearAll);
    this.count = element("span", "spackcache-count");
    this.count.setAttribute("aria-live", "polite");
    this.pager = element("span", "spackcache-pager");
    this.previous = element("button", "spackcache-previous", "\u2039 Previous");
    this.next = element("button", "spackcache-next", "Next \u203a");
    this.previous.type = this.next.type = "button";
    this.previous.addEventListener("click", function () { self.page -= 1; self.render(); });
    this.next.addEventListener("click", function () { self.page += 1; self.render(); });
    this.size = element("select", "spackcache-size");
    this.size.setAttribute("aria-label", "Rows a page");
    PAGE_SIZES.forEach(function (size) {
      var option = element("option", "", size ? size + " a page" : "all");
      option.value = size;
      self.size.appendChild(option);
    });
    this.size.addEventListener("change", function () {
      state.size = parseInt(self.size.value, 10);
      writeState();
      update();
    });
    [this.previous, this.next, this.size].forEach(function (node) { self.pager.appendChild(node); });
    this.cpu = this.fields["runs-on"] && CPUS ? this.cpuChoice() : null;
    this.download = element("button", "spackcache-download", "Download CSV");
    this.download.type = "button";
    this.download.title = "Save the rows the filters keep as a CSV file";
    this.download.addEventListener("click", function () { self.saveCSV(); });
    [label, this.cpu, this.chips, this.clear, this.count, this.download, this.pager].forEach(function (node) {
      if (node) { controls.appendChild(node); }
    });
    // just before the table it filters (before its scrolling box, and the line of what its
    // rows share, if any)
    var anchor = others[0] || this.scroll;
    anchor.parentElement.insertBefore(controls, anchor);
    this.scroll.style.setProperty("--spackcache-background", pageBackground(this.scroll));

    var headings = this.table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headings, function (cell, index) {
      cell.classList.add("spackcache-sortable");
      cell.tabIndex = 0;
      cell.setAttribute("aria-sort", "none");
      cell.title = "Sort by this column (a third click: the original order)";
      function sort() { self.sortBy(index); }
      cell.addEventListener("click", sort);
      cell.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });

    // badges that filter: in the rows, and in the shared line and summary of this table
    [this.body].concat(others.filter(Boolean)).forEach(function (node) {
      Array.prototype.forEach.call(node.querySelectorAll(".sd-badge"), function (badge) {
        var param = badgeParam(badge);
        if (!param) { return; }
        badge.classList.add("spackcache-filter");
        badge.setAttribute("role", "button");
        badge.tabIndex = 0;
        badge.title = "Show only the rows with " + NAMES[param] + " " + badgeValue(badge);
      });
      node.addEventListener("click", function (event) { self.onBadge(event, node); });
      node.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { self.onBadge(event, node); }
      });
    });

    if (this.kind === "spec") { this.addCopyButtons(); }
    this.empty = element("tr", "spackcache-empty");
    var cell = element("td");
    cell.colSpan = headings.length;
    cell.appendChild(document.createTextNode(this.kind === "spec" ? "No spec matches. " : "No package matches. "));
    var again = element("button", "spackcache-clear-inline", "Clear filters");
    again.type = "button";
    again.addEventListener("click", clearAll);
    cell.appendChild(again);
    this.empty.appendChild(cell);
    this.empty.hidden = true;
    this.body.appendChild(this.empty);
  };

  // "My CPU": the CPUs in their groups (x86_64 levels, Intel, AMD, ARM, Power, RISC-V)
  Table.prototype.cpuChoice = function () {
    var label = element("label", "spackcache-cpu");
    label.appendChild(document.createTextNode("My CPU "));
    var select = element("select");
    select.setAttribute("aria-label", "My CPU: show only the binaries that run on it");
    select.appendChild(element("option", "", "any"));
    select.options[0].value = "";
    CPUS.groups.forEach(function (group) {
      var optgroup = element("optgroup");
      optgroup.label = group[0];
      group[1].forEach(function (name) {
        var option = element("option", "", name);
        option.value = name;
        optgroup.appendChild(option);
      });
      select.appendChild(optgroup);
    });
    select.addEventListener("change", function () {
      if (select.value) { state.filters["runs-on"] = select.value; }
      else { delete state.filters["runs-on"]; }
      writeState();
      update();
    });
    label.appendChild(select);
    this.cpuSelect = select;
    return label;
  };

  // the command that installs one binary by its hash, spelled for the snapshot's Spack
  Table.prototype.installCommand = function (hash) {
    var classes = this.table.classList;
    var only = classes.contains("spackcache-install-cache-only") ? "--cache-only" : "--use-buildcache only";
    var unsigned = classes.contains("spackcache-install-no-check-signature") ? " --no-check-signature" : "";
    return "spack install " + only + unsigned + " /" + hash;
  };

  Table.prototype.addCopyButtons = function () {
    var self = this;
    Array.prototype.forEach.call(this.body.querySelectorAll("td.spackcache-hash"), function (cell) {
      var code = cell.querySelector("code.spackcache-hash");
      if (!code) { return; }
      var hash = code.textContent.trim();
      code.title = hash;
      var buttons = [["spackcache-copy", copyIcon(), "Copy the hash " + hash, hash]];
      // a command only for a real Spack hash: nothing else from the data reaches a shell
      if (SPACK_HASH.test(hash)) {
        var command = self.installCommand(hash);
        buttons.push(["spackcache-copy spackcache-copy-install", promptIcon(),
                      "Copy the command that installs it: " + command, command]);
      }
      // the two buttons one above the other: the column is no wider than for one
      var where = element("span", "spackcache-copies");
      (code.closest("p") || cell).appendChild(where);
      buttons.forEach(function (kind) {
        var button = element("button", kind[0]);
        button.appendChild(kind[1]);
        button.type = "button";
        button.title = kind[2];
        button.setAttribute("aria-label", kind[2]);
        button.addEventListener("click", function (event) {
          event.preventDefault();
          copy(kind[3], button);
        });
        where.appendChild(button);
      });
    });
  };

  // -- CSV of the rows the filters keep ---------------------------------------------------

  // a cell a spreadsheet could run as a formula is made text, as the exports do
  function csvCell(value) {
    if (/^[=@\t\r]/.test(value) || (/^[+-]/.test(value) && !/^[+-][\w.,:=+~@\/ -]*$/.test(value))) {
      value = "'" + value;
    }
    return /[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  Table.prototype.csv = function () {
    var self = this;
    var filters = this.filters();
    var terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var params = Object.keys(FIELDS).map(function (key) { return FIELDS[key]; })
      .filter(function (param) { return self.fields[param]; });
    var first = this.kind === "spec" ? "hash" : "package";
    var headings = params.map(function (param) { return HEADINGS[param] || param; });
    var lines = [[first].concat(headings).map(csvCell).join(",")];
    this.rows.forEach(function (entry) {
      if (!self.matches(entry, filters, terms)) { return; }
      var key = entry.row.querySelector(self.kind === "spec" ? "code.spackcache-hash" : "td.spackcache-package");
      var cells = [key ? key.textContent.trim() : ""];
      params.forEach(function (param) {
        cells.push((entry.values[param] || []).concat(self.shared[param] || []).join(" "));
      });
      lines.push(cells.map(csvCell).join(","));
    });
    return lines.join("\n") + "\n";
  };

  Table.prototype.saveCSV = function () {
    var name = (this.table.caption ? this.table.caption.textContent : "spackcache")
      .replace(/[^\w.@+-]+/g, "-").replace(/^-+|-+$/g, "") || "spackcache";
    var url = URL.createObjectURL(new Blob([this.csv()], { type: "text/csv;charset=utf-8" }));
    var link = element("a");
    link.href = url;
    link.download = name + ".csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  };

  // icons are drawn (no icon font, nothing fetched): a 16x16 picture of stroked shapes
  var SVG = "http://www.w3.org/2000/svg";

  function icon(shapes) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "1em");
    svg.setAttribute("height", "1em");
    svg.setAttribute("aria-hidden", "true");
    shapes.forEach(function (shape) {
      var node = document.createElementNS(SVG, shape[0]);
      Object.keys(shape[1]).forEach(function (name) { node.setAttribute(name, shape[1][name]); });
      node.setAttribute("fill", "none");
      node.setAttribute("stroke", "currentColor");
      node.setAttribute("stroke-width", "1.5");
      svg.appendChild(node);
    });
    return svg;
  }

  // a prompt and a cursor
  function promptIcon() {
    return icon([["path", { d: "M2 4l4 4-4 4M8 13h6", "stroke-linecap": "round",
                            "stroke-linejoin": "round" }]]);
  }

  // two overlapping sheets
  function copyIcon() {
    return icon([["rect", { x: "5", y: "5", width: "9", height: "9", rx: "1.5" }],
                 ["rect", { x: "2", y: "2", width: "9", height: "9", rx: "1.5" }]]);
  }

  function copy(text, button) {
    function done() {
      button.classList.add("spackcache-copied");
      window.setTimeout(function () { button.classList.remove("spackcache-copied"); }, 1200);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(); });
    } else { fallback(); }
    function fallback() {
      var area = element("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } finally { area.remove(); }
    }
  }

  Table.prototype.onBadge = function (event, node) {
    var badge = event.target.closest(".spackcache-filter");
    if (!badge || !node.contains(badge)) { return; }
    event.preventDefault();
    setFilter(badgeParam(badge), badgeValue(badge));
  };

  Table.prototype.sortBy = function (index) {
    // ascending, descending, then the original order again
    if (this.sortColumn === index && this.sortDescending) { this.sortColumn = -1; }
    else if (this.sortColumn === index) { this.sortDescending = true; }
    else { this.sortColumn = index; this.sortDescending = false; }
    var direction = this.sortDescending ? -1 : 1;
    this.rows = this.sortColumn < 0 ? this.original.slice()
      : this.original.slice().sort(function (a, b) {
        var left = a.row.cells[index].textContent.trim();
        var right = b.row.cells[index].textContent.trim();
        return direction * collator.compare(left, right);
      });
    var self = this;
    Array.prototype.forEach.call(this.table.tHead.rows[0].cells, function (cell, i) {
      cell.setAttribute("aria-sort", i !== self.sortColumn ? "none"
        : self.sortDescending ? "descending" : "ascending");
    });
    var body = this.body;
    this.rows.forEach(function (entry) { body.appendChild(entry.row); });
    body.appendChild(this.empty);
    this.page = 0;
    this.render();
  };

  // filters that apply to this table (a field no row has cannot)
  Table.prototype.filters = function () {
    var self = this;
    return Object.keys(state.filters).filter(function (param) { return self.fields[param]; })
      .map(function (param) { return new Filter(param, state.filters[param]); });
  };

  Table.prototype.matches = function (entry, filters, terms) {
    for (var i = 0; i < terms.length; i++) {
      if (entry.text.indexOf(terms[i]) < 0) { return false; }
    }
    for (var j = 0; j < filters.length; j++) {
      var param = filters[j].param;
      var field = SOURCE[param] || param;
      var values = (entry.values[field] || []).concat(this.shared[field] || []);
      if (!filters[j].matches(values)) { return false; }
    }
    return true;
  };

  Table.prototype.render = function () {
    var self = this;
    var filters = this.filters();
    var terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = this.rows.filter(function (entry) { return self.matches(entry, filters, terms); });
    var size = state.size || Math.max(shown.length, 1);
    var pages = Math.max(1, Math.ceil(shown.length / size));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    var first = this.page * size;
    var visible = new Set(shown.slice(first, first + size));
    this.rows.forEach(function (entry) { entry.row.hidden = !visible.has(entry); });
    this.empty.hidden = shown.length > 0;
    this.pager.hidden = this.rows.length <= PAGE_SIZES[0];
    this.previous.hidden = this.next.hidden = pages < 2;
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
    this.size.value = state.size;
    var total = this.rows.length;
    var rows = total === 1 ? " row" : " rows";
    var range = pages > 1
      ? ", " + (first + 1) + "\u2013" + Math.min(first + size, shown.length) + " shown" : "";
    this.count.textContent =
      (shown.length === total ? total + rows : shown.length + " of " + total + rows) + range;
    // the filters, each with a button that removes it; one that cannot apply says why
    this.chips.textContent = "";
    Object.keys(state.filters).forEach(function (param) {
      var active = !!self.fields[param];
      var chip = element("button", "spackcache-chip sd-badge " +
        (active ? "sd-bg-primary sd-bg-text-primary" : "sd-outline-secondary sd-text-secondary spackcache-inactive"),
        NAMES[param] + ": " + state.filters[param] + " \u00d7");
      chip.type = "button";
      chip.title = active ? "Remove this filter"
        : "Not applied: this table has no " + NAMES[param] + ". Remove this filter";
      chip.addEventListener("click", function () {
        delete state.filters[param];
        writeState();
        update();
      });
      self.chips.appendChild(chip);
    });
    this.clear.hidden = !state.q && Object.keys(state.filters).length === 0;
    if (this.cpuSelect) {
      // a value from the address that is not one CPU of the list (two CPUs, an unknown
      // name) is shown as it is, as an option of its own
      var cpu = state.filters["runs-on"] || "";
      var select = this.cpuSelect;
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === cpu; });
      if (!known) {
        var option = element("option", "spackcache-cpu-other", cpu);
        option.value = cpu;
        select.insertBefore(option, select.children[1] || null);
      }
      select.value = cpu;
    }
    if (this.search.value !== state.q) { this.search.value = state.q; }
    if (this.kind === "package") { this.carryFilters(); }
  };

  // links from a package listing to package pages take the filters along
  Table.prototype.carryFilters = function () {
    var query = filterQuery().toString();
    Array.prototype.forEach.call(this.body.querySelectorAll("td.spackcache-package a[href]"), function (link) {
      if (!link.dataset.spackcacheHref) { link.dataset.spackcacheHref = link.getAttribute("href"); }
      var href = link.dataset.spackcacheHref;
      var hash = href.indexOf("#");
      var base = hash < 0 ? href : href.slice(0, hash);
      var fragment = hash < 0 ? "" : href.slice(hash);
      link.setAttribute("href", base + (query ? "?" + query : "") + fragment);
    });
  };

  function clearAll() {
    state.q = "";
    state.filters = {};
    writeState();
    update();
  }

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
