// Handing a widget transaction's result to the relying party's page (exact origin only),
// and Escape as 취소. Loaded only on widget pages.
(function () {
  "use strict";

  function toParent(message, origin) {
    if (window.parent !== window) {
      window.parent.postMessage(message, origin);
    }
  }

  // A finished transaction's result, rendered into the final step: post it to the RP once.
  function deliver(element) {
    if (!element || element.dataset.delivered) return;
    element.dataset.delivered = "1";
    toParent({ type: "fincert:result", result: JSON.parse(element.dataset.fincertResult) }, element.dataset.fincertOrigin);
  }

  // The root itself and its descendants: htmx:load hands over each swapped-in element.
  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll(selector) : []);
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  function wire(root) {
    within(root, "[data-fincert-result][data-auto]").forEach(deliver);
    within(root, "[data-fincert-close]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        var pending = document.querySelector("[data-fincert-result]");
        if (pending) {
          deliver(pending);
        } else {
          // No result to hand over (e.g. the request could not be found): say why, if we know.
          toParent({ type: "fincert:close", code: button.dataset.fincertCode, message: button.dataset.fincertMessage }, "*");
        }
      });
    });
  }

  document.addEventListener("fincert:content", function (event) { wire(event.detail.root); });

  // The RP page asks to cancel (its visitor pressed Back): cancel like the ✕ button, or close
  // when the request has already ended.
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== "fincert:cancel") return;
    var cancel = document.querySelector('button[aria-label="취소"]');
    if (cancel) {
      cancel.click();
    } else {
      var close = document.querySelector("[data-fincert-close]");
      if (close) close.click(); else toParent({ type: "fincert:close" }, "*");
    }
  });

  // Escape cancels, like closing a dialog.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var cancel = document.querySelector('button[aria-label="취소"]');
    if (cancel) cancel.click();
  });
})();
