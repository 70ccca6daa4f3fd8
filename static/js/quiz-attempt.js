// The attempt page: saves the answers in the background every minute (and when the page is left),
// keeping the sequence number the server expects; flags update the navigation panel at once (class,
// mark and accessible name);
// the summary page asks for a confirmation before the final submit. Everything works without it.
(function () {
  var form = document.querySelector(".attempt-form[data-autosave-url]");
  if (form) {
    var status = form.querySelector(".autosave-status");
    var sequence = form.querySelector("input[name=sequence]");
    var dirty = false, saving = false;
    form.addEventListener("change", function (event) {
      dirty = true;
      var box = event.target;
      if (box.name && box.name.indexOf("flag") === 0) {
        var item = document.querySelector(".quiz-nav-item[data-slot='" + box.name.slice(4) + "']");
        if (item) flagItem(item, box.checked);
      }
    });
    form.addEventListener("input", function () { dirty = true; });
    // As the server draws a flagged item: the class, the ⚑ mark and ", đã đánh dấu" in its name.
    function flagItem(item, flagged) {
      item.classList.toggle("is-flagged", flagged);
      var mark = item.querySelector("span");
      if (flagged && !mark) {
        mark = document.createElement("span");
        mark.setAttribute("aria-hidden", "true");
        mark.textContent = "\u2691";
        item.appendChild(mark);
      } else if (!flagged && mark) {
        item.removeChild(mark);
      }
      var nav = item.closest("[data-flagged-label]");
      if (!nav) return;
      var suffix = ", " + nav.getAttribute("data-flagged-label");
      var label = item.getAttribute("aria-label") || "";
      if (label.slice(-suffix.length) === suffix) label = label.slice(0, -suffix.length);
      item.setAttribute("aria-label", flagged ? label + suffix : label);
    }
    function save(keepalive) {
      if (!dirty || saving) return;
      saving = true;
      var data = new FormData(form);
      data.delete("action");
      fetch(form.getAttribute("data-autosave-url"), {method: "POST", body: data, credentials: "same-origin", keepalive: !!keepalive})
        .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
        .then(function (result) {
          var ok = result[0], body = result[1];
          if (ok) {
            sequence.value = body.sequence; dirty = false;
            if (status) status.textContent = (status.getAttribute("data-saved-prefix") || "✓") + " " + body.at;
          } else if (status) { status.textContent = body.message || ""; }
        })
        .catch(function () { /* offline: the next navigation saves the page */ })
        .then(function () { saving = false; });
    }
    setInterval(save, 60000);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") save(true); });
    form.addEventListener("submit", function () { dirty = false; });
  }
  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      var button = submitForm.querySelector("[data-confirm]");
      if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  }
})();
