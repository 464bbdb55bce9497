/* sphinx-spackcache: one spec or package table: its rows and their values, which rows
 * the search and filters keep, their order, and the page of them shown.
 *
 * The search keeps the rows that contain every word of it; each filter that applies to
 * the table (a field no row has cannot) keeps the rows with a matching value. The values
 * of the line of what every row shares count for every row, in the search as in the
 * filters.
 */
(function (spackcache) {
  "use strict";

  var page = spackcache.page;
  var state = spackcache.state;
  var Filter = spackcache.filters.Filter;
  // a filter's values come from the badges of this field (runs-on: the targets)
  var SOURCE = { "runs-on": "target" };
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function Table(table) {
    var self = this;
    this.table = table;
    this.body = table.tBodies[0];
    this.page = 0;
    this.sortColumn = -1;
    this.sortDescending = false;
    this.kind = table.classList.contains("spackcache-specs") ? "spec" : "package";
    this.scroll = table.closest(".spackcache-scroll") || table;
    var shared = this.scroll.classList.contains("spackcache-scroll") ? page.sharedLine(this.scroll) : null;
    this.sharedLine = shared;
    this.shared = shared ? page.valuesIn(shared) : {};
    // the values of the shared line are on every row: the search finds them there too,
    // as a filter on one of them keeps every row
    var sharedText = shared ? Array.prototype.map.call(shared.querySelectorAll(".sd-badge"),
      page.badgeValue).join(" ").toLowerCase() : "";
    // every field some row (or the shared line) has: a filter on another field cannot apply
    this.fields = Object.assign({}, this.shared);
    this.rows = Array.prototype.map.call(this.body.rows, function (row) {
      var values = page.valuesIn(row);
      Object.keys(values).forEach(function (param) { self.fields[param] = true; });
      return { row: row, text: row.textContent.toLowerCase() + "\n" + sharedText, values: values };
    });
    if (this.fields.target) { this.fields["runs-on"] = true; }
    this.original = this.rows.slice();
    var container = table.closest(".spackcache");
    spackcache.controls.build(this, [shared, container && container.querySelector("dl.spackcache-summary")]);
    this.matchbox = this.kind === "spec" ? spackcache.matchbox.attach(this) : null;
  }

  Table.prototype.headings = function () {
    return this.table.tHead.rows[0].cells;
  };

  // ascending, descending, then the original order again
  Table.prototype.sortBy = function (index) {
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
    Array.prototype.forEach.call(this.headings(), function (cell, i) {
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
    var runs = spackcache.cpu.runs();
    return Object.keys(state.filters).filter(function (param) { return self.fields[param]; })
      .map(function (param) { return new Filter(param, state.filters[param], runs); });
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

  // the rows the search, filters and the spec to match keep, in the order shown
  Table.prototype.shownRows = function () {
    var self = this;
    var filters = this.filters();
    var terms = state.terms();
    var kept = this.rows.filter(function (entry) { return self.matches(entry, filters, terms); });
    return this.matchbox ? this.matchbox.keep(kept) : kept;
  };

  // show the page of rows kept, and the controls as they now are
  Table.prototype.render = function () {
    var shown = this.listedRows();
    var size = state.size || Math.max(shown.length, 1);
    var pages = Math.max(1, Math.ceil(shown.length / size));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    var first = this.page * size;
    var visible = new Set(shown.slice(first, first + size));
    this.rows.forEach(function (entry) { entry.row.hidden = !visible.has(entry); });
    visible.forEach(function (entry) {
      if (!entry.filtering) { spackcache.controls.filtering(entry.row); entry.filtering = true; }
    });
    // the rows are ours to show now (spackcache.css hid those past the first page until
    // the pager ran)
    this.table.classList.add("spackcache-paged");
    spackcache.controls.show(this, { shown: shown, pages: pages, first: first, size: size });
    if (this.matchbox) { this.matchbox.show(); }
    if (this.kind === "package") { this.carryFilters(); }
  };

  // the rows listed, in the order shown: those the search, filters and the spec to match
  // keep (render() pages through these)
  Table.prototype.listedRows = function () {
    var shown = this.shownRows();
    return this.matchbox ? this.matchbox.listed(shown) : shown;
  };

  // open the page that holds *row* (a row of this table) and say whether it is shown:
  // false when the search, the filters or the spec to match leave it out
  Table.prototype.showRow = function (row) {
    var listed = this.listedRows();
    for (var i = 0; i < listed.length; i++) {
      if (listed[i].row === row) {
        var size = state.size || Math.max(listed.length, 1);
        this.page = Math.floor(i / size);
        this.render();
        return true;
      }
    }
    return false;
  };

  // links from a package listing to package pages take the filters along
  Table.prototype.carryFilters = function () {
    var query = state.filterQuery().toString();
    Array.prototype.forEach.call(this.body.querySelectorAll("td.spackcache-package a[href]"), function (link) {
      if (!link.dataset.spackcacheHref) { link.dataset.spackcacheHref = link.getAttribute("href"); }
      var href = link.dataset.spackcacheHref;
      var hash = href.indexOf("#");
      var base = hash < 0 ? href : href.slice(0, hash);
      var fragment = hash < 0 ? "" : href.slice(hash);
      link.setAttribute("href", base + (query ? "?" + query : "") + fragment);
    });
  };

  spackcache.Table = Table;
})(window.spackcache = window.spackcache || {});
