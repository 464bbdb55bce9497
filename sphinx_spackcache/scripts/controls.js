/* sphinx-spackcache: what a reader works a table with, and what it shows of the state.
 *
 * Above each table, a row of controls that keep their places whatever the state: the
 * search, "My CPU", "Download CSV" and the pages (a group that wraps as one); under them,
 * the line of the count of rows, the filters (each a chip that removes it) and "Clear
 * filters". Below the table, the pages again (a long table's end is far from its top):
 * the two pagers show the same state and work alike. In the table: column headings that
 * sort, value badges (in the rows, the line of what the rows share and the package's
 * summary) that filter, and a row that says when no row is left.
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

  // the table's name: its caption's text without what a theme adds to it (the link to
  // the caption, "¶" or an icon font's glyph such as U+F0C1 in sphinx-rtd-theme)
  function tableName(table) {
    var caption = table.table.caption;
    if (!caption) { return ""; }
    var copy = caption.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("a.headerlink, .headerlink"), function (link) {
      link.remove();
    });
    return copy.textContent.replace(/[\uE000-\uF8FF\u00b6]/g, "").replace(/\s+/g, " ").trim();
  }

  function searchBox(table) {
    var label = element("label", "spackcache-search");
    var search = element("input");
    search.type = "search";
    search.placeholder = "Search this table";
    search.setAttribute("aria-label", "Search " + (tableName(table) || "the table"));
    search.value = state.q;
    search.addEventListener("input", function () { state.setSearch(search.value); });
    label.appendChild(search);
    return label;
  }

  // the pages of *table*: "where" says which of its two pagers (above or below it), in
  // the names a screen reader gives them
  function pager(table, where) {
    var name = tableName(table);
    var box = element("nav", "spackcache-pager");
    box.setAttribute("aria-label", "Pages of " + (name || "the table") + ", " + where + " the table");
    var parts = { box: box };
    // (aria-disabled rather than disabled: the button keeps the focus on the last page)
    function turn(by) {
      return function (event) {
        if (event.currentTarget.getAttribute("aria-disabled") === "true") { return; }
        table.page += by;
        table.render();
      };
    }
    parts.previous = button("spackcache-previous", "\u2039 Previous", turn(-1));
    parts.next = button("spackcache-next", "Next \u203a", turn(1));
    var size = parts.size = element("select", "spackcache-size");
    size.setAttribute("aria-label", "Rows a page (" + where + " the table)");
    state.PAGE_SIZES.forEach(function (rows) {
      var option = element("option", "", rows ? rows + " a page" : "all");
      option.value = rows;
      size.appendChild(option);
    });
    size.addEventListener("change", function () { state.setPageSize(parseInt(size.value, 10)); });
    [parts.previous, parts.next, size].forEach(function (node) { box.appendChild(node); });
    return parts;
  }

  // the row of controls, just before the table it works (before its scrolling box, and
  // the line of what its rows share, if any)
  function controlsRow(table, before) {
    var controls = {};
    var row = element("div", "spackcache-controls");
    // the controls: what is in this line depends on the table alone, never on the state
    var bar = element("div", "spackcache-bar");
    var tools = element("div", "spackcache-tools");
    controls.search = searchBox(table);
    controls.cpu = table.fields["runs-on"] ? spackcache.cpu.choice() : null;
    controls.download = button("spackcache-download", "Download CSV", function () {
      spackcache.csv.save(table);
    });
    controls.download.title = "Save the rows the filters keep as a CSV file";
    [controls.search, controls.cpu].forEach(function (node) {
      if (node) { tools.appendChild(node); }
    });
    // the pages, above the table and below it
    controls.pagers = [pager(table, "above"), pager(table, "below")];
    bar.appendChild(tools);
    bar.appendChild(controls.pagers[0].box);
    // the state: the count, the filters and "Clear filters", on a line of their own
    // and "Download CSV", at the end of that line, in a column of its own
    var status = element("div", "spackcache-status");
    var line = element("div", "spackcache-status-line");
    controls.count = element("span", "spackcache-count");
    controls.count.setAttribute("aria-live", "polite");
    controls.chips = element("span", "spackcache-chips");
    controls.clear = button("spackcache-clear", "Clear filters", state.clear);
    [controls.count, controls.chips, controls.clear].forEach(function (node) { line.appendChild(node); });
    status.appendChild(line);
    status.appendChild(controls.download);
    row.appendChild(bar);
    row.appendChild(status);
    before.parentElement.insertBefore(row, before);
    var below = element("div", "spackcache-below");
    below.appendChild(controls.pagers[1].box);
    table.scroll.parentElement.insertBefore(below, table.scroll.nextSibling);
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

  // the value badges in *node* made buttons that keep the rows with their value
  function filtering(node) {
    Array.prototype.forEach.call(node.querySelectorAll(".sd-badge"), function (badge) {
      var param = page.badgeParam(badge);
      if (!param) { return; }
      badge.classList.add("spackcache-filter");
      badge.setAttribute("role", "button");
      badge.tabIndex = 0;
      badge.title = "Show only the rows with " + state.NAMES[param] + " " + page.badgeValue(badge);
    });
  }

  // the value badges in *nodes* keep the rows with their value; those of *later* (a
  // table's body) are made buttons row by row as the pager shows them (Table.render):
  // all at once took a third of a second on a page of 6,734 specs
  function filteringBadges(nodes, later) {
    nodes.forEach(function (node) {
      if (node !== later) { filtering(node); }
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
    filteringBadges([table.body].concat(others.filter(Boolean)), table.body);
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
    // a table of one page's rows has no pager; the others keep theirs whatever the
    // filters leave (Previous and Next disabled where there is no other page)
    controls.pagers.forEach(function (parts) {
      parts.box.hidden = total <= state.PAGE_SIZES[0];
      parts.previous.setAttribute("aria-disabled", String(table.page === 0));
      parts.next.setAttribute("aria-disabled", String(table.page >= view.pages - 1));
      parts.size.value = state.size;
    });
    controls.pagers[1].box.parentElement.hidden = controls.pagers[1].box.hidden;
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

  spackcache.controls = { build: build, show: show, filtering: filtering };
})(window.spackcache = window.spackcache || {});
