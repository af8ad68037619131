// Behaviour shared by every page: focus after an htmx swap, disclosure buttons, countdowns.
// No inline script anywhere (CSP script-src 'self'); everything hangs off data attributes.
(function () {
  "use strict";

  // Move focus to the new step's heading so screen readers announce where the user is.
  function focusStepHeading(container) {
    var heading = container.querySelector("[data-step-heading]");
    if (heading) {
      heading.focus({ preventScroll: false });
    }
  }

  // The root itself and its descendants: htmx:load hands over each swapped-in element.
  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll(selector) : []);
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  // A button with aria-controls shows or hides the element it controls.
  function wireDisclosures(root) {
    within(root, "[data-disclosure]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      var panel = document.getElementById(button.getAttribute("aria-controls"));
      if (!panel) return;
      // Without JavaScript the server renders the panel open (a GET fallback); with it we toggle in place.
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var open = button.getAttribute("aria-expanded") === "true";
        button.setAttribute("aria-expanded", open ? "false" : "true");
        panel.hidden = open;
      });
    });
  }

  // <span data-countdown-until="EPOCH_SECONDS"> shows the time left as m:ss;
  // [data-enable-at] stays disabled and [data-hide-at] visible until that moment (재전송).
  function tickCountdowns() {
    var now = Date.now() / 1000;
    document.querySelectorAll("[data-enable-at]").forEach(function (el) {
      el.disabled = now < Number(el.dataset.enableAt);
    });
    document.querySelectorAll("[data-hide-at]").forEach(function (el) {
      el.hidden = now >= Number(el.dataset.hideAt);
    });
    document.querySelectorAll("[data-countdown-until]").forEach(function (el) {
      var left = Math.max(0, Math.round(Number(el.dataset.countdownUntil) - now));
      var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (el.textContent !== text) el.textContent = text;
      if (left === 0 && el.dataset.expiredText && !el.dataset.expiredShown) {
        el.dataset.expiredShown = "1";
        var note = document.getElementById(el.dataset.expiredTarget || "");
        if (note) note.textContent = el.dataset.expiredText;
      }
    });
  }

  function init(root) {
    wireDisclosures(root);
    document.dispatchEvent(new CustomEvent("fincert:content", { detail: { root: root } }));
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    // A widget step loaded as a whole page (first step, no-JS fallback) also starts at its heading.
    if (document.body.classList.contains("layout-widget")) {
      focusStepHeading(document);
    }
    tickCountdowns();
    window.setInterval(tickCountdowns, 1000);
  });

  // New content from any swap (outerHTML swaps included) gets its behaviour wired.
  document.addEventListener("htmx:load", function (event) {
    init(event.detail.elt);
    tickCountdowns();
  });

  // htmx settles a swap a moment after it (settleDelay). Whoever has moved into the new content
  // by then (clicked or started typing in a field: a quick person, or a Playwright script) keeps
  // their place: taking the focus from a field in the middle of typing empties what was typed.
  var focusAtSwap = null;
  document.addEventListener("htmx:afterSwap", function () {
    focusAtSwap = document.activeElement;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "main") return;
    var moved = document.activeElement !== focusAtSwap && target.contains(document.activeElement);
    if (!moved) focusStepHeading(target);
  });
})();
