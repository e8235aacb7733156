/* The patrol page's "Enable alerts on this work phone" (issue 16): asks for the work
   device's identifier once, subscribes this browser to Web Push with the server's VAPID key,
   and stores the subscription against the device (POST /patrol/push/subscribe). Shown only
   where the browser can receive pushes. */
(function () {
  var box = document.getElementById("push-enable");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) { return; }
  box.hidden = false;
  var form = box.querySelector("form");
  var status = document.getElementById("push-status");

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var identifier = form.querySelector("input[name=device_identifier]").value.trim();
    status.textContent = "Turning alerts on...";
    navigator.serviceWorker.register(box.dataset.worker).then(function (registration) {
      return registration.pushManager.subscribe({userVisibleOnly: true,
                                                 applicationServerKey: keyBytes(box.dataset.key)});
    }).then(function (subscription) {
      return fetch(box.dataset.url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf},
        body: JSON.stringify({device_identifier: identifier, subscription: subscription.toJSON()})
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        status.textContent = response.ok ? body.message : (body.error || "Alerts could not be turned on.");
        if (response.ok) { form.hidden = true; }
      });
    }).catch(function () {
      status.textContent = "This browser refused notifications: allow them in its settings and try again.";
    });
  });
})();
