// Feedback on slow actions. Saving a profile can take a few seconds (matching runs on the server), so a
// submitted form disables its buttons and says it is working. Served from the app, no inline script, so a
// strict Content-Security-Policy (script-src 'self') holds. Without JavaScript the forms work as before.
"use strict";

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") {
    return;
  }
  if (form.dataset.busy === "1") {  // a second click while the first is on its way
    event.preventDefault();
    return;
  }
  form.dataset.busy = "1";
  var submitter = event.submitter;
  // A disabled button is not sent with the form, so keep its name=value (e.g. decision=approve).
  if (submitter && submitter.name) {
    var keep = document.createElement("input");
    keep.type = "hidden";
    keep.name = submitter.name;
    keep.value = submitter.value;
    form.appendChild(keep);
  }
  var working = document.body.dataset.workingLabel || "…";
  form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    if (button === submitter || (!submitter && button.form === form)) {
      button.dataset.label = button.textContent;
      button.classList.add("is-busy");
      button.textContent = working;
    }
  });
  form.setAttribute("aria-busy", "true");
  var status = form.querySelector(".busy-status");
  if (status) {
    status.hidden = false;
  }
});

// Coming back with the browser's Back button shows the page from cache: make its buttons usable again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) {
    return;
  }
  document.querySelectorAll("form[data-busy='1']").forEach(function (form) {
    delete form.dataset.busy;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
      button.classList.remove("is-busy");
      if (button.dataset.label) {
        button.textContent = button.dataset.label;
      }
    });
  });
});

// On a phone, long filter forms fold away until asked for (they stay open when a filter is in use).
if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
  document.querySelectorAll("details.filters-toggle:not([data-active])").forEach(function (details) {
    details.open = false;
  });
}

// Work done by a background job (matches refreshed after a save, advice computed by the model): poll
// each box's status, show the progress, and reload once the result is stored. Without JavaScript the
// page says so and a reload shows it.
document.querySelectorAll("[data-status-url]").forEach(function (box) {
  if (!window.fetch) {
    return;
  }
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("progress");
  var failed = box.querySelector(".refresh-error");
  var delay = 1500;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) {
          return;
        }
        if (!status.pending) {
          window.location.reload();
          return;
        }
        if (bar) {
          bar.value = Math.round((status.progress || 0) * 100);
        }
        if (failed) {
          failed.hidden = !status.error;
        }
        delay = Math.min(delay * 1.3, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
});

// A "Print" button (the room schedule of a partnering day) prints the page; no inline handler, so the
// Content-Security-Policy keeps script-src 'self'.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
