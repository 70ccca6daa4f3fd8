// While a certificate is being prepared, asks the server for its status every few seconds and
// shows the download and verification links once it is issued. Without JavaScript the page
// shows the status it was rendered with and a link to "Chứng chỉ của tôi".
(function () {
  var box = document.querySelector("[data-certificate-status]");
  if (!box || box.getAttribute("data-ready") === "1") return;
  var url = box.getAttribute("data-certificate-status");
  var label = box.querySelector(".certificate-status-label");
  var text = box.querySelector(".certificate-status-text");
  var download = box.querySelector(".certificate-download");
  var verify = box.querySelector(".certificate-verify");
  var readyText = box.getAttribute("data-ready-text") || "";
  var delay = 2000;
  var tries = 0;
  function show(data) {
    label.textContent = data.label;
    if (data.download_url) { download.href = data.download_url; download.hidden = false; }
    if (data.verify_url) { verify.href = data.verify_url; verify.hidden = false; }
    if (data.ready) {
      label.classList.add("badge-ok");
      if (readyText) text.textContent = readyText;
      box.setAttribute("data-ready", "1");
    } else {
      text.textContent = data.message || "";
    }
  }
  function poll() {
    tries += 1;
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) return;
      var data = JSON.parse(request.responseText);
      show(data);
      if (data.status === "pending" && tries < 60) {
        delay = Math.min(delay * 1.5, 15000);
        setTimeout(poll, delay);
      }
    };
    request.send();
  }
  setTimeout(poll, delay);
})();
