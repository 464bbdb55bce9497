/* sphinx-spackcache: what the reader chose, kept in the page address.
 *
 * The filters, the search text and the number of rows a page
 * (?stack=e4s*&os=ubuntu22.04&q=cmake&rows=25), so that a filtered view can be linked.
 * Every table of the page shows the same state: a change is written to the address and
 * then told to each function given to onChange (start.js renders the tables again).
 */
(function (spackcache) {
  "use strict";

  var PAGE_SIZES = [25, 50, 100, 0]; // 0: all
  var DEFAULT_PAGE_SIZE = 50;
  // the filters' URL parameters (the directives' filter options) and how they are said
  var NAMES = { version: "version", compiler: "compiler", os: "OS", platform: "platform",
                target: "target", variant: "variant", stack: "stack", "runs-on": "CPU" };
  var listeners = [];

  function read() {
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

  var state = read();

  function write() {
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

  function changed() {
    write();
    listeners.forEach(function (listener) { listener(); });
  }

  // the filters alone, as a query string for links to other pages
  state.filterQuery = function () {
    var query = new URLSearchParams();
    Object.keys(state.filters).forEach(function (param) { query.set(param, state.filters[param]); });
    return query;
  };

  // the words of the search text, each of which a row must contain
  state.terms = function () {
    return state.q.toLowerCase().split(/\s+/).filter(Boolean);
  };

  // a click on a badge: keep the rows with that value, or, a second time, all of them
  state.toggleFilter = function (param, value) {
    if (state.filters[param] === value) { delete state.filters[param]; }
    else { state.filters[param] = value; }
    changed();
  };

  // "" removes the filter
  state.setFilter = function (param, value) {
    if (value) { state.filters[param] = value; }
    else { delete state.filters[param]; }
    changed();
  };

  state.setSearch = function (text) {
    state.q = text;
    changed();
  };

  state.setPageSize = function (size) {
    state.size = size;
    changed();
  };

  state.clear = function () {
    state.q = "";
    state.filters = {};
    changed();
  };

  state.onChange = function (listener) { listeners.push(listener); };

  state.PAGE_SIZES = PAGE_SIZES;
  state.NAMES = NAMES;
  spackcache.state = state;
})(window.spackcache = window.spackcache || {});
