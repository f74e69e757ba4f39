// Search pickers (mentoring/people/forms.py SearchPicker): a select that holds only the
// current choice, and a search box that asks data-search-url as the person types and puts
// what it finds into the select. Without JavaScript the search box is sent with the form,
// which searches instead; with it, the box is not sent (its name is removed).
(function () {
  "use strict";
  var WAIT_MS = 250;

  function option(value, text, selected) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    element.selected = Boolean(selected);
    return element;
  }

  function setUp(picker) {
    var query = picker.querySelector(".search-picker__query");
    var select = picker.querySelector("select");
    var status = picker.querySelector(".search-picker__status");
    var url = picker.dataset.searchUrl;
    if (!query || !select || !url || !window.fetch) {
      return;
    }
    query.removeAttribute("name");
    var timer = null;
    var asked = 0;

    // The texts come translated from the page (data-text-*), with {name} placeholders.
    function text(key, values) {
      return (picker.dataset[key] || "").replace(/\{(\w+)\}/g, function (whole, name) {
        return name in values ? String(values[name]) : whole;
      });
    }

    function show(results, total, term) {
      var current = select.options[select.selectedIndex];
      var kept = current ? option(current.value, current.textContent, true) : null;
      select.replaceChildren();
      if (kept) {
        select.appendChild(kept);
      }
      results.forEach(function (result) {
        if (!kept || result.id !== kept.value) {
          select.appendChild(option(result.id, result.text, false));
        }
      });
      var found = select.options.length;
      select.size = term && found > 1 ? Math.min(found, 8) : 1;
      if (!term) {
        status.textContent = "";
      } else if (!total) {
        status.textContent = text("textNone", { term: term });
      } else if (total > results.length) {
        status.textContent = text("textMore", { total: total, shown: results.length });
      } else {
        status.textContent = text(total === 1 ? "textOne" : "textMany", { total: total });
      }
    }

    function search() {
      var term = query.value.trim();
      var mine = ++asked;
      if (!term) {
        show([], 0, "");
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(term), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          if (mine === asked) {
            show(data.results || [], data.total || 0, term);
          }
        })
        .catch(function () {
          if (mine === asked) {
            status.textContent = text("textFailed", {});
          }
        });
    }

    query.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, WAIT_MS);
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault(); // Enter searches; it does not send the form half-filled
        window.clearTimeout(timer);
        if (event.key === "Enter") {
          search();
        } else {
          select.focus();
        }
      }
    });
    select.addEventListener("change", function () {
      var chosen = select.options[select.selectedIndex];
      if (chosen) {
        status.textContent = text("textChosen", { choice: chosen.textContent });
      }
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-search-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
