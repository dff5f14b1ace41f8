// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.createElement("p");
  box.className = "msg msg-error";
  box.setAttribute("role", "alert");
  box.textContent = "That did not work (" + event.detail.xhr.status + "). Nothing was lost; please try again.";
  const main = document.getElementById("main");
  if (main) main.prepend(box);
});

// Decision forms: show only the fields the chosen outcome uses. Fields carry data-outcomes="adopt …" and the
// outcome select data-outcome-switch. Hidden fields keep their values (switching back restores them); the
// server ignores whatever the chosen outcome does not use, so nothing depends on this script.
function syncOutcomeFields(select) {
  const form = select.form;
  if (!form) return;
  form.querySelectorAll("[data-outcomes]").forEach((input) => {
    const box = input.closest(".field") || input;
    box.hidden = !input.dataset.outcomes.split(" ").includes(select.value);
  });
}
function initOutcomeSwitches(root) {
  if (root && root.querySelectorAll) root.querySelectorAll("[data-outcome-switch]").forEach(syncOutcomeFields);
}
document.addEventListener("change", (event) => {
  if (event.target.matches && event.target.matches("[data-outcome-switch]")) syncOutcomeFields(event.target);
});
document.addEventListener("DOMContentLoaded", () => initOutcomeSwitches(document));
// Forms that htmx swaps in (a decision form coming back with its errors) are set up the same way.
document.addEventListener("htmx:load", (event) => initOutcomeSwitches(event.detail.elt));

// Forms that change something for good ask first: <form data-confirm="Withdraw this input? …">. This replaces
// inline onsubmit="return confirm(…)" handlers, which the Content-Security-Policy (no 'unsafe-inline'
// scripts) forbids. Without JavaScript the form simply submits, as before.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
