// Counts down the time the server gave this attempt. The server enforces the deadline;
// this only shows it, and saves the page when time runs out.
(function () {
  var box = document.querySelector("[data-seconds-left]");
  if (!box) return;
  var left = parseInt(box.getAttribute("data-seconds-left"), 10);
  var value = box.querySelector(".timer-value");
  var end = Date.now() + left * 1000;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var s = Math.max(0, Math.round((end - Date.now()) / 1000));
    value.textContent = pad(Math.floor(s / 60)) + ":" + pad(s % 60);
    if (s === 60) box.setAttribute("aria-live", "assertive");
    if (s <= 0) {
      var form = document.querySelector(".attempt-form");
      if (form) {
        var action = document.createElement("input");
        action.type = "hidden"; action.name = "action"; action.value = "submit";
        var timeout = document.createElement("input");
        timeout.type = "hidden"; timeout.name = "timeout"; timeout.value = "1";
        form.appendChild(action); form.appendChild(timeout); form.submit();
      }
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
