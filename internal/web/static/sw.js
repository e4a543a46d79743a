// Noaber's service worker, served at /sw.js. The server puts VERSION,
// PRECACHE (the offline page and the files it needs), ICON and BADGE in
// front of this file. It keeps only those files: personal pages are never
// cached, so a shared phone shows nobody's messages offline.

var CACHE = "noaber-" + VERSION;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // With the cookies, for the user's language only: the server draws
    // /offline as for a visitor who is not signed in, so the copy kept
    // here holds nothing personal.
    return cache.addAll(PRECACHE);
  }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("noaber-") === 0 && k !== CACHE;
    }).map(function (k) {
      return caches.delete(k);
    }));
  }).then(function () {
    return self.clients.claim();
  }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") {
    return;
  }
  if (req.mode === "navigate") {
    // Network first, always: pages are personal and change. Only when
    // there is no network, the offline page.
    event.respondWith(fetch(req).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match("/offline");
      });
    }));
    return;
  }
  var url = new URL(req.url);
  if (url.origin === self.location.origin && PRECACHE.indexOf(url.pathname + url.search) >= 0) {
    // A versioned static file never changes: the cache is as good.
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(req).then(function (hit) {
        return hit || fetch(req);
      });
    }));
  }
});

// sameSite keeps a tap on a notification on this site.
function sameSite(url) {
  try {
    var u = new URL(url || "/", self.location.origin);
    if (u.origin === self.location.origin) {
      return u.href;
    }
  } catch (e) {
    // fall through
  }
  return new URL("/", self.location.origin).href;
}

// A push carries {title, body, url, tag, id}. The tag makes a push that
// was sent again replace the first one instead of showing twice.
self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (e) {
      data = { body: event.data.text() };
    }
  }
  var options = {
    body: data.body || "",
    icon: ICON,
    badge: BADGE,
    data: { url: sameSite(data.url), id: data.id || "" }
  };
  if (data.tag) {
    options.tag = data.tag;
  }
  event.waitUntil(self.registration.showNotification(data.title || "Noaber", options));
});

// A tap opens the page the notification is about, in a window that is
// already open on it when there is one.
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = sameSite(event.notification.data && event.notification.data.url);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].url === target && "focus" in list[i]) {
        return list[i].focus();
      }
    }
    if (self.clients.openWindow) {
      return self.clients.openWindow(target);
    }
  }));
});

// The push service replaced the subscription: hand the new one to the
// server, as the settings page would.
self.addEventListener("pushsubscriptionchange", function (event) {
  var old = event.oldSubscription;
  var key = old && old.options && old.options.applicationServerKey;
  if (!key) {
    return;
  }
  event.waitUntil(self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }).then(function (sub) {
    return fetch("/me/push", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(sub.toJSON())
    });
  }));
});
