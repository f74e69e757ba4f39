// The time-zone prompt (templates/people/partials/time_zone_prompt.html): shown when the
// browser's zone is none of the account's zone names; "Keep ..." hides it for that zone.
(function () {
  "use strict";
  var prompt = document.getElementById("time-zone-prompt");
  if (!prompt) {
    return;
  }
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  var dismissedKey = "time-zone-prompt-dismissed";
  var dismissed = "";
  try {
    dismissed = window.localStorage.getItem(dismissedKey) || "";
  } catch (error) {
    dismissed = "";
  }
  var current = (prompt.dataset.current || "").split(" ");
  var universal = ["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Zulu"];
  if (current.indexOf("UTC") !== -1) {
    current = current.concat(universal);
  }
  if (!zone || current.indexOf(zone) !== -1 || zone === dismissed) {
    return;
  }
  prompt.querySelector('input[name="time_zone"]').value = zone;
  prompt.querySelectorAll("[data-zone-name]").forEach(function (element) {
    element.textContent = zone.replace(/_/g, " ");
  });
  prompt.querySelector("[data-dismiss]").addEventListener("click", function () {
    try {
      window.localStorage.setItem(dismissedKey, zone);
    } catch (error) {
      // private browsing: hidden for this page only
    }
    prompt.hidden = true;
  });
  prompt.hidden = false;
})();
