/* sphinx-spackcache: "will my spec come from the cache?", in the browser: the part of
 * Spack's spec syntax a reader types, and whether a binary of a table satisfies it.
 *
 * The same parser and matcher as the cache-match directive's (sphinx_spackcache/data/
 * specsyntax.py and match.py, which cite the Spack sources they follow; versions ordered
 * as data/versions.py orders them): the same errors at the same 0-based columns, the
 * same "differs in" texts, the same ranking of the nearest binaries. tests/
 * match_vectors.json holds the cases both must pass (tests/test_match.py runs them
 * through the Python, tests/test_match_js.py through this file in Node.js), so that the
 * two cannot drift. Target ranges and runs-on use the page's CPU data
 * (window.SPACKCACHE_CPUS.runs: the targets that run on each CPU, from archspec).
 *
 * Columns count UTF-16 code units (JavaScript's characters); Python counts code points:
 * the two differ only after a character beyond U+FFFF, which no spec holds.
 *
 * Nothing here reads or changes the page: spackcache.match is used by matchbox code.
 */
(function (spackcache) {
  "use strict";

  // --- versions (data/versions.py) --------------------------------------------------

  var INFINITY_VERSIONS = ["stable", "nightly", "trunk", "head", "master", "main", "develop"];
  var PRERELEASE = { alpha: 0, beta: 1, rc: 2 };
  var FINAL = 3;
  var ALPHA = 0, NUM = 1, HUGE = 2, INF = 3;
  var MAX_DIGITS = 4000;

  // a number's [kind, digits]: digits without leading zeros, compared by length then text
  // (as Python compares ints); more than MAX_DIGITS significant digits is "huge"
  function number(digits) {
    var significant = digits.replace(/^0+/, "") || "0";
    return [significant.length <= MAX_DIGITS ? NUM : HUGE, significant];
  }

  function segmentKey(num, alpha) {
    if (num) { return number(num); }
    var infinity = INFINITY_VERSIONS.indexOf(alpha);
    return infinity >= 0 ? [INF, infinity] : [ALPHA, alpha];
  }

  var keys = new Map();

  // versions.version_key: {release: [[kind, value], ...], pre: [kind(, NUM, digits)]}
  function versionKey(version) {
    var known = keys.get(version);
    if (known) { return known; }
    var segments = [];
    var pattern = /(?:([0-9]+)|([a-zA-Z]+))[_.-]*/g;
    var found;
    var text = version.trim();
    while ((found = pattern.exec(text)) !== null) { segments.push([found[1] || "", found[2] || ""]); }
    var pre = [FINAL];
    var n = segments.length;
    if (n >= 3 && PRERELEASE.hasOwnProperty(segments[n - 2][1]) && segments[n - 1][0]) {
      pre = [PRERELEASE[segments[n - 2][1]]].concat(number(segments[n - 1][0]));
      segments = segments.slice(0, -2);
    } else if (n >= 2 && PRERELEASE.hasOwnProperty(segments[n - 1][1])) {
      pre = [PRERELEASE[segments[n - 1][1]]];
      segments = segments.slice(0, -1);
    }
    var key = { release: segments.map(function (s) { return segmentKey(s[0], s[1]); }), pre: pre };
    keys.set(version, key);
    return key;
  }

  function compareValues(a, b) {
    if (typeof a === "string" && typeof b === "string" && /^[0-9]+$/.test(a) && /^[0-9]+$/.test(b)) {
      if (a.length !== b.length) { return a.length < b.length ? -1 : 1; }
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // Python's comparison of tuples: element by element (a segment is [kind, value]), then
  // the shorter first
  function compareTuples(a, b, compareItem) {
    var common = Math.min(a.length, b.length);
    for (var i = 0; i < common; i++) {
      var c = compareItem(a[i], b[i]);
      if (c) { return c; }
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }

  function compareSegments(a, b) {
    if (a[0] !== b[0]) { return a[0] < b[0] ? -1 : 1; }
    return compareValues(a[1], b[1]);
  }

  function comparePre(a, b) {
    return compareTuples(a, b, function (x, y) { return compareValues(x, y); });
  }

  function compareKeys(a, b) {
    return compareTuples(a.release, b.release, compareSegments) || comparePre(a.pre, b.pre);
  }

  // Spack's order of two versions (-1, 0, 1)
  function compareVersions(a, b) {
    return compareKeys(versionKey(a), versionKey(b));
  }

  function sameSegment(a, b) {
    return a[0] === b[0] && a[1] === b[1];
  }

  // specsyntax._next_key: the first version after every version with this one as prefix
  function nextKey(key) {
    var release = key.release, pre = key.pre;
    if (pre[0] !== FINAL) {
      var digits = pre.length > 2 ? pre[2] : null;
      if (pre.length > 2 && pre[1] !== NUM) { return null; }
      var next = digits === null ? "0" : (BigInt(digits) + 1n).toString();
      return { release: release, pre: [pre[0], NUM, next] };
    }
    if (!release.length) { return { release: [[ALPHA, "A"]], pre: pre }; }
    var last = release[release.length - 1];
    var head = release.slice(0, -1);
    if (last[0] === NUM) {
      var bumped = number((BigInt(last[1]) + 1n).toString());
      if (bumped[0] !== NUM) { return null; }
      return { release: head.concat([bumped]), pre: pre };
    }
    if (last[0] === INF) { return { release: head.concat([[INF, last[1] + 1]]), pre: pre }; }
    if (last[0] === ALPHA) {
      var text = last[1];
      for (;;) {
        var end = text.charAt(text.length - 1);
        text = !text || end === "z" ? text + "A"
          : text.slice(0, -1) + (end === "Z" ? "a" : String.fromCharCode(end.charCodeAt(0) + 1));
        if (INFINITY_VERSIONS.indexOf(text) < 0) {
          return { release: head.concat([[ALPHA, text]]), pre: pre };
        }
      }
    }
    return null;
  }

  // specsyntax.version_in_range: lo:hi, null open; the upper end is a prefix
  function versionInRange(version, lo, hi) {
    var key = versionKey(version);
    if (lo !== null && compareKeys(key, versionKey(lo)) < 0) { return false; }
    if (hi === null) { return true; }
    var upper = nextKey(versionKey(hi));
    return upper === null ? compareKeys(key, versionKey(hi)) <= 0 : compareKeys(key, upper) < 0;
  }

  // --- the query (specsyntax.py's classes, with the same printing) --------------------

  // a version item: {exact: "1.14.3"} or {lo: "1.14" | null, hi: ...}
  function itemContains(item, version) {
    if (item.exact !== undefined) { return compareVersions(version, item.exact) === 0; }
    return versionInRange(version, item.lo, item.hi);
  }

  function itemBounds(item) {
    return item.exact !== undefined ? [item.exact, item.exact] : [item.lo, item.hi];
  }

  function itemText(item) {
    if (item.exact !== undefined) { return "=" + item.exact; }
    if (item.lo !== null && item.lo === item.hi) { return item.lo; }
    return (item.lo || "") + ":" + (item.hi || "");
  }

  function versionsContain(list, version) {
    return list.some(function (item) { return itemContains(item, version); });
  }

  function versionsText(list) {
    return list.map(itemText).join(",");
  }

  var NO_QUOTES_NEEDED = /^[a-zA-Z0-9,/_.\-\[\]]+$/;

  // a variant: {name, values: [...], boolean, exact}
  function variantText(variant) {
    if (variant.boolean) {
      return (variant.values.length === 1 && variant.values[0] === "true" ? "+" : "~") + variant.name;
    }
    var value = variant.values.join(",");
    if (!NO_QUOTES_NEEDED.test(value)) {
      value = value.indexOf("'") < 0 ? "'" + value + "'" : '"' + value + '"';
    }
    return variant.name + (variant.exact ? ":=" : "=") + value;
  }

  // a node: {name, versions (a list of items, or null), variants, platform, os, targets,
  // direct (its % nodes)}
  function nodeOptions(node) {
    var text = node.versions ? "@" + versionsText(node.versions) : "";
    var afterPair = false;
    node.variants.forEach(function (variant) {
      text += variant.boolean && !afterPair ? variantText(variant) : " " + variantText(variant);
      afterPair = !variant.boolean;
    });
    var pairs = [];
    ["platform", "os"].forEach(function (k) { if (node[k]) { pairs.push(k + "=" + node[k]); } });
    if (node.targets.length) { pairs.push("target=" + node.targets.join(",")); }
    return [text.trim()].concat(pairs).filter(Boolean).join(" ");
  }

  function nodeText(node) {
    var options = nodeOptions(node);
    var glue = ["", "@", "+", "~"].indexOf(options.slice(0, 1)) >= 0 ? "" : " ";
    var head = node.name ? node.name + glue + options : options;
    return [head].concat(node.direct.map(function (d) { return "%" + nodeText(d); }))
      .filter(Boolean).join(" ");
  }

  // a query: {root, dependencies}, written back as Spack would
  function format(query) {
    return [nodeText(query.root)].concat(query.dependencies.map(function (d) { return "^" + nodeText(d); }))
      .join(" ").trim();
  }

  // --- the tokenizer (specsyntax._TOKENS) ------------------------------------------

  var LEGACY_COMPILER_TO_BUILTIN = {
    clang: "llvm",
    oneapi: "intel-oneapi-compilers",
    rocmcc: "llvm-amdgpu",
    intel: "intel-oneapi-compiler-classic",
    arm: "acfl"
  };
  var ARCH_FIELDS = ["platform", "os", "target"];
  var COMPILER_FLAGS = ["cflags", "cxxflags", "fflags", "cppflags", "ldflags", "ldlibs"];

  var IDENTIFIER = "(?:[a-zA-Z_0-9][a-zA-Z_0-9\\-]*)";
  var DOTTED = "(?:" + IDENTIFIER + "(?:\\." + IDENTIFIER + ")+)";
  var NAME = "[a-zA-Z_0-9][a-zA-Z_0-9\\-.]*";
  var VALUE = "(?:[a-zA-Z_0-9\\-+\\*.,:=%^\\~\\/\\\\]+)";
  var QUOTED = "(?:'(?:[^']|(?<=\\\\)')*'|\"(?:[^\"]|(?<=\\\\)\")*\")";
  var VERSION = "=?(?:[a-zA-Z0-9_][a-zA-Z_0-9\\-\\.]*\\b)";
  var VERSION_RANGE = "(?:(?:" + VERSION + ")?:(?:" + VERSION + "(?!\\s*=))?)";
  var VERSION_LIST = "(?:" + VERSION_RANGE + "|" + VERSION + ")(?:\\s*,\\s*(?:" + VERSION_RANGE + "|" + VERSION + "))*";
  var VIRTUAL_ASSIGNMENT = "(?:" + IDENTIFIER + "(?:," + IDENTIFIER + ")*=(?:" + DOTTED + "|" + IDENTIFIER + "))";
  var GIT = "(?:(?:git\\.[a-zA-Z_0-9][a-zA-Z_0-9./\\-]*)|(?:[A-Fa-f0-9]{40}))";

  var TOKENS = [
    ["EDGE_PROPERTIES", "(?:(?:\\^|%%|%)\\[)"],
    ["DEPENDENCY", "(?:(?:\\^|%%|%)(?:\\s*" + VIRTUAL_ASSIGNMENT + ")?)"],
    ["GIT_VERSION", "(?:@" + GIT + "(?:=" + VERSION + ")?)"],
    ["VERSION", "(?:@\\s*(?:" + VERSION_LIST + "))"],
    ["PROPAGATED_BOOL_VARIANT", "(?:(?:\\+\\+|~~|--)\\s*" + NAME + ")"],
    ["BOOL_VARIANT", "(?:[~+-]\\s*" + NAME + ")"],
    ["PROPAGATED_KEY_VALUE_PAIR", "(?:" + NAME + ":?==(?:" + VALUE + "|" + QUOTED + "))"],
    ["KEY_VALUE_PAIR", "(?:" + NAME + ":?=(?:" + VALUE + "|" + QUOTED + "))"],
    ["FILENAME", "(?:(?:\\.|\\/|[a-zA-Z0-9-_]*\\/)(?:[a-zA-Z0-9-_\\.\\/]*)(?:\\.json|\\.yaml))"],
    ["FULLY_QUALIFIED_PACKAGE_NAME", DOTTED],
    ["PACKAGE_NAME", "(?:" + IDENTIFIER + "|\\*)"],
    ["DAG_HASH", "(?:/(?:[a-zA-Z_0-9]+))"],
    ["WS", "(?:\\s+)"],
    ["UNEXPECTED", "(?:.)"]
  ];
  var TOKENIZER = TOKENS.map(function (t) { return "(?<" + t[0] + ">" + t[1] + ")"; }).join("|");

  var REFUSED = {
    EDGE_PROPERTIES: "edge attributes ([...]) are not supported here",
    GIT_VERSION: "git versions are not supported here",
    PROPAGATED_BOOL_VARIANT: "propagated variants (++v, ~~v, --v) are not supported here",
    PROPAGATED_KEY_VALUE_PAIR: "propagated variants (v==x) are not supported here",
    FILENAME: "spec files are not supported here",
    FULLY_QUALIFIED_PACKAGE_NAME: "namespaces (builtin.hdf5) are not supported here",
    DAG_HASH: "hashes (/abc...) are not supported here"
  };

  function tokens(text) {
    var found = [];
    var pattern = new RegExp(TOKENIZER, "gs");
    var m;
    while ((m = pattern.exec(text)) !== null) {
      var kind = "UNEXPECTED";
      for (var i = 0; i < TOKENS.length; i++) {
        if (m.groups[TOKENS[i][0]] !== undefined) { kind = TOKENS[i][0]; break; }
      }
      if (kind !== "WS") { found.push({ kind: kind, value: m[0], start: m.index }); }
    }
    return found;
  }

  // --- the parser (specsyntax._Parser) --------------------------------------------

  // a spec that is not in the subset: what is wrong, and the 0-based column at fault
  function SpecSyntaxError(message, text, column) {
    this.name = "SpecSyntaxError";
    this.message = message;
    this.text = text;
    this.column = column;
  }
  SpecSyntaxError.prototype = Object.create(Error.prototype);
  SpecSyntaxError.prototype.constructor = SpecSyntaxError;
  SpecSyntaxError.prototype.toString = function () {
    return this.message + " (column " + (this.column + 1) + ")";
  };

  // Python's repr of a string, as the Python errors quote values
  function repr(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var body = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
    if (quote === "'") { body = body.replace(/'/g, "\\'"); }
    return quote + body + quote;
  }

  function stripQuotes(value) {
    var m = /^(['"])([\s\S]*)\1$/.exec(value);
    return m ? m[2].split("\\" + m[1]).join(m[1]) : value;
  }

  function newNode() {
    return { name: null, versions: null, variants: [], arch: {}, direct: [] };
  }

  function freeze(node) {
    return {
      name: node.name,
      versions: node.versions,
      variants: node.variants.slice(),
      platform: node.arch.platform || null,
      os: node.arch.os || null,
      targets: node.arch.target || [],
      direct: node.direct.map(freeze)
    };
  }

  function isEmpty(node) {
    return node.name === null && node.versions === null && !node.variants.length
      && !Object.keys(node.arch).length;
  }

  function Parser(text) {
    this.text = text;
    this.tokens = tokens(text);
    this.index = 0;
  }

  Parser.prototype.error = function (message, column) {
    return new SpecSyntaxError(message, this.text, column);
  };

  Parser.prototype.peek = function () {
    return this.index < this.tokens.length ? this.tokens[this.index] : null;
  };

  Parser.prototype.take = function () {
    return this.tokens[this.index++];
  };

  Parser.prototype.parse = function () {
    if (!this.tokens.length) { throw this.error("empty spec", 0); }
    var root = this.node();
    var current = root;
    var dependencies = [];
    var token;
    while ((token = this.peek()) !== null && token.kind === "DEPENDENCY") {
      this.take();
      if (token.value.slice(0, 2) === "%%") {
        throw this.error("%% (propagated direct dependencies) is not supported here", token.start);
      }
      if (token.value !== token.value[0]) {
        throw this.error("virtual assignments (%c=gcc) are not supported here", token.start + 1);
      }
      var node = this.node();
      if (node.name === null) {
        throw this.error(token.value + " must be followed by a package name", token.start + 1);
      }
      if (token.value === "%") {
        node.name = LEGACY_COMPILER_TO_BUILTIN.hasOwnProperty(node.name) ? LEGACY_COMPILER_TO_BUILTIN[node.name] : node.name;
        current.direct.push(node);
      } else {
        dependencies.push(node);
        current = node;
      }
    }
    token = this.peek();
    if (token !== null) {
      this.refuse(token);
      if (token.kind === "PACKAGE_NAME") {
        throw this.error("a second package name " + repr(token.value) + ": one spec at a time", token.start);
      }
      throw this.error("unexpected " + repr(token.value), token.start);
    }
    if (isEmpty(root) && !root.direct.length && !dependencies.length) {
      throw this.error("a spec needs a package name or a constraint", 0);
    }
    return { root: freeze(root), dependencies: dependencies.map(freeze) };
  };

  Parser.prototype.node = function () {
    var node = newNode();
    var token = this.peek();
    if (token !== null) { this.refuse(token); }
    if (token !== null && token.kind === "PACKAGE_NAME") {
      this.take();
      node.name = token.value === "*" ? null : token.value;
    }
    while ((token = this.peek()) !== null) {
      this.refuse(token);
      if (token.kind === "VERSION") {
        this.take();
        if (node.versions !== null) { throw this.error("a spec has one version constraint", token.start); }
        node.versions = this.versions(token);
      } else if (token.kind === "BOOL_VARIANT") {
        this.take();
        this.addVariant(node, {
          name: token.value.slice(1).trim(),
          values: [token.value[0] === "+" ? "true" : "false"],
          boolean: true,
          exact: false
        }, token);
      } else if (token.kind === "KEY_VALUE_PAIR") {
        this.take();
        this.keyValue(node, token);
      } else {
        break;
      }
    }
    return node;
  };

  Parser.prototype.refuse = function (token) {
    if (token.kind === "UNEXPECTED") {
      throw this.error("unexpected character " + repr(token.value), token.start);
    }
    if (REFUSED.hasOwnProperty(token.kind)) { throw this.error(REFUSED[token.kind], token.start); }
  };

  Parser.prototype.addVariant = function (node, variant, token) {
    if (node.variants.some(function (v) { return v.name === variant.name; })) {
      throw this.error("variant " + repr(variant.name) + " given twice", token.start);
    }
    node.variants.push(variant);
  };

  Parser.prototype.keyValue = function (node, token) {
    var equals = token.value.indexOf("=");
    var name = token.value.slice(0, equals);
    var value = token.value.slice(equals + 1);
    var valueColumn = token.start + equals + 1;
    var exact = name.slice(-1) === ":";
    name = name.replace(/:+$/, "");
    value = stripQuotes(value);
    if (COMPILER_FLAGS.indexOf(name) >= 0) {
      throw this.error("compiler flags (" + name + "=...) are not supported here: caches do not record them",
        token.start);
    }
    if (name === "arch") {
      var parts = value.split("-");
      if (parts.length !== 3 || !parts.every(Boolean)) {
        throw this.error("arch= takes platform-os-target", valueColumn);
      }
      var offset = valueColumn;
      for (var i = 0; i < 3; i++) {
        this.setArch(node, ARCH_FIELDS[i], parts[i], token, offset);
        offset += parts[i].length + 1;
      }
    } else if (ARCH_FIELDS.indexOf(name) >= 0) {
      this.setArch(node, name, value, token, valueColumn);
    } else {
      var values = value.split(",");
      if (!values.every(Boolean)) {
        throw this.error("an empty value of variant " + repr(name), valueColumn);
      }
      this.addVariant(node, { name: name, values: values, boolean: false, exact: exact }, token);
    }
  };

  Parser.prototype.setArch = function (node, key, value, token, column) {
    if (node.arch.hasOwnProperty(key)) { throw this.error(key + " given twice", token.start); }
    if (key === "target") {
      var items = value.split(",");
      var offset = column;
      for (var i = 0; i < items.length; i++) {
        var ends = items[i].split(":");
        if (ends.length > 2 || !ends.some(Boolean)
            || !ends.every(function (end) { return /^[a-zA-Z0-9_]*$/.test(end); })) {
          throw this.error("a bad target " + repr(items[i]), offset);
        }
        offset += items[i].length + 1;
      }
      node.arch[key] = items;
    } else {
      if (!/^[a-zA-Z0-9_.]+$/.test(value)) {
        throw this.error("a bad " + key + " " + repr(value), column);
      }
      node.arch[key] = value;
    }
  };

  var VALID_VERSION = /^[A-Za-z0-9_.-]+$/;

  Parser.prototype.versions = function (token) {
    var body = token.value.slice(1);
    var column = token.start + 1;
    var items = [];
    var raws = body.split(",");
    for (var r = 0; r < raws.length; r++) {
      var raw = raws[r];
      var item = raw.trim();
      var itemColumn = column + (raw.length - raw.replace(/^\s+/, "").length);
      column += raw.length + 1;
      if (item[0] === "=") {
        if (!VALID_VERSION.test(item.slice(1))) {
          throw this.error("a bad exact version " + repr(item), itemColumn);
        }
        items.push({ exact: item.slice(1) });
        continue;
      }
      var lo, hi;
      var colon = item.indexOf(":");
      if (colon >= 0) {
        lo = item.slice(0, colon).trim() || null;
        hi = item.slice(colon + 1).trim() || null;
      } else {
        lo = hi = item;
      }
      [lo, hi].forEach(function (end) {
        if (end !== null && !VALID_VERSION.test(end)) {
          throw this.error("a bad version " + repr(end), itemColumn);
        }
      }, this);
      if (lo !== null && hi !== null && !versionInRange(lo, null, hi)) {
        throw this.error(lo + ":" + hi + " is an empty range", itemColumn);
      }
      items.push({ lo: lo, hi: hi });
    }
    return items;
  };

  // the query of *text*; throws a SpecSyntaxError (with its column) when it is not one
  function parse(text) {
    return new Parser(text).parse();
  }

  // --- the matcher (data/match.py) -------------------------------------------------

  var COMPILERS = ["gcc", "llvm", "apple-clang", "intel-oneapi-compilers", "intel-oneapi-compiler-classic",
    "llvm-amdgpu", "acfl", "aocc", "cce", "nvhpc", "xl", "fj", "msvc", "nag"]
    .concat(Object.keys(LEGACY_COMPILER_TO_BUILTIN));
  var VIRTUALS = ["mpi", "blas", "lapack", "scalapack", "c", "cxx", "fortran", "fftw-api", "gl", "glu",
    "golang", "java", "jpeg", "libllvm", "mkl", "opencl", "pkgconfig", "tbb", "uuid", "yacc", "zlib-api",
    "iconv", "elf", "lua-lang", "libc", "libglx", "xxd"];

  function builtin(name) {
    return LEGACY_COMPILER_TO_BUILTIN.hasOwnProperty(name) ? LEGACY_COMPILER_TO_BUILTIN[name] : name;
  }

  // the record's compiler, normalised (model.normalise_compiler): null for "none"
  function compilerOf(binary) {
    var value = binary.compiler;
    if (value === undefined || value === null || value === "none") { return null; }
    return value.replace("@=", "@");
  }

  function partition(text, separator) {
    var at = text.indexOf(separator);
    return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + separator.length)];
  }

  // targets.runs_on, with the page's CPU data: a target runs on a host when the host's
  // list holds it (a host archspec does not know runs its own target only)
  function runsOn(target, host, runs) {
    var table = runs || (window.SPACKCACHE_CPUS && window.SPACKCACHE_CPUS.runs) || {};
    return Object.prototype.hasOwnProperty.call(table, host) ? table[host].indexOf(target) >= 0 : target === host;
  }

  function reason(field, text, unknown) {
    return { field: field, text: text, unknown: !!unknown };
  }

  // how a reason reads in a "differs in" cell
  function reasonText(r) {
    return r.unknown ? "unknown: " + r.text : r.text;
  }

  function canonical(value) {
    var lower = value.toLowerCase();
    return lower === "true" || lower === "false" ? lower : value;
  }

  // match.recorded_variants: name -> [values (a Set), how the record writes it]
  function recordedVariants(binary) {
    var found = new Map();
    (binary.variants || []).forEach(function (text) {
      var first = text.slice(0, 1);
      if ((first === "+" || first === "~" || first === "-") && text.indexOf("=") < 0) {
        found.set(text.slice(1), [new Set([first === "+" ? "true" : "false"]), text]);
      } else if (text.indexOf("=") >= 0) {
        var parts = partition(text, "=");
        found.set(parts[0].replace(/:+$/, ""), [new Set(parts[1].split(",").map(canonical)), text]);
      }
    });
    return found;
  }

  function compareDistance(a, b) {
    return compareTuples(a, b, function (x, y) { return x < y ? -1 : x > y ? 1 : 0; });
  }

  // match.version_distance: [0, 0, 0] inside the versions wanted, else [1, -i, d]
  function versionDistance(version, wanted) {
    if (wanted === null || versionsContain(wanted, version)) { return [0, 0, 0]; }
    var best = null;
    var release = versionKey(version).release;
    wanted.forEach(function (item) {
      itemBounds(item).forEach(function (end) {
        if (end === null) { return; }
        var other = versionKey(end).release;
        var common = Math.min(release.length, other.length);
        var i = 0;
        while (i < common && sameSegment(release[i], other[i])) { i++; }
        var step = 1;
        if (i < common && release[i][0] === NUM && other[i][0] === NUM) {
          var difference = BigInt(release[i][1]) - BigInt(other[i][1]);
          step = Number(difference < 0n ? -difference : difference);
        }
        var found = [1, -i, step];
        if (best === null || compareDistance(found, best) < 0) { best = found; }
      });
    });
    return best || [1, 0, 1];
  }

  function targetItemOk(target, item, runs) {
    if (item.indexOf(":") < 0) { return target === item; }
    var ends = partition(item, ":");
    return (!ends[0] || runsOn(ends[0], target, runs)) && (!ends[1] || runsOn(target, ends[1], runs));
  }

  function targetReason(target, items) {
    if (items.length === 1) {
      var item = items[0];
      if (item.indexOf(":") < 0) { return "target " + target + ", not " + item; }
      var ends = partition(item, ":");
      if (!ends[0]) { return "target " + target + " does not run on " + ends[1]; }
      if (!ends[1]) { return "target " + target + " is not " + ends[0] + " or newer"; }
    }
    return "target " + target + " outside target=" + items.join(",");
  }

  function isSubset(a, b) {
    var ok = true;
    a.forEach(function (x) { if (!b.has(x)) { ok = false; } });
    return ok;
  }

  function checkVariants(binary, wanted) {
    var reasons = [];
    var built = recordedVariants(binary);
    wanted.forEach(function (variant) {
      if (!built.has(variant.name)) {
        reasons.push(reason("variant", "variant " + variant.name + " not recorded for this binary", true));
        return;
      }
      var values = built.get(variant.name)[0], written = built.get(variant.name)[1];
      var asked = new Set(variant.values.map(canonical));
      var ok;
      if (asked.size === 1 && asked.has("*")) {
        ok = true;
      } else if (variant.name === "patches") {
        ok = true;
        asked.forEach(function (a) {
          var any = false;
          values.forEach(function (b) { if (a.startsWith(b) || b.startsWith(a)) { any = true; } });
          if (!any) { ok = false; }
        });
      } else {
        ok = variant.exact ? asked.size === values.size && isSubset(asked, values) : isSubset(asked, values);
      }
      if (!ok) {
        var shown = written[0] === "-" ? "~" + variant.name : written;
        reasons.push(reason("variant", variantText(variant) + " wanted, " + shown + " built"));
      }
    });
    return reasons;
  }

  function nodeExtras(node) {
    var extras = node.variants.map(variantText);
    ["platform", "os"].forEach(function (k) { if (node[k]) { extras.push(k + "=" + node[k]); } });
    if (node.targets.length) { extras.push("target=" + node.targets.join(",")); }
    return extras.concat(node.direct.map(function (d) { return "%" + nodeText(d); }));
  }

  // %name@versions (Spack 1.0: a direct dependency; the compiler is one); direct: the
  // binary's direct dependencies, or null where the source does not record them
  function checkDirect(binary, node, direct) {
    var name = builtin(node.name || "");
    var asked = "%" + node.name + (node.versions ? "@" + versionsText(node.versions) : "");
    var reasons = [];
    var extras = nodeExtras(node);
    if (extras.length) {
      reasons.push(reason("compiler", extras.join(" ") + " asked of %" + node.name
        + ": only its name and version are recorded (Spack 1.0 reads what follows %name as that"
        + " node's: write the root's options before it)", true));
    }
    var compiler = compilerOf(binary);
    if (compiler !== null) {
      var parts = partition(compiler, "@");
      if (builtin(parts[0]) === name && (!node.versions || versionsContain(node.versions, parts[1]))) {
        return reasons;
      }
    }
    if (direct !== null) {
      for (var i = 0; i < direct.length; i++) {
        if (builtin(direct[i].name) === name
            && (node.versions === null || versionsContain(node.versions, direct[i].version))) {
          return reasons;
        }
      }
      if (compiler === null) {
        return reasons.concat([reason("compiler", "no compiler (built without one), " + asked + " wanted")]);
      }
      return reasons.concat([reason("compiler", "compiler " + compiler + ", no direct dependency " + asked)]);
    }
    if (compiler === null) {
      if (COMPILERS.indexOf(name) >= 0) {
        return reasons.concat([reason("compiler", "no compiler (built without one), " + asked + " wanted")]);
      }
      return reasons.concat([reason("compiler", asked + ": direct dependencies not recorded by this source", true)]);
    }
    if (COMPILERS.indexOf(name) >= 0 || builtin(partition(compiler, "@")[0]) === name) {
      return reasons.concat([reason("compiler", "compiler " + compiler + ", not " + asked)]);
    }
    return reasons.concat([reason("compiler", asked + ": direct dependencies not recorded by this source", true)]);
  }

  // the direct dependencies of a hash, from a mirror's map (hash -> [{name, version,
  // hash}]); the cache.spack.io records behind a page have none
  function lookupIn(graph) {
    return function (hash) {
      return Object.prototype.hasOwnProperty.call(graph, hash) ? graph[hash] : [];
    };
  }

  function allDependencies(hash, lookup) {
    var seen = new Map();
    var queue = [hash];
    while (queue.length) {
      lookup(queue.shift()).forEach(function (dep) {
        if (!seen.has(dep.hash)) {
          seen.set(dep.hash, dep);
          queue.push(dep.hash);
        }
      });
    }
    return Array.from(seen.values());
  }

  function checkDependencies(binary, wanted, lookup) {
    var reasons = [];
    if (!wanted.length) { return reasons; }
    if (lookup === null) {
      wanted.forEach(function (node) {
        reasons.push(reason("dependency", "^" + nodeText(node) + ": dependencies not recorded by this source", true));
      });
      return reasons;
    }
    var everything = allDependencies(binary.hash, lookup);
    wanted.forEach(function (node) {
      var named = everything.filter(function (d) { return d.name === node.name; });
      var extras = nodeExtras(node);
      if (extras.length) {
        reasons.push(reason("dependency", extras.join(" ") + " asked of ^" + node.name
          + ": only its version is recorded", true));
      }
      if (!named.length) {
        if (VIRTUALS.indexOf(node.name) >= 0) {
          reasons.push(reason("dependency", "^" + node.name + " is virtual: providers are not recorded", true));
        } else {
          reasons.push(reason("dependency", "no dependency " + node.name));
        }
      } else if (!named.some(function (d) { return node.versions === null || versionsContain(node.versions, d.version); })) {
        var versions = Array.from(new Set(named.map(function (d) { return d.version; })))
          .sort(compareVersions).join(", ");
        reasons.push(reason("dependency", "dependency " + node.name + "@" + versions + " outside @"
          + (node.versions ? versionsText(node.versions) : "None")));
      }
    });
    return reasons;
  }

  function failingFields(reasons) {
    var fields = [];
    reasons.forEach(function (r) {
      if (!r.unknown && fields.indexOf(r.field) < 0) { fields.push(r.field); }
    });
    return fields;
  }

  // match.check: hold a binary (a record's spec: hash, versions, compiler, os, platform,
  // target, variants) against a query (or spec text). options: package (the binary's),
  // dependencies (a map hash -> direct dependencies, where the source has them), runsOn
  // (a host CPU), runs (the CPU data; the page's by default). Returns {binary, reasons,
  // satisfied, distance, failingFields}.
  function check(binary, query, options) {
    options = options || {};
    var q = typeof query === "string" ? parse(query) : query;
    var root = q.root;
    var runs = options.runs || null;
    var lookup = options.dependencies ? lookupIn(options.dependencies) : null;
    var reasons = [];
    var versions = binary.versions || [];
    if (root.name !== null && options.package && root.name !== options.package) {
      reasons.push(reason("package", "package " + options.package + ", not " + root.name));
    }
    var distance = [0, 0, 0];
    if (root.versions !== null) {
      if (!versions.length) {
        reasons.push(reason("version", "no version recorded", true));
      } else {
        versions.forEach(function (v) {
          if (!versionsContain(root.versions, v)) {
            reasons.push(reason("version", "version " + v + " outside @" + versionsText(root.versions)));
          }
        });
        distance = versions.map(function (v) { return versionDistance(v, root.versions); })
          .reduce(function (a, b) { return compareDistance(a, b) >= 0 ? a : b; });
      }
    }
    if (root.direct.length) {
      var direct = lookup ? lookup(binary.hash) : null;
      root.direct.forEach(function (node) { reasons = reasons.concat(checkDirect(binary, node, direct)); });
    }
    reasons = reasons.concat(checkVariants(binary, root.variants));
    if (root.platform !== null && binary.platform !== root.platform) {
      reasons.push(reason("platform", "platform " + binary.platform + ", not " + root.platform));
    }
    if (root.os !== null && binary.os !== root.os) {
      reasons.push(reason("os", "os " + binary.os + ", not " + root.os));
    }
    if (root.targets.length && !root.targets.some(function (t) { return targetItemOk(binary.target, t, runs); })) {
      reasons.push(reason("target", targetReason(binary.target, root.targets)));
    }
    if (options.runsOn && !runsOn(binary.target, options.runsOn, runs)) {
      reasons.push(reason("target", "target " + binary.target + " does not run on " + options.runsOn));
    }
    reasons = reasons.concat(checkDependencies(binary, q.dependencies, lookup));
    return {
      binary: binary,
      reasons: reasons,
      satisfied: !reasons.length,
      distance: distance,
      failingFields: failingFields(reasons)
    };
  }

  function satisfies(binary, query, options) {
    return check(binary, query, options).satisfied;
  }

  function compareVersionLists(a, b) {
    var left = a.map(versionKey).sort(compareKeys);
    var right = b.map(versionKey).sort(compareKeys);
    return compareTuples(left, right, compareKeys);
  }

  // match.nearest: the n binaries nearest to satisfying the query among those that do
  // not: fewest failing fields, then version distance, then newest version, then hash
  function nearest(binaries, query, n, options) {
    var q = typeof query === "string" ? parse(query) : query;
    var misses = binaries.map(function (b) { return check(b, q, options); })
      .filter(function (m) { return !m.satisfied; });
    misses.sort(function (a, b) {
      return (a.failingFields.length - b.failingFields.length)
        || compareDistance(a.distance, b.distance)
        || -compareVersionLists(a.binary.versions || [], b.binary.versions || [])
        || (a.binary.hash < b.binary.hash ? -1 : a.binary.hash > b.binary.hash ? 1 : 0);
    });
    return misses.slice(0, Math.max(n, 0));
  }

  spackcache.match = {
    SpecSyntaxError: SpecSyntaxError,
    parse: parse,
    format: format,
    check: check,
    satisfies: satisfies,
    nearest: nearest,
    reasonText: reasonText,
    runsOn: runsOn,
    versionKey: versionKey,
    compareVersions: compareVersions,
    versionInRange: versionInRange,
    versionDistance: versionDistance
  };
})(window.spackcache = window.spackcache || {});
