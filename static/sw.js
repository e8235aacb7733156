/* DVPO Desk's service worker: Web Push for the patrol page (issue 16).
   A push carries no personal data: a title, a sentence and the link to /patrol, which opens
   only for the logged-in officer. */
self.addEventListener("push", function (event) {
  var data = {title: "Welfare check", body: "A live order near you needs a welfare check", url: "/patrol"};
  try {
    if (event.data) { data = Object.assign(data, event.data.json()); }
  } catch (e) { /* not JSON: the fixed wording above */ }
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body, data: {url: data.url}, tag: "dvpo-welfare", renotify: true
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/patrol";
  if (url.charAt(0) !== "/") { url = "/patrol"; }  // only this server's pages
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].url.indexOf(url) !== -1 && "focus" in list[i]) { return list[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
