/* sphinx-spackcache: "Download CSV" saves the rows the filters keep (all of them, not
 * only those of the page shown), with the headings the exported files use.
 */
(function (spackcache) {
  "use strict";

  var element = spackcache.page.element;
  var FIELDS = spackcache.page.FIELDS;
  // the CSV's headings, as the exported files name the fields
  var HEADINGS = { version: "versions", variant: "variants", stack: "stacks" };

  // a cell a spreadsheet could run as a formula is made text, as the exports do
  function csvCell(value) {
    if (/^[=@\t\r]/.test(value) || (/^[+-]/.test(value) && !/^[+-][\w.,:=+~@\/ -]*$/.test(value))) {
      value = "'" + value;
    }
    return /[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  // the CSV text of the rows of *table* (a Table of table.js) the filters keep
  function csv(table) {
    var params = Object.keys(FIELDS).map(function (key) { return FIELDS[key]; })
      .filter(function (param) { return table.fields[param]; });
    var first = table.kind === "spec" ? "hash" : "package";
    var headings = params.map(function (param) { return HEADINGS[param] || param; });
    var lines = [[first].concat(headings).map(csvCell).join(",")];
    table.shownRows().forEach(function (entry) {
      var key = entry.row.querySelector(table.kind === "spec" ? "code.spackcache-hash" : "td.spackcache-package");
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
