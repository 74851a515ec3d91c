// Progressive enhancement only: every page works without this file.
// Forms marked data-once disable their button after the first submit, so a
// double click does not send the request twice.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sent) { ev.preventDefault(); return; }
  form.dataset.sent = "1";
  var b = form.querySelector("button[type=submit]");
  if (b) { b.disabled = true; b.textContent = "正在处理…"; }
});
