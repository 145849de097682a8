// Search-as-you-type for fields marked data-suggest (components/macros.html "typeahead"). Without this file the
// fields still work: the server fills their <datalist> when a form comes back. With it, the suggestions follow
// the typing (GET /forslag/{kind}?q=…) and are shown as buttons under the field (in place of the browser's
// datalist popup), so a click fills the field.
(function () {
  "use strict";
  function setup(input) {
    var list = document.createElement("ul");
    list.className = "typeahead-list";
    list.setAttribute("aria-label", "Forslag");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    var datalist = input.list;
    var served = datalist ? Array.prototype.map.call(datalist.options, function (o) {
      return { value: o.value, label: o.textContent };
    }) : [];
    input.removeAttribute("list"); // the buttons below replace the browser's own list
    var timer = null;
    var asked = input.value.trim();
    function show(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "suggestion";
        button.textContent = item.value + (item.label ? " – " + item.label : "");
        button.addEventListener("click", function () {
          input.value = item.value;
          list.hidden = true;
          input.focus();
        });
        li.appendChild(button);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    function ask() {
      var q = input.value.trim();
      if (q === asked) return;
      asked = q;
      if (!q) { show([]); return; }
      fetch("/forslag/" + encodeURIComponent(input.dataset.suggest) + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (input.value.trim() === q) show(items); })
        .catch(function () {});
    }
    if (served.length && input.getAttribute("aria-invalid") === "true") show(served);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") list.hidden = true;
    });
  }
  document.querySelectorAll("input[data-suggest]").forEach(setup);
})();
