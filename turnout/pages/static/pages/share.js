// The Share panel's two buttons, shown only where the browser can do what they say:
// "Share…" opens the phone's own share sheet (the Web Share API), "Copy" puts the
// meeting's link on the clipboard. Without them (or without JavaScript) the panel's
// links and the link to copy by hand do the same.
(function () {
  "use strict";
  var share = document.querySelector("[data-share]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({
        title: share.getAttribute("data-title"),
        text: share.getAttribute("data-text"),
        url: share.getAttribute("data-url")
      }).catch(function () { /* closed without sharing */ });
    });
  }
  var copy = document.querySelector("[data-copy]");
  if (copy && navigator.clipboard && window.isSecureContext) {
    var field = document.getElementById(copy.getAttribute("data-copy"));
    var label = copy.textContent;
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        copy.textContent = copy.getAttribute("data-copied");
        window.setTimeout(function () { copy.textContent = label; }, 2000);
      }, function () {
        field.select();
      });
    });
  }
})();
