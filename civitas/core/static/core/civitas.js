// Progressive enhancement only: every form also works without JavaScript.
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el && el.matches && el.matches("select[data-autosubmit]")) { el.form.submit(); }
});
