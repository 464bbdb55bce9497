/* sphinx-spackcache: the rules of the filter options, for the filters in a page's address.
 *
 * The same rules as the directives' options (sphinx_spackcache/data/query.py): a comma
 * separates alternatives (\, is a comma), each a shell-style glob matched against whole
 * values, case-sensitively, as Python's fnmatch.fnmatchcase does; compiler patterns read
 * gcc@=11.4.0 as gcc@11.4.0; runs-on takes CPU names, not globs. Characters are code
 * points, as in Python's strings. No glob stops the script: one that cannot match, or
 * that a browser cannot turn into a RegExp, matches nothing. tests/filter_rules.json
 * holds the cases both implementations must pass (tests/test_filter_rules.py runs them
 * through query.py and, in Node.js, this file; tests/test_browser.py this file in
 * Chromium), so that they cannot drift.
 *
 * Nothing here reads or changes the page: spackcache.filters is used by table.js.
 */
(function (spackcache) {
  "use strict";

  // the characters Python's str.strip takes off (str.isspace): String.prototype.trim's,
  // less U+FEFF, and more U+001C to U+001F and U+0085
  var SPACE = "[\\t-\\r\\x1c- \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var ENDS = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");

  // query.split_patterns: split at unescaped commas, leave out empty parts
  function splitPatterns(text) {
    return text.split(/(?<!\\),/).map(function (part) {
      return part.replace(ENDS, "").replace(/\\,/g, ",");
    }).filter(Boolean);
  }

  // the inside of a [...] set, as fnmatch.translate writes it, *inside* a list of characters
  // (whole code points, as Python's strings hold them; ranges that run backwards are left
  // out, as Python's regular expressions reject them too)
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
      if (last.length) { chunks.push(last); } else { chunks[chunks.length - 1].push("-"); }
      for (var i = chunks.length - 1; i > 0; i--) {
        var before = chunks[i - 1];
        if (codePoint(before[before.length - 1]) > codePoint(chunks[i][0])) {
          chunks[i - 1] = before.slice(0, -1).concat(chunks[i].slice(1));
          chunks.splice(i, 1);
        }
      }
    }
    // JavaScript also reads a "]" in a set as its end: escaped, unlike in Python
    var set = chunks.map(function (chunk) {
      return chunk.join("").replace(/[\\\]-]/g, "\\$&");
    }).join("-");
    if (!set) { return "(?!)"; } // an empty set never matches
    if (set === "!") { return "."; }
    if (set[0] === "!") { return "[^" + set.slice(1) + "]"; }
    if (set[0] === "^" || set[0] === "[") { return "[\\" + set + "]"; }
    return "[" + set + "]";
  }

  // the code point of one character of Array.from (Python compares ranges by code point;
  // JavaScript's "<" on strings by UTF-16 unit, which puts U+1F600 before U+E000)
  function codePoint(character) {
    return character.codePointAt(0);
  }

  // a regular expression that never matches: what a glob the browser cannot use becomes
  var NOTHING = /(?!)/;

  // fnmatch.translate: a glob as a regular expression of the whole value; read by code
  // point ("u"), so that "?" is one character and [😀-😁] a range, as in Python
  function globToRegExp(pattern) {
    var chars = Array.from(pattern);
    var source = "";
    var n = chars.length;
    var i = 0;
    var star = false;
    while (i < n) {
      var c = chars[i];
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
        if (j < n && chars[j] === "!") { j += 1; }
        if (j < n && chars[j] === "]") { j += 1; }
        while (j < n && chars[j] !== "]") { j += 1; }
        if (j >= n) { source += "\\["; }
        else { source += bracket(chars.slice(i, j)); i = j + 1; }
      } else { source += c.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&"); }
    }
    // "s": "." matches a line break too, as Python's (?s:...). Should a browser still
    // reject the expression, the glob matches nothing, as a glob Python cannot use would
    // not either, and the page's other filters and search go on working.
    try {
      return new RegExp("^(?:" + source + ")$", "su");
    } catch (error) {
      return NOTHING;
    }
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
