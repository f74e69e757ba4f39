// The search pickers of a match run's review page (templates/admin/matching/matchrun/
// _picker.html): Enter in a picker's search box searches now instead of sending the form
// around it (which would post a half-chosen swap or pair).
document.addEventListener("keydown", function (event) {
  var box = event.target;
  if (event.key === "Enter" && box.classList && box.classList.contains("picker__search")) {
    event.preventDefault();
    if (window.htmx) {
      window.htmx.trigger(box, "search");
    }
  }
});
