/* sphinx-spackcache: what the reader chose, kept in the page address.
 *
 * The filters, the search text, the spec to match (matchbox.js) and the number of rows a
 * page (?stack=e4s*&os=ubuntu22.04&q=cmake&rows=25&match=cmake@3.31+ownlibs), so that a
 * filtered view can be linked.
 * Every table of the page shows the same state: a change is written to the address and
 * then told to each function given to onChange (start.js renders the tables again).
 *
 * A "+" in a filter or the spec to match is a plus, as Spack writes a variant (?variant=+atomic, typed by
 * hand, keeps the rows with +atomic; a form's "+ for a space" would read " atomic"); in
 * the search text it is a space, as a search box's form writes it (?q=amzn2+aarch64).
 * What is written back is percent-encoded where it must be, so a value reads back as
 * it was ("+" stays "+", a space in a filter is %20, a plus in the search is %2B).
 */
(function (spackcache) {
  "use strict";

  var PAGE_SIZES = [25, 50, 100, 0]; // 0: all
  var DEFAULT_PAGE_SIZE = 50;
  // the filters' URL parameters (the directives' filter options) and how they are said
  var NAMES = { version: "version", compiler: "compiler", os: "OS", platform: "platform",
                target: "target", variant: "variant", stack: "stack", "runs-on": "CPU" };
  var listeners = [];
  // characters a filter's value keeps as they are in the address (Spack's spelling:
  // +shared, gcc@11.4.0, cxxstd=17, libs:=shared,static, a glob's *)
  var PLAIN = { "%2B": "+", "%40": "@", "%3D": "=", "%3A": ":", "%2C": ",", "%2F": "/" };

  function decode(text) {
    try { return decodeURIComponent(text); } catch (error) { return text; }
  }

  // the address's parameters, name -> value (the first of a name wins, as
  // URLSearchParams.get): "+" is a plus but in the search text, where it is a space
  function parameters(search) {
    var found = {};
    search.replace(/^\?/, "").split("&").forEach(function (pair) {
      if (!pair) { return; }
      var at = pair.indexOf("=");
      var name = decode((at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, " "));
      var raw = at < 0 ? "" : pair.slice(at + 1);
      if (Object.prototype.hasOwnProperty.call(found, name)) { return; }
      found[name] = decode(name === "q" ? raw.replace(/\+/g, " ") : raw);
    });
    return found;
  }

  // *value* as the address holds it (the reverse of parameters())
  function encode(name, value) {
    var text = encodeURIComponent(value);
    if (name === "q") { return text.replace(/%20/g, "+"); }
    return text.replace(/%(2B|40|3D|3A|2C|2F)/gi, function (escape) { return PLAIN[escape.toUpperCase()]; });
  }

  function read() {
    var query = parameters(window.location.search);
    var filters = {};
    Object.keys(NAMES).forEach(function (param) {
      var value = query[param];
      if (value) { filters[param] = value; }
    });
    var size = parseInt(query.rows, 10);
    return {
      q: query.q || "",
      match: query.match || "",
      filters: filters,
      size: PAGE_SIZES.indexOf(size) >= 0 ? size : DEFAULT_PAGE_SIZE,
    };
  }

  var state = read();

  // the parameters of the address that are not the state's stay as they were
  function write() {
    var ours = Object.keys(NAMES).concat(["q", "rows", "match"]);
    var pairs = window.location.search.replace(/^\?/, "").split("&").filter(function (pair) {
      var name = decode(pair.split("=")[0].replace(/\+/g, " "));
      return pair && ours.indexOf(name) < 0;
    });
    Object.keys(NAMES).forEach(function (param) {
      if (state.filters[param]) { pairs.push(param + "=" + encode(param, state.filters[param])); }
    });
    if (state.q) { pairs.push("q=" + encode("q", state.q)); }
    if (state.size !== DEFAULT_PAGE_SIZE) { pairs.push("rows=" + state.size); }
    if (state.match) { pairs.push("match=" + encode("match", state.match)); }
    var search = pairs.join("&");
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  function changed() {
    write();
    listeners.forEach(function (listener) { listener(); });
  }

  // the filters alone, as a query string for links to other pages
  state.filterQuery = function () {
    return Object.keys(NAMES).filter(function (param) { return state.filters[param]; })
      .map(function (param) { return param + "=" + encode(param, state.filters[param]); }).join("&");
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

  state.setMatch = function (text) {
    state.match = text;
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

  state.parameters = parameters;
  state.encode = encode;
  state.PAGE_SIZES = PAGE_SIZES;
  state.NAMES = NAMES;
  spackcache.state = state;
})(window.spackcache = window.spackcache || {});
