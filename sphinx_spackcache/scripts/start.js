/* sphinx-spackcache: search, sort, page and filter spec and package tables.
 *
 * Plain JavaScript, no library and nothing fetched: the tables are complete HTML without
 * it, and this only hides, shows and reorders their rows. The page loads one file,
 * _static/spackcache.js, which the build joins (sphinx_spackcache/writers/assets.py) from
 * the CPU data and these sources of sphinx_spackcache/scripts/, in this order; they
 * share the object window.spackcache:
 *
 *   (the CPU data)  window.SPACKCACHE_CPUS, computed at build time from archspec
 *   filters.js      the rules of the filter options (as data/query.py)
 *   match.js        the spec syntax and matcher of "Match a spec" (as data/match.py)
 *   state.js        the filters, search and page size, in the page address
 *   page.js         reading the badges the extension wrote
 *   cpu.js          "My CPU"
 *   matchbox.js     "Match a spec" (with match.js)
 *   copy.js         copying a hash or its install command
 *   csv.js          "Download CSV"
 *   controls.js     the controls, sortable headings and filtering badges
 *   table.js        one table: its rows, which are kept, sorted and shown
 *   fit.js          "+N" only where it saves room
 *   start.js        this: every table of the page, kept in step with the state, and
 *                   the page of a table that holds the row the address names (#spec-<hash>)
 */
(function (spackcache) {
  "use strict";

  var TABLES = "table.spackcache-specs, table.spackcache-packages";
  var tables = [];

  // the state changed: every table from its first page
  function update() {
    tables.forEach(function (table) { table.page = 0; table.render(); });
  }

  // the row of a spec table that the address's fragment names: #spec-<hash> (each row's
  // id, site/rows.py), or a bare hash, whole or its first 7 characters or more (#u5uz3dc:
  // the first row whose id starts with spec-u5uz3dc)
  function targetRow() {
    var id = window.location.hash.slice(1);
    try { id = decodeURIComponent(id); } catch (error) { /* as it is */ }
    if (!id) { return null; }
    var found = document.getElementById(id);
    if (!found && /^[a-z0-9]{7,32}$/.test(id)) {
      found = document.querySelector('table.spackcache-specs tr[id^="spec-' + id + '"]');
    }
    return found && found.tagName === "TR" ? found : null;
  }

  // the address names a row: open the page of the pager that holds it (clearing a search
  // or filters that hide it) and bring it into view; spackcache.css marks it (:target)
  function reveal() {
    var row = targetRow();
    if (!row) { return; }
    if (window.location.hash !== "#" + row.id) {
      // a bare hash: go to the row's own id (:target then marks it; hashchange returns here)
      window.location.replace("#" + row.id);
      return;
    }
    var table = tables.filter(function (each) { return each.body === row.parentNode; })[0];
    if (!table) { return; }
    if (!table.showRow(row) && (spackcache.state.q || Object.keys(spackcache.state.filters).length)) {
      spackcache.state.clear();
      table.showRow(row);
    }
    if (!row.hidden) { row.scrollIntoView({ block: "center" }); }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(TABLES), function (table) {
      if (table.tHead && table.tBodies.length) { tables.push(new spackcache.Table(table)); }
    });
    spackcache.state.onChange(update);
    update();
    spackcache.fit.watch(document);
    reveal();
    window.addEventListener("hashchange", reveal);
    // a click on a link to the row the address already names changes no hash: reveal it
    // again all the same (the reader may have paged or filtered since)
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href*='#']");
      if (link && link.hash && link.hash === window.location.hash &&
          link.pathname === window.location.pathname) {
        window.setTimeout(reveal, 0);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(window.spackcache = window.spackcache || {});
