// The visitor's own time beside a meeting's (issue 19): "7pm London time (2pm your time)".
//
// The server writes each meeting's time in the meeting's own zone, the same for every
// visitor (the page cache keeps it): a <span class="meeting-time"> with the zone
// (data-zone), the end in UTC (data-end), the translated words around the visitor's time
// (data-your-time, "(%(time)s your time)"), and a <time datetime> holding the start in
// UTC. Here, in the browser, when the visitor's zone tells another wall-clock time, the
// same instants are written in it by Intl, in the page's language, and an online
// meeting's time in UTC (for visitors without JavaScript) gives way to it.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var language = document.documentElement.lang || undefined;
  if (!here) {
    return;
  }

  function formatter(zone, withDay) {
    var options = { timeZone: zone, hour: "numeric", minute: "2-digit" };
    if (withDay) {
      options.weekday = "short";
      options.day = "numeric";
      options.month = "short";
    }
    return new Intl.DateTimeFormat(language, options);
  }

  function dayIn(zone, instant) {
    return new Intl.DateTimeFormat("en", {
      timeZone: zone, year: "numeric", month: "numeric", day: "numeric",
    }).format(instant);
  }

  function yourTime(box) {
    var time = box.querySelector("time[datetime]");
    var zone = box.getAttribute("data-zone");
    var start = new Date(time ? time.getAttribute("datetime") : NaN);
    var end = new Date(box.getAttribute("data-end"));
    if (!zone || isNaN(start.getTime())) {
      return "";
    }
    var theirs;
    try {
      theirs = formatter(zone, true);
    } catch (error) {
      return ""; // a zone this browser does not know
    }
    var mine = formatter(here, true);
    // Another zone with the same clock (Europe/Dublin for a London meeting in winter)
    // tells nothing new.
    if (mine.format(start) === theirs.format(start)) {
      return "";
    }
    // The day too, when it is another day where the visitor is.
    var otherDay = dayIn(here, start) !== dayIn(zone, start);
    var format = formatter(here, otherDay);
    var text = format.format(start);
    if (!isNaN(end.getTime())) {
      text = format.formatRange ? format.formatRange(start, end) : text + " – " + format.format(end);
    }
    return text;
  }

  var boxes = document.querySelectorAll(".meeting-time[data-zone]");
  Array.prototype.forEach.call(boxes, function (box) {
    var text = yourTime(box);
    var slot = box.querySelector(".your-time");
    if (!text || !slot) {
      return;
    }
    slot.textContent = " " + box.getAttribute("data-your-time").replace("%(time)s", text);
    slot.hidden = false;
    var utc = box.querySelector(".utc-time");
    if (utc) {
      utc.hidden = true;
    }
  });
})();
