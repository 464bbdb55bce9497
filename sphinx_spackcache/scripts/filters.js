/* sphinx-spackcache: the rules of the filter options, for the filters in a page's address.
 *
 * The same rules as the directives' options (sphinx_spackcache/data/query.py): a comma
 * separates alternatives (\, is a comma), each a shell-style glob matched against whole
 * values, case-sensitively, as Python's fnmatch.fnmatchcase does; compiler patterns read
 * gcc@=11.4.0 as gcc@11.4.0; runs-on takes CPU names, not globs. tests/filter_rules.json
 * holds the cases both implementations must pass (tests/test_filter_rules.py runs them
 * through query.py, tests/test_browser.py through this file), so that they cannot drift.
 *
 * Nothing here reads or changes the page: spackcache.filters is used by table.js.
 */
(function (spackcache) {
  "use strict";

  // query.split_patterns: split at unescaped commas, leave out empty parts
  function splitPatterns(text) {
    return text.split(/(?<!\\),/).map(function (part) {
      return part.trim().replace(/\\,/g, ",");
    }).filter(Boolean);
  }

  // the inside of a [...] set, as fnmatch.translate writes it (ranges that run backwards
  // are left out, as Python's regular expressions reject them too)
  function bracket(inside) {
    var chunks;
    if (inside.indexOf("-") < 0) {
      chunks = [inside];
    } else {
      chunks = [];
      var start = 0;
      var k = inside[0] === "!" ? 2 : 1;
      for (;;) {
        k = inside.indexOf("-", k);
        if (k < 0) { break; }
        chunks.push(inside.slice(start, k));
        start = k + 1;
        k += 3;
      }
      var last = inside.slice(start);
      if (last) { chunks.push(last); } else { chunks[chunks.length - 1] += "-"; }
      for (var i = chunks.length - 1; i > 0; i--) {
        var before = chunks[i - 1];
        if (before[before.length - 1] > chunks[i][0]) {
          chunks[i - 1] = before.slice(0, -1) + chunks[i].slice(1);
          chunks.splice(i, 1);
        }
      }
    }
    // JavaScript also reads a "]" in a set as its end: escaped, unlike in Python
    var set = chunks.map(function (chunk) {
      return chunk.replace(/[\\\]-]/g, "\\$&");
    }).join("-");
    if (!set) { return "(?!)"; } // an empty set never matches
    if (set === "!") { return "."; }
    if (set[0] === "!") { return "[^" + set.slice(1) + "]"; }
    if (set[0] === "^" || set[0] === "[") { return "[\\" + set + "]"; }
    return "[" + set + "]";
  }

  // fnmatch.translate: a glob as a regular expression of the whole value
  function globToRegExp(pattern) {
    var source = "";
    var n = pattern.length;
    var i = 0;
    var star = false;
    while (i < n) {
      var c = pattern[i];
      i += 1;
      if (c === "*") {
        if (!star) { source += ".*"; }
        star = true;
        continue;
      }
      star = false;
      if (c === "?") { source += "."; }
      else if (c === "[") {
        var j = i;
        if (j < n && pattern[j] === "!") { j += 1; }
        if (j < n && pattern[j] === "]") { j += 1; }
        while (j < n && pattern[j] !== "]") { j += 1; }
        if (j >= n) { source += "\\["; }
        else { source += bracket(pattern.slice(i, j)); i = j + 1; }
      } else { source += c.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&"); }
    }
    // "s": "." matches a line break too, as Python's (?s:...)
    return new RegExp("^(?:" + source + ")$", "s");
  }

  // One filter: the values of field *param* must match one of the patterns of *text*.
  // *runs* (runs-on only): CPU name -> the targets that run on it (the CPU data).
  function Filter(param, text, runs) {
    this.param = param;
    this.text = text;
    var patterns = splitPatterns(text);
    if (param === "runs-on") {
      // CPU names, not globs: a target passes when it runs on one of them (a CPU the data
      // does not know runs only a target of its own name, as at build time)
      runs = runs || {};
      // no prototype: "constructor" or "__proto__" is a name like any other
      this.targets = Object.create(null);
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

  // whether one of *values* passes
  Filter.prototype.matches = function (values) {
    var targets = this.targets;
    if (targets) { return values.some(function (value) { return targets[value] === true; }); }
    var patterns = this.patterns;
    return values.some(function (value) {
      return patterns.some(function (pattern) { return pattern.test(value); });
    });
  };

  spackcache.filters = { splitPatterns: splitPatterns, globToRegExp: globToRegExp, Filter: Filter };
})(window.spackcache = window.spackcache || {});
