// The conversation page, made live: new messages appear without
// reloading (Server-Sent Events) and the send form posts in the
// background. Progressive enhancement only: without this file the page
// works by posting the form and reloading.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list) {
    return;
  }
  var base = "/messages/" + list.getAttribute("data-conversation");
  var live = list.getAttribute("data-live");
  var readText = list.getAttribute("data-read-text") || "";
  var status = document.getElementById("messages-status");
  var form = document.getElementById("message-form");
  var area = document.getElementById("message-body");
  var source = null;
  var readPending = false;

  function scrollDown() {
    var bottom = document.getElementById("bottom");
    if (bottom && bottom.scrollIntoView) {
      bottom.scrollIntoView({ block: "end" });
    }
  }

  // Newest at the bottom: start there, unless the address points
  // elsewhere (an older page, a section).
  if (!window.location.hash && window.location.search.indexOf("before=") < 0) {
    scrollDown();
  }

  // Tell the server the messages were read, so the sender sees "read";
  // only while the page is in view.
  function markRead() {
    if (document.visibilityState && document.visibilityState !== "visible") {
      readPending = true;
      return;
    }
    readPending = false;
    fetch(base + "/read", { method: "POST", credentials: "same-origin" }).catch(function () {});
  }
  document.addEventListener("visibilitychange", function () {
    if (readPending && document.visibilityState === "visible") {
      markRead();
    }
  });

  function mine() {
    return list.querySelectorAll("li.message--mine").length;
  }

  if (live && window.EventSource) {
    source = new EventSource(live);
    source.addEventListener("message", function (ev) {
      // The fragment is rendered and escaped by the server's template.
      var tpl = document.createElement("template");
      tpl.innerHTML = ev.data;
      var item = tpl.content.firstElementChild;
      if (!item || !item.id || document.getElementById(item.id)) {
        return;
      }
      list.appendChild(item);
      var none = document.getElementById("messages-none");
      if (none) {
        none.hidden = true;
      }
      if (!item.classList.contains("message--mine")) {
        if (status) {
          status.textContent = item.textContent.replace(/\s+/g, " ").trim();
        }
        markRead();
      }
      scrollDown();
    });
    source.addEventListener("read", function () {
      var items = list.querySelectorAll("li.message--mine");
      Array.prototype.forEach.call(items, function (item) {
        if (item.querySelector(".read-marker")) {
          return;
        }
        var p = document.createElement("p");
        p.className = "message__status";
        var span = document.createElement("span");
        span.className = "read-marker";
        span.textContent = readText;
        p.appendChild(span);
        item.appendChild(p);
      });
    });
    // Marked done or thanked: the page shows other buttons now. Not
    // while this page is already on its way elsewhere (a form it sent
    // marked the conversation done): a reload would cancel that.
    var leaving = false;
    window.addEventListener("beforeunload", function () {
      leaving = true;
    });
    function reload() {
      if (!leaving) {
        window.location.reload();
      }
    }
    source.addEventListener("done", reload);
    source.addEventListener("reload", reload);
  }

  // A new idempotency key for the next message.
  function newKey() {
    var key = form.querySelector("input[name=key]");
    if (!key || !window.crypto || !window.crypto.getRandomValues) {
      return false;
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    key.value = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    return true;
  }

  if (!form || !area || !window.fetch || !window.FormData || !window.URLSearchParams) {
    return;
  }
  form.addEventListener("submit", function (ev) {
    // Without the live stream, or with nothing to send (the server then
    // says what is wrong), the form posts as usual.
    if (!source || source.readyState !== 1 || area.value.trim() === "") {
      return;
    }
    ev.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    var before = mine();
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      body: new URLSearchParams(new FormData(form))
    }).then(function (res) {
      if (res.type !== "opaqueredirect" && !res.ok) {
        // An error: the normal post shows it by the field, text kept.
        form.submit();
        return;
      }
      if (button) {
        button.disabled = false;
      }
      area.value = "";
      area.dispatchEvent(new Event("input"));
      area.focus();
      if (!newKey()) {
        window.location.reload();
        return;
      }
      // The message comes back through the live stream; should it not,
      // the page reloads to show it.
      setTimeout(function () {
        if (mine() === before && area.value === "") {
          window.location.reload();
        }
      }, 8000);
    }).catch(function () {
      // The same key: a message that did arrive is not posted twice.
      form.submit();
    });
  });
})();
