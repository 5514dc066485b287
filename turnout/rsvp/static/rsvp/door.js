// The door page's count of people checked in, kept current while the page is open
// (other organisers check people in on their own phones). Without JavaScript the
// count updates with every tap, as each one reloads the page.
(function () {
  "use strict";
  var count = document.querySelector("[data-counts-url]");
  if (!count || !window.fetch) return;
  var checkedIn = count.querySelector("[data-checked-in]");
  var expected = count.querySelector("[data-expected]");
  var alsoHere = count.querySelector("[data-also-here]");
  var alsoHereLine = count.querySelector("[data-also-here-line]");
  function update() {
    fetch(count.getAttribute("data-counts-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        checkedIn.textContent = data.checked_in;
        expected.textContent = data.expected;
        alsoHere.textContent = data.also_here;
        alsoHereLine.hidden = !data.also_here;
      })
      .catch(function () { /* no signal at the door: try again later */ });
  }
  window.setInterval(update, 10000);
})();
