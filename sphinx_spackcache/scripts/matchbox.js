/* sphinx-spackcache: "Match a spec", beside the search above a spec table: the rows
 * whose binary satisfies a spec typed in Spack's syntax (?match=hdf5@1.14+mpi target=zen3,
 * as the cache-match directive takes it), and, when fewer than NEAREST do, the NEAREST
 * nearest others, each followed by a line of what it differs in.
 *
 * A row's binary is read from its badges and the line of what every row shares (page.js:
 * version, compiler, platform, os, target, variants) and its hash; the package from the
 * table's class spackcache-of-<package>. The spec is held against it by match.js (the
 * directive's rules, on the same shared test vectors). A value a table does not show
 * (a column left out with :columns:) is not on the page: the spec's field is then
 * "unknown", never guessed. A table of a source that records dependencies (a Spack
 * mirror, an OCI registry, the snapshot index) has before it a hidden div.spackcache-graph
 * (writers/html.py, _write_closure): every dependency of its binaries, directly or through
 * others, by name and version. From it ^dep@version (anywhere in the binary's graph) and
 * %dep (a direct dependency) are answered as the directive answers them; on a page of
 * cache.spack.io records there is none, and they are unknown, as in the directive.
 *
 * A spec that does not parse keeps every row, and the note says why and at which column.
 */
