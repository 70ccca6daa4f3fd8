// The attempt page: saves the answers in the background every minute (and when the page is left),
// keeping the sequence number the server expects; flags update the navigation panel at once;
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
        if (item) item.classList.toggle("is-flagged", box.checked);
      }
    });
    form.addEventListener("input", function () { dirty = true; });
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
