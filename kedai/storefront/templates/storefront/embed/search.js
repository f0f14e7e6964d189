{% load i18n storefront %}/* Kedai search box for any website.
 *
 *   <div data-kedai-search></div>
 *   <script src="{{ request.scheme }}://{{ request.get_host }}/embed/search.js" async></script>
 *
 * Renders a search form that submits to the shop (plain GET, works without
 * this script too) and shows live suggestions from /embed/suggest.json.
 * Builds the DOM with textContent only, so product names are never parsed
 * as HTML. Sets no cookies.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL(script.src).origin;
  var text = {
    label: {{ _("Search products")|json_script_value }},
    button: {{ _("Search")|json_script_value }},
    none: {{ _("No suggestions.")|json_script_value }}
  };
  var counter = 0;

  function build(host) {
    var id = "kedai-search-" + (++counter);
    var form = document.createElement("form");
    form.method = "get";
    form.action = base + "/search/";
    form.setAttribute("role", "search");
    form.className = "kedai-search";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = text.label;
    var input = document.createElement("input");
    input.type = "search";
    input.name = "q";
    input.id = id;
    input.autocomplete = "off";
    input.maxLength = 1000;
    input.setAttribute("aria-controls", id + "-list");
    var button = document.createElement("button");
    button.type = "submit";
    button.textContent = text.button;
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.setAttribute("aria-live", "polite");
    form.append(label, input, button, list);
    host.appendChild(form);

    var timer = null, seq = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { suggest(input.value, list, ++seq); }, 200);
    });
    function suggest(q, target, mine) {
      if (!q.trim()) { target.replaceChildren(); return; }
      fetch(base + "/embed/suggest.json?q=" + encodeURIComponent(q), {credentials: "omit"})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) {
          if (mine !== seq) return;
          var items = (data.results || []).map(function (s) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = s.url;
            a.textContent = s.name;
            var price = document.createElement("small");
            price.textContent = s.price ? " " + s.price : "";
            li.append(a, price);
            return li;
          });
          if (!items.length) {
            var li = document.createElement("li");
            li.textContent = text.none;
            items = [li];
          }
          target.replaceChildren.apply(target, items);
        })
        .catch(function () { target.replaceChildren(); });
    }
  }

  var hosts = document.querySelectorAll("[data-kedai-search]:not([data-kedai-ready])");
  if (!hosts.length) {
    var div = document.createElement("div");
    script.parentNode.insertBefore(div, script.nextSibling);
    hosts = [div];
  }
  Array.prototype.forEach.call(hosts, function (host) {
    host.setAttribute("data-kedai-ready", "");
    build(host);
  });
})();
