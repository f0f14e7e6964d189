// Progressive enhancement only: every page works without this file.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var input = document.getElementById(button.dataset.copyTarget);
  if (!input) return;
  input.select();
  var done = function () {
    var label = button.textContent;
    button.textContent = button.dataset.copiedText || "Copied";
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done);
  } else {
    try { document.execCommand("copy"); done(); } catch (e) { /* selected for manual copy */ }
  }
});
