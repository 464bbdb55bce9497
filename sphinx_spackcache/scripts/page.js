/* sphinx-spackcache: reading what the extension wrote into the page.
 *
 * A value badge's field is in its class (spackcache-<field>), its value is its text; the
 * line above a spec table says what all its rows share. Also element(), the one way the
 * other scripts make an element.
 */
(function (spackcache) {
  "use strict";

  // badge class "spackcache-<field>" -> URL parameter, as the filter options are named
  var FIELDS = {
    version: "version", compiler: "compiler", os: "os", platform: "platform",
    target: "target", variants: "variant", stack: "stack",
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // the filter parameter of a badge, or null for a badge that does not filter
  function badgeParam(badge) {
    for (var i = 0; i < badge.classList.length; i++) {
      var name = badge.classList[i];
      if (name.indexOf("spackcache-") === 0) {
        var param = FIELDS[name.slice("spackcache-".length)];
        if (param) { return param; }
      }
    }
    return null;
  }

  // a stack badge of the summary reads "e4s (4)": the value is the name
  function badgeValue(badge) {
    return badge.textContent.replace(/\u00a0\(\d+\)$/, "").trim();
  }

  // param -> values of the badges in *node*
  function valuesIn(node) {
    var values = {};
    Array.prototype.forEach.call(node.querySelectorAll(".sd-badge"), function (badge) {
      var param = badgeParam(badge);
      if (!param) { return; }
      (values[param] = values[param] || []).push(badgeValue(badge));
    });
    return values;
  }

  // the line above a spec table saying what every row shares, if there is one
  function sharedLine(scroll) {
    var previous = scroll.previousElementSibling;
    return previous && previous.classList.contains("spackcache-shared") ? previous : null;
  }

  // the colour behind *node*: the first opaque background of it or its ancestors
  function pageBackground(node) {
    for (; node && node.nodeType === 1; node = node.parentElement) {
      var colour = getComputedStyle(node).backgroundColor;
      if (colour && colour !== "transparent" && !/rgba\(.*,\s*0\)$/.test(colour)) { return colour; }
    }
    return getComputedStyle(document.documentElement).backgroundColor || "Canvas";
  }

  spackcache.page = {
    FIELDS: FIELDS,
    element: element,
    badgeParam: badgeParam,
    badgeValue: badgeValue,
    valuesIn: valuesIn,
    sharedLine: sharedLine,
    pageBackground: pageBackground,
  };
})(window.spackcache = window.spackcache || {});
