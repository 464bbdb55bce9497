/* sphinx-spackcache: each row of a spec table can copy its hash or the command that
 * installs that binary, spelled for the snapshot's Spack (the table's classes say which),
 * and, where the source gave it (a v3 mirror's spec manifest), the SHA-256 of the
 * binary's tarball: from the empty <data class="spackcache-sha256" value="..."> of the
 * hash cell, as the bare 64 hexadecimal digits (what the manifest's "checksum" and
 * `sha256sum` print), by a button in the row's Size cell, else beside the hash's buttons.
 */
(function (spackcache) {
  "use strict";

  var element = spackcache.page.element;
  // a spec's hash, as Spack writes it (base32, 32 characters)
  var SPACK_HASH = /^[a-z2-7]{32}$/;
  // a SHA-256 as Spack's spec manifests give it
  var SHA256 = /^[0-9a-f]{64}$/;
  // icons are drawn (no icon font, nothing fetched): a 16x16 picture of stroked shapes
  var SVG = "http://www.w3.org/2000/svg";

  function icon(shapes) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "1em");
    svg.setAttribute("height", "1em");
    svg.setAttribute("aria-hidden", "true");
    shapes.forEach(function (shape) {
      var node = document.createElementNS(SVG, shape[0]);
      Object.keys(shape[1]).forEach(function (name) { node.setAttribute(name, shape[1][name]); });
      node.setAttribute("fill", "none");
      node.setAttribute("stroke", "currentColor");
      node.setAttribute("stroke-width", "1.5");
      svg.appendChild(node);
    });
    return svg;
  }

  // a prompt and a cursor
  function promptIcon() {
    return icon([["path", { d: "M2 4l4 4-4 4M8 13h6", "stroke-linecap": "round",
                            "stroke-linejoin": "round" }]]);
  }

  // two overlapping sheets
  function copyIcon() {
    return icon([["rect", { x: "5", y: "5", width: "9", height: "9", rx: "1.5" }],
                 ["rect", { x: "2", y: "2", width: "9", height: "9", rx: "1.5" }]]);
  }

  // a hash sign: a checksum
  function checksumIcon() {
    return icon([["path", { d: "M6.5 2L5 14M11 2L9.5 14M2.5 5.5h11.5M2 10.5h11.5",
                            "stroke-linecap": "round" }]]);
  }

  // the clipboard where the page may use it, else a selected text area
  function copy(text, button) {
    function done() {
      button.classList.add("spackcache-copied");
      window.setTimeout(function () { button.classList.remove("spackcache-copied"); }, 1200);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(); });
    } else { fallback(); }
    function fallback() {
      var area = element("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } finally { area.remove(); }
    }
  }

  // the command that installs one binary by its hash, spelled for the snapshot's Spack
  function installCommand(table, hash) {
    var classes = table.classList;
    var only = classes.contains("spackcache-install-cache-only") ? "--cache-only" : "--use-buildcache only";
    var unsigned = classes.contains("spackcache-install-no-check-signature") ? " --no-check-signature" : "";
    return "spack install " + only + unsigned + " /" + hash;
  }

  // the buttons of each hash cell of a spec table (a Table of table.js)
  function addButtons(table) {
    Array.prototype.forEach.call(table.body.querySelectorAll("td.spackcache-hash"), function (cell) {
      var code = cell.querySelector("code.spackcache-hash");
      if (!code) { return; }
      var hash = code.textContent.trim();
      code.title = hash;
      var buttons = [["spackcache-copy", copyIcon(), "Copy the hash " + hash, hash]];
      // a command only for a real Spack hash: nothing else from the data reaches a shell
      if (SPACK_HASH.test(hash)) {
        var command = installCommand(table.table, hash);
        buttons.push(["spackcache-copy spackcache-copy-install", promptIcon(),
                      "Copy the command that installs it: " + command, command]);
      }
      // the two buttons one above the other: the column is no wider than for one
      var where = element("span", "spackcache-copies");
      (code.closest("p") || cell).appendChild(where);
      buttons.forEach(function (kind) { where.appendChild(button(kind)); });
      addChecksumButton(cell, hash, where);
    });
  }

  function button(kind) {
    var made = element("button", kind[0]);
    made.appendChild(kind[1]);
    made.type = "button";
    made.title = kind[4] || kind[2];
    made.setAttribute("aria-label", kind[2]);
    made.addEventListener("click", function (event) {
      event.preventDefault();
      copy(kind[3], made);
    });
    return made;
  }

  // the SHA-256 of the row's tarball, where its hash cell carries one: in the Size cell
  // (the size and the checksum of the same file), else after the hash's buttons
  function addChecksumButton(cell, hash, besideHash) {
    var data = cell.querySelector("data.spackcache-sha256");
    if (!data || !SHA256.test(data.value)) { return; }
    var name = "Copy the SHA-256 of " + hash.slice(0, 7) + "'s tarball";
    var made = button(["spackcache-copy spackcache-copy-sha256", checksumIcon(), name,
                       data.value, name + ": " + data.value]);
    var size = cell.parentNode.querySelector("td.spackcache-size > p");
    if (size) {
      var where = element("span", "spackcache-copies");
      where.appendChild(made);
      size.appendChild(where);
    } else {
      besideHash.appendChild(made);
    }
  }

  spackcache.copy = { addButtons: addButtons, installCommand: installCommand };
})(window.spackcache = window.spackcache || {});
