// The header's language menu submits itself when a language is chosen (the button is for no-JS).
(function () {
  var select = document.getElementById("language-select");
  if (select) select.addEventListener("change", function () { select.form.submit(); });
})();
