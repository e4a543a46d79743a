// "Meldingen op dit apparaat aanzetten" on /me/notifications. Without a
// script or without the Push API the button stays hidden and the page
// says why; the e-mail and push choices still work as a plain form.
(function () {
  "use strict";
  var box = document.getElementById("push-this-device");
  var button = document.getElementById("push-enable");
  if (!box || !button) {
    return;
  }
  var key = box.getAttribute("data-vapid-key");
  if (!key || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  box.hidden = false;
  var note = document.getElementById("push-unsupported");
  if (note) {
    note.hidden = true;
  }
  var status = document.getElementById("push-status");

  function fail(attr) {
    button.disabled = false;
    status.textContent = box.getAttribute(attr) || box.getAttribute("data-error");
  }

  // The key is base64url; pushManager.subscribe wants its bytes.
  function keyBytes(s) {
    var b64 = (s + "===".slice((s.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "";
    // Ask for permission first, straight from the click: browsers only
    // show the question for a user's own gesture.
    Notification.requestPermission().then(function (perm) {
      if (perm !== "granted") {
        fail("data-denied");
        return;
      }
      return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      }).then(function (sub) {
        return fetch("/me/push", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(sub.toJSON())
        });
      }).then(function (res) {
        if (!res.ok) {
          throw new Error("status " + res.status);
        }
        window.location.assign("/me/notifications?subscribed=1");
      });
    }).catch(function () {
      fail("data-error");
    });
  });
})();
