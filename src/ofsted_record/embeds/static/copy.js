// Copy buttons of the embed gallery. Uses the Clipboard API where the page may (a secure
// context with permission); otherwise selects the code and tries the older copy command, and
// if that is refused too, leaves the code selected and says how to copy it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy-snippet");
  if (!button) return;
  var code = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById(button.getAttribute("aria-describedby"));
  function say(text) { status.textContent = text; }
  function selectCode() {
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function fallback() {
    selectCode();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    say(copied ? "Copied." : "The code is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.");
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(code.textContent).then(function () { say("Copied."); }, fallback);
  } else {
    fallback();
  }
});
