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

// The primary navigation is a <details> menu below 900 px: closed on a phone until tapped, always open (its
// toggle hidden by the stylesheet) on a wider screen. Rendered open, so without JavaScript every link shows.
const narrowScreen = window.matchMedia("(max-width: 900px)");
function syncNavMenus() {
  document.querySelectorAll("details[data-navmenu]").forEach((menu) => { menu.open = !narrowScreen.matches; });
}
narrowScreen.addEventListener("change", syncNavMenus);
syncNavMenus();  // deferred script: the header is already parsed

// Tabs for long pages: the <section data-tab="Label" id="…"> children of a [data-tabs] box become tab panels,
// one shown at a time, chosen by a row of tab buttons (arrow keys move between them) or by the address's
// #fragment (a link to #comments, or to anything inside a panel, opens that panel). Without JavaScript the
// sections simply stack, as before; the panels keep their own headings and region roles.
function showTab(box, index, focus) {
  box._tabs.forEach((tab, k) => {
    tab.setAttribute("aria-selected", String(k === index));
    tab.tabIndex = k === index ? 0 : -1;
    box._panels[k].hidden = k !== index;
  });
  if (focus) box._tabs[index].focus();
}
function tabForHash(box) {
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (!id) return -1;
  const target = document.getElementById(id);
  return target ? box._panels.findIndex((panel) => panel.contains(target)) : -1;
}
function initTabs(root) {
  if (!root || !root.querySelectorAll) return;
  root.querySelectorAll("[data-tabs]").forEach((box) => {
    if (box._tabs) return;
    const panels = [...box.children].filter((el) => el.matches("section[data-tab][id]"));
    if (panels.length < 2) return;
    const list = document.createElement("div");
    list.className = "tabs";
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", box.dataset.tabs || "Sections");
    box._panels = panels;
    box._tabs = panels.map((panel, k) => {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.id = panel.id + "-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = panel.dataset.tab;
      tab.addEventListener("click", () => showTab(box, k, false));
      tab.addEventListener("keydown", (event) => {
        const last = panels.length - 1;
        const next = {ArrowRight: k === last ? 0 : k + 1, ArrowLeft: k === 0 ? last : k - 1, Home: 0, End: last}[event.key];
        if (next !== undefined) { event.preventDefault(); showTab(box, next, true); }
      });
      list.appendChild(tab);
      return tab;
    });
    box.insertBefore(list, panels[0]);
    showTab(box, Math.max(tabForHash(box), 0), false);
  });
}
window.addEventListener("hashchange", () => {
  document.querySelectorAll("[data-tabs]").forEach((box) => {
    const k = box._tabs ? tabForHash(box) : -1;
    if (k >= 0) showTab(box, k, false);
  });
});
initTabs(document);  // deferred script: the page is parsed
document.addEventListener("htmx:load", (event) => initTabs(event.detail.elt));
