// While mail goes out (an announcement, a message to the people registered), refresh
// the counts in the page's #progress every 3 seconds in place.
// Without JavaScript, the page's <noscript> refresh reloads the whole page instead.
(function () {
  "use strict";
  var region = document.getElementById("progress");
  if (!region || region.dataset.status !== "sending") return;

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("progress");
        if (!fresh) return;
        region.innerHTML = fresh.innerHTML;  // the server's own escaped markup
        region.dataset.status = fresh.dataset.status;
        if (fresh.dataset.status === "sending") window.setTimeout(poll, 3000);
      })
      .catch(function () {
        window.setTimeout(poll, 10000);  // offline for a moment: try again, more slowly
      });
  }

  window.setTimeout(poll, 3000);
})();
