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

// "Use my location": only with a script and the browser's own consent
// prompt. Without a script the section stays hidden, and the position
// comes from the postcode.
(function () {
  "use strict";
  var section = document.querySelector("[data-geolocation]");
  var button = document.getElementById("use-location");
  if (!section || !button || !("geolocation" in navigator)) {
    return;
  }
  section.hidden = false;
  var status = document.getElementById("position-status");
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("position-lat").value = String(pos.coords.latitude);
      document.getElementById("position-lng").value = String(pos.coords.longitude);
      document.getElementById("position-form").submit();
    }, function () {
      button.disabled = false;
      status.textContent = button.getAttribute("data-error");
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 });
  });
})();

// The service worker makes Noaber installable, shows push notifications
// and an offline page. The site works the same without it.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      // Not available here (a private window, an old browser): no matter.
    });
  }
})();
