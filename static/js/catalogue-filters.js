// On a wide screen the catalogue's filters are open; on a phone they wait behind their button.
// Loaded right after the filters (not deferred) so opening them never shifts the courses.
// Courses come first; without JavaScript the button works everywhere.
(function () {
  var box = document.querySelector(".filters-toggle");
  if (box && window.matchMedia("(min-width: 48rem)").matches) box.open = true;
})();
