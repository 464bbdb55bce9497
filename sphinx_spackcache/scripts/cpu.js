/* sphinx-spackcache: "My CPU" keeps the binaries that run on the chosen CPU
 * (?runs-on=zen3, as the :runs-on: option), from window.SPACKCACHE_CPUS: the CPUs in
 * their groups and which targets run on each, computed from archspec when the site was
 * built (the CPU data, first in the page script; never fetched).
 */
(function (spackcache) {
  "use strict";

  var element = spackcache.page.element;
  var state = spackcache.state;
  var CPUS = window.SPACKCACHE_CPUS || null;

  // the choice, with the CPUs in their groups (x86_64 levels, Intel, AMD, ARM, Power,
  // RISC-V); null where there is no CPU data
  function choice() {
    if (!CPUS) { return null; }
    var label = element("label", "spackcache-cpu");
    label.appendChild(document.createTextNode("My CPU "));
    var select = element("select");
    select.setAttribute("aria-label", "My CPU: show only the binaries that run on it");
    select.appendChild(element("option", "", "any"));
    select.options[0].value = "";
    CPUS.groups.forEach(function (group) {
      var optgroup = element("optgroup");
      optgroup.label = group[0];
      group[1].forEach(function (name) {
        var option = element("option", "", name);
        option.value = name;
        optgroup.appendChild(option);
      });
      select.appendChild(optgroup);
    });
    select.addEventListener("change", function () { state.setFilter("runs-on", select.value); });
    label.appendChild(select);
    return label;
  }

  // show the state's CPU: a value from the address that is not one CPU of the list (two
  // CPUs, an unknown name) is shown as it is, as an option of its own
  function show(label) {
    var select = label.querySelector("select");
    var cpu = state.filters["runs-on"] || "";
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === cpu; });
    if (!known) {
      var option = element("option", "spackcache-cpu-other", cpu);
      option.value = cpu;
      select.insertBefore(option, select.children[1] || null);
    }
    select.value = cpu;
  }

  // which targets run on each CPU, for the filters of filters.js
  function runs() {
    return (CPUS && CPUS.runs) || {};
  }

  spackcache.cpu = { choice: choice, show: show, runs: runs };
})(window.spackcache = window.spackcache || {});
