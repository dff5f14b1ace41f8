// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.createElement("p");
  box.className = "msg msg-error";
  box.setAttribute("role", "alert");
  box.textContent = "That did not work (" + event.detail.xhr.status + "). Nothing was lost; please try again.";
  const main = document.getElementById("main");
  if (main) main.prepend(box);
});
