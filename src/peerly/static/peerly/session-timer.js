/* Block timer on a circle session page: walks through the agenda steps (#steps li, each with
   data-minutes) and counts down. Without JavaScript the #timer box stays hidden and the
   agenda still lists every step with its minutes. Loaded with <script src defer>: the CSP
   allows no inline script. */
(function () {
  "use strict";
  var box = document.getElementById("timer");
  if (!box) return;
  var steps = Array.prototype.slice.call(document.querySelectorAll("#steps li"));
  var i = -1, left = 0, handle = null;
  var label = document.getElementById("timer-step"), out = document.getElementById("timer-left");
  function show() {
    out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") + " left";
  }
  function go(n) {
    i = n;
    if (i >= steps.length) {
      clearInterval(handle);
      label.textContent = "Block done";
      out.textContent = "";
      return;
    }
    label.textContent = steps[i].querySelector("strong").textContent;
    left = parseInt(steps[i].dataset.minutes, 10) * 60;
    show();
  }
  document.getElementById("timer-start").addEventListener("click", function () {
    clearInterval(handle);
    go(0);
    handle = setInterval(function () {
      left -= 1;
      if (left <= 0) { go(i + 1); } else { show(); }
    }, 1000);
  });
  document.getElementById("timer-next").addEventListener("click", function () {
    if (i >= 0) go(i + 1);
  });
  box.hidden = false;
})();
