/* sphinx-spackcache: "+N" only where it saves room (issue 25, point 5).
 *
 * A cell of badges shows its first few and folds the rest behind "+N" (a <details>, see
 * render/badges.py): the build cannot know how wide a column will be in a theme at a
 * given width. Here, where the column's width is known, a "+N" whose badges have room on
 * its line, from the end of the badge before it to the cell's edge, gives way to them:
 * "+1" no longer hides a badge that would have fitted where it stands.
 *
 * The badges are measured first (copies, out of the flow, beside the cell's own); only
 * those that fit are moved, into a box (span.spackcache-fitted) that takes the place of
 * the <details> and has the very box "+N" had: the same margin, width and height, its
 * size contained (`contain: size`), the badges shown past its right edge, drawn where they
 * would be if they followed the badges before them (`position: relative`). The table's
 * automatic layout sees what it saw before, so no column moves, no line breaks elsewhere
 * and the cell keeps its lines (a spec's stacks stay within two).
 *
 * Cells are fitted again whenever their size changes (a ResizeObserver: a new page of
 * rows, a wider window, a filter that changes the columns): each goes back to "+N"
 * first, then is fitted for its new width. A "+N" the reader has opened is theirs: it
 * stays, and keeps the focus.
 */
(function (spackcache) {
  "use strict";

  var FITTED = "spackcache-fitted";
  var MORE = "td > details.spackcache-more";
  var fitted = new Map(); // cell -> {details, box, width, height}
  var touched = new WeakSet(); // the <details> a reader has opened

  // a cell's "+N" of badges (not a disclosure with a label of its own) that may give
  // way to its badges, or null
  function disclosure(cell) {
    var details = cell.querySelector(":scope > details.spackcache-more");
    if (!details || details.open || touched.has(details)) { return null; }
    if (!details.querySelector(":scope > summary > .spackcache-more-count")) { return null; }
    return details.querySelector(":scope > p .sd-badge") ? details : null;
  }

  // *cell* as the build wrote it: its "+N" back in place of the fitted badges
  function unfit(cell) {
    var record = fitted.get(cell);
    if (!record) { return; }
    fitted.delete(cell);
    var paragraph = record.details.querySelector(":scope > p");
    paragraph.append.apply(paragraph, Array.from(record.box.childNodes));
    record.box.replaceWith(record.details);
  }

  // the right edge of *cell*'s content box
  function contentRight(cell) {
    var style = getComputedStyle(cell);
    return cell.getBoundingClientRect().right - parseFloat(style.paddingRight)
      - parseFloat(style.borderRightWidth);
  }

  // the width of a space in *element*'s font
  var canvas = null;
  function spaceWidth(element) {
    var style = getComputedStyle(element);
    canvas = canvas || document.createElement("canvas");
    var context = canvas.getContext("2d");
    context.font = style.font || [style.fontStyle, style.fontWeight, style.fontSize, style.fontFamily].join(" ");
    return context.measureText(" ").width + (parseFloat(style.wordSpacing) || 0);
  }

  // a box for badges in a cell (to measure them: out of the flow, unseen)
  function badgeBox(badges, measuring) {
    var box = spackcache.page.element("span", FITTED);
    if (measuring) {
      box.style.position = "absolute";
      box.style.visibility = "hidden";
    }
    badges.forEach(function (badge, i) {
      if (i) { box.appendChild(document.createTextNode(" ")); }
      box.appendChild(measuring ? badge.cloneNode(true) : badge);
    });
    return box;
  }

  // fit the cells given: all back to "+N", then each "+N" whose badges have room replaced
  function fit(cells) {
    cells.forEach(unfit);
    var tried = [];
    cells.forEach(function (cell) {
      // a cell of a row the pager hides has no width to fit in: it is fitted when shown
      // (the observer below sees its size change); fitting those of thousands of hidden
      // rows cost seconds on a page of 6,734 specs (benchmarks/bigpage.py)
      if (!cell.isConnected || cell.parentElement.hidden) { return; }
      var details = disclosure(cell);
      var paragraph = details && details.previousElementSibling;
      if (!paragraph || paragraph.tagName !== "P" || !paragraph.lastElementChild) { return; }
      var badges = Array.from(details.querySelectorAll(":scope > p .sd-badge"));
      tried.push({ cell: cell, details: details, paragraph: paragraph, badges: badges });
    });
    // write: copies of the folded badges beside each cell's own, to measure
    tried.forEach(function (entry) {
      entry.measure = badgeBox(entry.badges, true);
      entry.cell.appendChild(entry.measure);
    });
    // read (one layout): whether they have room on the line of "+N", after the last
    // badge before them, each after a margin and a space as badges are
    tried.forEach(function (entry) {
      var summary = entry.details.querySelector(":scope > summary").getBoundingClientRect();
      var space = spaceWidth(entry.paragraph);
      var end = entry.paragraph.lastElementChild.getBoundingClientRect().right;
      Array.prototype.forEach.call(entry.measure.querySelectorAll(".sd-badge"), function (copy) {
        end += parseFloat(getComputedStyle(copy).marginRight) + space + copy.getBoundingClientRect().width;
      });
      entry.summary = summary;
      entry.fits = summary.width > 0 && end <= contentRight(entry.cell) + 0.5;
    });
    // write: the copies gone; where the badges fit, "+N" replaced by a box of its size
    // holding them
    tried.forEach(function (entry) { entry.measure.remove(); });
    tried = tried.filter(function (entry) { return entry.fits; });
    tried.forEach(function (entry) {
      var box = badgeBox(entry.badges, false);
      box.style.width = entry.summary.width + "px";
      box.style.height = entry.summary.height + "px";
      var paragraph = entry.details.querySelector(":scope > p");
      while (paragraph.firstChild) { paragraph.removeChild(paragraph.firstChild); }
      entry.details.replaceWith(box);
      entry.box = box;
      fitted.set(entry.cell, { details: entry.details, box: box });
    });
    // read: where the badges are, and where they follow the badges before them (after
    // the last one's margin and a space, on its line); write: them drawn there (the box
    // keeps its place in the layout)
    tried.forEach(function (entry) {
      var first = entry.box.firstElementChild;
      var to = entry.paragraph.lastElementChild.getBoundingClientRect();
      var from = first.getBoundingClientRect();
      var gap = parseFloat(getComputedStyle(first).marginRight) + spaceWidth(entry.paragraph);
      entry.shift = [to.right + gap - from.left, to.top - from.top];
    });
    tried.forEach(function (entry) {
      entry.box.style.left = entry.shift[0] + "px";
      entry.box.style.top = entry.shift[1] + "px";
    });
    cells.forEach(function (cell) {
      var record = fitted.get(cell);
      if (record) {
        var box = cell.getBoundingClientRect();
        record.width = box.width;
        record.height = box.height;
      }
    });
  }

  // keep the cells of "+N" under *root* fitted, now and whenever their size changes
  function watch(root) {
    var cells = [];
    Array.prototype.forEach.call(root.querySelectorAll("table.spackcache-table " + MORE), function (details) {
      if (disclosure(details.parentElement)) { cells.push(details.parentElement); }
    });
    if (!cells.length) { return; }
    // a "+N" the reader opens stays as it is (toggle does not bubble: caught on the way down)
    root.addEventListener("toggle", function (event) {
      if (event.target.matches && event.target.matches(MORE)) { touched.add(event.target); }
    }, true);
    fit(cells);
    if (typeof ResizeObserver === "undefined") { return; }
    var observer = new ResizeObserver(function (entries) {
      var changed = entries.map(function (entry) { return entry.target; }).filter(function (cell) {
        var record = fitted.get(cell);
        if (!record) { return true; }
        var box = cell.getBoundingClientRect();
        return Math.abs(box.width - record.width) > 0.5 || Math.abs(box.height - record.height) > 0.5;
      });
      if (changed.length) { fit(changed); }
    });
    cells.forEach(function (cell) { observer.observe(cell); });
  }

  spackcache.fit = { watch: watch, fit: fit };
})(window.spackcache = window.spackcache || {});