(function (spackcache) {
  "use strict";

  var NEAREST = 5;
  var element = spackcache.page.element;
  var match = spackcache.match;
  var state = spackcache.state;
  var parsed = { text: null, query: null, error: null };

  // the query of the state's spec (parsed once for every table), or its error
  function current() {
    if (parsed.text !== state.match) {
      parsed = { text: state.match, query: null, error: null };
      if (state.match.trim()) {
        try { parsed.query = match.parse(state.match); }
        catch (error) {
          if (!(error instanceof match.SpecSyntaxError)) { throw error; }
          parsed.error = error;
        }
      }
    }
    return parsed;
  }

  function first(values) {
    return values && values.length ? values[0] : undefined;
  }

  // the binary of a row, as match.js reads a record's spec
  function binaryOf(table, entry) {
    if (entry.binary) { return entry.binary; }
    var shared = table.shared;
    function values(param) { return (entry.values[param] || []).concat(shared[param] || []); }
    var hash = entry.row.querySelector("td.spackcache-hash code");
    entry.binary = {
      hash: hash ? hash.textContent.trim() : "",
      versions: values("version"),
      compiler: first(values("compiler")),
      platform: first(values("platform")),
      os: first(values("os")),
      target: first(values("target")),
      variants: values("variant"),
    };
    return entry.binary;
  }

  // the element before *table* (before its line of what every row shares, if any, and
  // the controls put there) that holds its binaries' dependencies, or null
  function graphOf(table) {
    var element = (table.sharedLine || table.scroll).previousElementSibling;
    while (element && element.classList.contains("spackcache-controls")) {
      element = element.previousElementSibling;
    }
    return element && element.classList.contains("spackcache-graph") ? element : null;
  }

  // the dependencies the page carries for *table*, as match.js takes them: hash -> direct
  // dependencies ({name, version, hash}; a dependency's hash is "#" and its number), or
  // null where the page carries none
  function dependenciesOf(table) {
    var graph = graphOf(table);
    if (!graph) { return null; }
    var found = {};
    function edges(text) {
      return text ? text.split(",").map(function (n) { return nodes[parseInt(n, 10)]; }) : [];
    }
    var nodes = graph.getAttribute("data-nodes").split(" ").filter(Boolean).map(function (word, n) {
      var parts = word.split(":");
      return { name: parts[0], version: parts[1], hash: "#" + n, edges: parts[2] };
    });
    nodes.forEach(function (node) { found[node.hash] = edges(node.edges); });
    graph.getAttribute("data-roots").split(" ").filter(Boolean).forEach(function (word) {
      var at = word.indexOf(":");
      found[word.slice(0, at)] = edges(word.slice(at + 1));
    });
    return found;
  }

  function packageOf(table) {
    var found = Array.prototype.filter.call(table.table.classList, function (name) {
      return name.indexOf("spackcache-of-") === 0;
    });
    return found.length ? found[0].slice("spackcache-of-".length) : null;
  }

  function Box(table) {
    this.table = table;
    this.package = packageOf(table);
    this.dependencies = dependenciesOf(table);
    this.nearest = [];
    this.reasons = new Map();
    this.satisfied = this.total = this.unknownOnly = 0;
    this.label = element("label", "spackcache-matchbox");
    this.label.appendChild(document.createTextNode("Match a spec "));
    this.input = element("input");
    this.input.type = "text";
    this.input.placeholder = (this.package || "hdf5") + " target=x86_64_v3: %gcc@13";
    this.input.setAttribute("aria-label", "Match a spec: show only the binaries that satisfy it");
    this.input.spellcheck = false;
    this.input.value = state.match;
    var input = this.input;
    this.input.addEventListener("input", function () { state.setMatch(input.value); });
    this.label.appendChild(this.input);
    this.note = element("p", "spackcache-matchbox-note");
    this.note.setAttribute("aria-live", "polite");
    this.note.hidden = true;
    var controls = table.controls;
    var search = controls.search;
    search.parentElement.insertBefore(this.label, search.nextSibling);
    search.closest(".spackcache-controls").appendChild(this.note); // last, under the rest
  }

  // of the rows the search and filters keep, those that satisfy the spec (all of them
  // when there is none, or it does not parse); the nearest others are kept aside
  Box.prototype.keep = function (kept) {
    var table = this.table;
    var spec = current();
    this.nearest = [];
    this.reasons = new Map();
    if (!spec.query) { return kept; }
    var options = { package: this.package, dependencies: this.dependencies };
    var yes = [], others = [], byBinary = new Map();
    kept.forEach(function (entry) {
      var binary = binaryOf(table, entry);
      (match.satisfies(binary, spec.query, options) ? yes : others).push(entry);
      byBinary.set(binary, entry);
    });
    this.satisfied = yes.length;
    this.total = kept.length;
    var self = this;
    if (yes.length < NEAREST) {
      var ranked = match.nearest(others.map(function (e) { return e.binary; }), spec.query, NEAREST, options);
      this.unknownOnly = ranked.filter(function (m) { return !m.failingFields.length; }).length;
      ranked.forEach(function (m) {
        var entry = byBinary.get(m.binary);
        self.nearest.push(entry);
        self.reasons.set(entry, m.reasons.map(match.reasonText));
      });
    }
    return yes;
  };

  // the rows listed: those that satisfy the spec, then the nearest others
  Box.prototype.listed = function (shown) {
    return this.nearest.length ? shown.concat(this.nearest) : shown;
  };

  // the note under the controls, and a "Differs in" line after each nearest row shown
  Box.prototype.show = function () {
    var table = this.table;
    var spec = current();
    if (this.input.value !== state.match) { this.input.value = state.match; }
    Array.prototype.forEach.call(table.body.querySelectorAll("tr.spackcache-differs"), function (row) {
      row.parentElement.removeChild(row);
    });
    if (this.moved) { // the rows moved to the end last time go back to their places
      table.rows.forEach(function (entry) {
        entry.row.classList.remove("spackcache-nearest");
        table.body.appendChild(entry.row);
      });
      table.body.appendChild(table.empty);
      this.moved = false;
    }
    this.input.classList.toggle("spackcache-matchbox-bad", !!spec.error);
    this.note.textContent = "";
    this.note.hidden = !spec.error && !spec.query;
    if (spec.error) {
      this.note.classList.add("spackcache-matchbox-error");
      var text = spec.error.text;
      var at = spec.error.column;
      this.note.appendChild(document.createTextNode("Not a spec this box reads: " + spec.error.message
        + ", at column " + (at + 1) + ": "));
      var code = element("code");
      code.appendChild(document.createTextNode(text.slice(0, at)));
      code.appendChild(element("mark", "", text.slice(at, at + 1) || "\u00a0"));
      code.appendChild(document.createTextNode(text.slice(at + 1)));
      this.note.appendChild(code);
      this.note.appendChild(document.createTextNode(" (every row is shown)"));
      return;
    }
    this.note.classList.remove("spackcache-matchbox-error");
    if (!spec.query) { return; }
    var binaries = this.satisfied === 1 ? " binary satisfies " : " binaries satisfy ";
    this.note.appendChild(document.createTextNode(this.satisfied + " of " + this.total + binaries));
    this.note.appendChild(element("code", "", match.format(spec.query)));
    if (this.nearest.length) {
      var words = this.nearest.length === 1 ? "the nearest other follows, with what it differs in"
        : "the " + this.nearest.length + " nearest others follow, with what they differ in";
      this.note.appendChild(document.createTextNode("; " + words));
      if (this.unknownOnly) {
        this.note.appendChild(document.createTextNode(" (" + this.unknownOnly
          + " may satisfy it: the cache does not record all it asks)"));
      }
    }
    this.note.appendChild(document.createTextNode("."));
    var columns = table.headings().length;
    var reasons = this.reasons;
    // after the rows that satisfy the spec, nearest first, each followed by its line
    this.moved = this.nearest.length > 0;
    this.nearest.forEach(function (entry) {
      entry.row.classList.add("spackcache-nearest");
      table.body.insertBefore(entry.row, table.empty);
      var line = element("tr", "spackcache-differs");
      line.hidden = entry.row.hidden;
      var cell = element("td");
      cell.colSpan = columns;
      cell.appendChild(element("strong", "", "Differs in: "));
      cell.appendChild(document.createTextNode(reasons.get(entry).join("; ")));
      line.appendChild(cell);
      table.body.insertBefore(line, table.empty);
    });
  };

  // the box of a spec table (a Table of table.js)
  function attach(table) {
    return new Box(table);
  }

  spackcache.matchbox = { attach: attach, NEAREST: NEAREST };
})(window.spackcache = window.spackcache || {});
