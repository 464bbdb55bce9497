/* sphinx-spackcache: "Download CSV" saves the rows the filters keep (all of them, not
 * only those of the page shown).
 *
 * A spec table's CSV has the columns of the exported files, in their order
 * (window.SPACKCACHE_EXPORT_FIELDS, written by the build from data/export.py's
 * SPEC_FIELDS: hash, versions, compiler, os, platform, target, variants, stacks, size,
 * tarball), whatever columns the table shows: a value said once above the table is on
 * every row, a spec built without a compiler has an empty cell, a list's values are in
 * the exports' order (variants by name, stacks by name), joined with spaces. Its rows are
 * those of the exported file the filters keep, in the table's order. A package
 * listing's CSV has the package, then each field its badges show.
 */
(function (spackcache) {
  "use strict";

  var element = spackcache.page.element;
  var FIELDS = spackcache.page.FIELDS;
  // the exported files' columns (the build writes them before the scripts)
  var EXPORT_FIELDS = window.SPACKCACHE_EXPORT_FIELDS ||
    ["hash", "versions", "compiler", "os", "platform", "target", "variants", "stacks", "size", "tarball"];
  // an export's column -> the filter parameter of the badges that show its values
  var PARAMS = { versions: "version", compiler: "compiler", os: "os", platform: "platform",
                 target: "target", variants: "variant", stacks: "stack" };
  // a listing's CSV headings, as the exported files name the fields
  var HEADINGS = { version: "versions", variant: "variants", stack: "stacks" };
  // the text of a spec built without a compiler (data/model.py, NO_COMPILER)
  var NO_COMPILER = "none";

  // a cell a spreadsheet could run as a formula is made text, as the exports do
  function csvCell(value) {
    if (/^[=@\t\r]/.test(value) || (/^[+-]/.test(value) && !/^[+-][\w.,:=+~@\/ -]*$/.test(value))) {
      value = "'" + value;
    }
    return /[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  // what a variant sets (render/spectable.py, variant_name): cxxstd of cxxstd=17,
  // patches of patches:=a440f96, mpi of +mpi and ~mpi
  function variantName(variant) {
    var name = variant.replace(/^[+~-]+/, "");
    return name.indexOf("=") >= 0 ? name.split("=")[0].replace(/:+$/, "") : name;
  }

  function byName(key) {
    return function (a, b) {
      var left = key(a);
      var right = key(b);
      return left < right ? -1 : left > right ? 1 : 0;
    };
  }

  var ORDER = {
    variants: function (values) { return values.slice().sort(byName(variantName)); },
    stacks: function (values) { return values.slice().sort(byName(function (v) { return v; })); },
  };

  // the text of *selector* in the row, else in the line of what the rows share
  function textOf(table, entry, selector) {
    var node = entry.row.querySelector(selector) ||
      (table.sharedLine ? table.sharedLine.querySelector(selector) : null);
    return node ? node.textContent.trim() : "";
  }

  // one spec's row of the exported file
  function specCells(table, entry) {
    return EXPORT_FIELDS.map(function (field) {
      if (field === "hash") { return textOf(table, entry, "code.spackcache-hash"); }
      if (field === "size") {
        var size = textOf(table, entry, "td.spackcache-size, .spackcache-shared-size .sd-badge");
        return size === "-" ? "" : size;
      }
      if (field === "tarball") {
        // the link of the hash itself (its binary), not those of its dependencies
        var code = entry.row.querySelector("td.spackcache-hash code.spackcache-hash");
        var link = code ? code.closest("a[href]") : null;
        return link ? link.getAttribute("href") : "";
      }
      var param = PARAMS[field];
      var values = (entry.values[param] || []).concat(table.shared[param] || []);
      if (field === "compiler") { values = values.filter(function (v) { return v !== NO_COMPILER; }); }
      return (ORDER[field] ? ORDER[field](values) : values).join(" ");
    });
  }

  // the CSV text of the rows of *table* (a Table of table.js) the filters keep
  function csv(table) {
    var lines = [];
    if (table.kind === "spec") {
      lines.push(EXPORT_FIELDS.map(csvCell).join(","));
      table.shownRows().forEach(function (entry) {
        lines.push(specCells(table, entry).map(csvCell).join(","));
      });
      return lines.join("\n") + "\n";
    }
    var params = Object.keys(FIELDS).map(function (key) { return FIELDS[key]; })
      .filter(function (param) { return table.fields[param]; });
    var headings = params.map(function (param) { return HEADINGS[param] || param; });
    lines.push(["package"].concat(headings).map(csvCell).join(","));
    table.shownRows().forEach(function (entry) {
      var key = entry.row.querySelector("td.spackcache-package");
      var cells = [key ? key.textContent.trim() : ""];
      params.forEach(function (param) {
        cells.push((entry.values[param] || []).concat(table.shared[param] || []).join(" "));
      });
      lines.push(cells.map(csvCell).join(","));
    });
    return lines.join("\n") + "\n";
  }

  // the file, named after the table's caption
  function save(table) {
    var name = (table.table.caption ? table.table.caption.textContent : "spackcache")
      .replace(/[^\w.@+-]+/g, "-").replace(/^-+|-+$/g, "") || "spackcache";
    var url = URL.createObjectURL(new Blob([csv(table)], { type: "text/csv;charset=utf-8" }));
    var link = element("a");
    link.href = url;
    link.download = name + ".csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  spackcache.csv = { csv: csv, save: save };
})(window.spackcache = window.spackcache || {});
