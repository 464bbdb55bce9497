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
 *   start.js        this: every table of the page, kept in step with the state
 */
(function (spackcache) {
  "use strict";

  var TABLES = "table.spackcache-specs, table.spackcache-packages";
  var tables = [];

  // the state changed: every table from its first page
  function update() {
    tables.forEach(function (table) { table.page = 0; table.render(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(TABLES), function (table) {
      if (table.tHead && table.tBodies.length) { tables.push(new spackcache.Table(table)); }
    });
    spackcache.state.onChange(update);
    update();
    spackcache.fit.watch(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(window.spackcache = window.spackcache || {});
