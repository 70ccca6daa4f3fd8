// The question form shows only what the chosen type uses: the rows' columns (fraction, match,
// tolerance, feedback) and the type's own settings. Everything stays in the form (hidden, not
// removed), so switching type back and forth loses nothing.
(function () {
  var USES = {
    single: {rows: ["fraction", "feedback"], settings: []},
    multiple: {rows: ["fraction", "feedback"], settings: ["multiple"]},
    true_false: {rows: null, settings: ["true_false"]},
    short_answer: {rows: ["fraction", "feedback"], settings: ["short_answer"]},
    numeric: {rows: ["fraction", "tolerance", "feedback"], settings: ["numeric"]},
    matching: {rows: ["match"], settings: []},
    ordering: {rows: [], settings: []},
    essay: {rows: null, settings: ["essay"]},
    description: {rows: null, settings: [], noMark: true}
  };
  function wrapperOf(node) { return node.closest("[data-field-wrapper], .w-field__wrapper, .w-panel, li") || node; }
  function apply() {
    var select = document.querySelector("select[name=qtype]");
    if (!select) return;
    var use = USES[select.value] || USES.single;
    document.querySelectorAll("[class*='qtype-']").forEach(function (node) {
      if (node.classList.contains("qtype-choices") || node.classList.contains("qtype-settings")) return;
      var match = Array.prototype.find.call(node.classList, function (c) { return c.indexOf("qtype-") === 0; });
      var code = match && match.slice(6);
      node.hidden = use.settings.indexOf(code) < 0;
    });
    document.querySelectorAll(".qtype-choices").forEach(function (node) { node.hidden = use.rows === null; });
    ["match", "fraction", "tolerance", "feedback"].forEach(function (column) {
      document.querySelectorAll(".choice-" + column).forEach(function (node) {
        node.hidden = !use.rows || use.rows.indexOf(column) < 0;
      });
    });
    document.querySelectorAll(".question-mark").forEach(function (node) { node.hidden = !!use.noMark; });
    document.querySelectorAll(".qtype-settings").forEach(function (node) {
      node.hidden = use.settings.length === 0;
    });
  }
  function slotFields() {  // a quiz slot asks for a random count only when it draws from a category
    document.querySelectorAll(".slot-random").forEach(function (node) {
      var form = node.closest("[id^='inline_child_slots']") || node.parentNode;
      var fixed = form && form.querySelector("[name$='-question']");
      node.hidden = !!(fixed && fixed.value);
    });
  }
  function init() { apply(); slotFields(); }
  document.addEventListener("change", function (event) {
    if (event.target.name === "qtype") apply();
    if (/-question$/.test(event.target.name || "")) slotFields();
  });
  document.addEventListener("w-formset:added", init);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
  new MutationObserver(function () { slotFields(); }).observe(document.documentElement, {childList: true, subtree: true});
})();
