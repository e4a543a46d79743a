// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Put focus on the error summary, for browsers that ignore autofocus on
  // a non-form element, so a screen reader reads what went wrong first.
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }

  // A live character counter under text areas with a maximum length. The
  // server checks the length anyway; this only warns early.
  var areas = document.querySelectorAll("textarea[data-maxlength][data-counter]");
  Array.prototype.forEach.call(areas, function (area) {
    var max = parseInt(area.getAttribute("data-maxlength"), 10);
    var text = area.getAttribute("data-counter");
    var out = document.createElement("p");
    out.className = "counter";
    out.id = area.id + "-counter";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + out.id);
    var timer;
    function update() {
      // Count characters as the server does (code points, not UTF-16 units).
      var left = max - Array.from(area.value).length;
      out.textContent = text.replace("{n}", String(left)).replace("{max}", String(max));
      out.classList.toggle("counter--over", left < 0);
    }
    update();
    area.addEventListener("input", function () {
      // Do not make screen readers announce every key press.
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  });
})();
