/* sphinx-spackcache: what a reader works a table with, and what it shows of the state.
 *
 * Above each table: the search, "My CPU", the filters (each a chip that removes it),
 * "Clear filters", the count of rows, "Download CSV" and the pages. In the table: column
 * headings that sort, value badges (in the rows, the line of what the rows share and the
 * package's summary) that filter, and a row that says when no row is left.
 */
(function (spackcache) {
  "use strict";

  var page = spackcache.page;
  var element = page.element;
  var state = spackcache.state;

  function button(className, text, onClick) {
    var node = element("button", className, text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  // Enter and the space bar work a heading or badge as a click does
  function onActivate(node, listener) {
    node.addEventListener("click", listener);
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { listener(event); }
    });
  }

  function searchBox(table) {
    var label = element("label", "spackcache-search");
    var search = element("input");
    search.type = "search";
    search.placeholder = "Search this table";
    search.setAttribute("aria-label", "Search " + (table.table.caption ? table.table.caption.textContent : "the table"));
    search.value = state.q;
    search.addEventListener("input", function () { state.setSearch(search.value); });
    label.appendChild(search);
    return label;
  }

  function pager(table, controls) {
    var box = element("span", "spackcache-pager");
    controls.previous = button("spackcache-previous", "\u2039 Previous", function () {
      table.page -= 1;
      table.render();
    });
    controls.next = button("spackcache-next", "Next \u203a", function () {
      table.page += 1;
      table.render();
    });
    var size = controls.size = element("select", "spackcache-size");
    size.setAttribute("aria-label", "Rows a page");
    state.PAGE_SIZES.forEach(function (rows) {
      var option = element("option", "", rows ? rows + " a page" : "all");
      option.value = rows;
      size.appendChild(option);
    });
    size.addEventListener("change", function () { state.setPageSize(parseInt(size.value, 10)); });
    [controls.previous, controls.next, size].forEach(function (node) { box.appendChild(node); });
    return box;
  }

  // the row of controls, just before the table it works (before its scrolling box, and
  // the line of what its rows share, if any)
  function controlsRow(table, before) {
    var controls = {};
    var row = element("div", "spackcache-controls");
    controls.search = searchBox(table);
    controls.cpu = table.fields["runs-on"] ? spackcache.cpu.choice() : null;
    controls.chips = element("span", "spackcache-chips");
    controls.clear = button("spackcache-clear", "Clear filters", state.clear);
    controls.count = element("span", "spackcache-count");
    controls.count.setAttribute("aria-live", "polite");
    controls.download = button("spackcache-download", "Download CSV", function () {
      spackcache.csv.save(table);
    });
    controls.download.title = "Save the rows the filters keep as a CSV file";
    controls.pager = pager(table, controls);
    [controls.search, controls.cpu, controls.chips, controls.clear, controls.count,
     controls.download, controls.pager].forEach(function (node) {
      if (node) { row.appendChild(node); }
    });
    before.parentElement.insertBefore(row, before);
    return controls;
  }

  // the column headings sort: ascending, descending, then the original order again
  function sortableHeadings(table) {
    Array.prototype.forEach.call(table.headings(), function (cell, index) {
      cell.classList.add("spackcache-sortable");
      cell.tabIndex = 0;
      cell.setAttribute("aria-sort", "none");
      cell.title = "Sort by this column (a third click: the original order)";
      onActivate(cell, function (event) {
        if (event.type === "keydown") { event.preventDefault(); }
        table.sortBy(index);
      });
    });
  }

  // the value badges in *nodes* keep the rows with their value
  function filteringBadges(nodes) {
    nodes.forEach(function (node) {
      Array.prototype.forEach.call(node.querySelectorAll(".sd-badge"), function (badge) {
        var param = page.badgeParam(badge);
        if (!param) { return; }
        badge.classList.add("spackcache-filter");
        badge.setAttribute("role", "button");
        badge.tabIndex = 0;
        badge.title = "Show only the rows with " + state.NAMES[param] + " " + page.badgeValue(badge);
      });
      onActivate(node, function (event) {
        var badge = event.target.closest(".spackcache-filter");
        if (!badge || !node.contains(badge)) { return; }
        event.preventDefault();
        state.toggleFilter(page.badgeParam(badge), page.badgeValue(badge));
      });
    });
  }

  // the row shown when the filters leave none
  function emptyRow(table) {
    var row = element("tr", "spackcache-empty");
    var cell = element("td");
    cell.colSpan = table.headings().length;
    cell.appendChild(document.createTextNode(table.kind === "spec" ? "No spec matches. " : "No package matches. "));
    cell.appendChild(button("spackcache-clear-inline", "Clear filters", state.clear));
    row.appendChild(cell);
    row.hidden = true;
    return row;
  }

  // everything above for *table* (a Table of table.js); *others*: the line
  // of what its rows share and the package's summary, where there are
  function build(table, others) {
    table.controls = controlsRow(table, others[0] || table.scroll);
    table.scroll.style.setProperty("--spackcache-background", page.pageBackground(table.scroll));
    sortableHeadings(table);
    filteringBadges([table.body].concat(others.filter(Boolean)));
    if (table.kind === "spec") { spackcache.copy.addButtons(table); }
    table.empty = emptyRow(table);
    table.body.appendChild(table.empty);
  }

  // the filters, each with a button that removes it; one that cannot apply says why
  function chips(table, box) {
    box.textContent = "";
    Object.keys(state.filters).forEach(function (param) {
      var active = !!table.fields[param];
      var chip = button("spackcache-chip sd-badge " +
        (active ? "sd-bg-primary sd-bg-text-primary" : "sd-outline-secondary sd-text-secondary spackcache-inactive"),
        state.NAMES[param] + ": " + state.filters[param] + " \u00d7",
        function () { state.setFilter(param, ""); });
      chip.title = active ? "Remove this filter"
        : "Not applied: this table has no " + state.NAMES[param] + ". Remove this filter";
      box.appendChild(chip);
    });
  }

  // the controls as the state and *view* (Table.render's rows and pages) say
  function show(table, view) {
    var controls = table.controls;
    var total = table.rows.length;
    var shown = view.shown.length;
    table.empty.hidden = shown > 0;
    controls.pager.hidden = total <= state.PAGE_SIZES[0];
    controls.previous.hidden = controls.next.hidden = view.pages < 2;
    controls.previous.disabled = table.page === 0;
    controls.next.disabled = table.page >= view.pages - 1;
    controls.size.value = state.size;
    var rows = total === 1 ? " row" : " rows";
    var range = view.pages > 1
      ? ", " + (view.first + 1) + "\u2013" + Math.min(view.first + view.size, shown) + " shown" : "";
    controls.count.textContent = (shown === total ? total + rows : shown + " of " + total + rows) + range;
    chips(table, controls.chips);
    controls.clear.hidden = !state.q && Object.keys(state.filters).length === 0;
    if (controls.cpu) { spackcache.cpu.show(controls.cpu); }
    var search = controls.search.querySelector("input");
    if (search.value !== state.q) { search.value = state.q; }
  }

  spackcache.controls = { build: build, show: show };
})(window.spackcache = window.spackcache || {});
