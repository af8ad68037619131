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

  // Tell the RP page's SDK that this page loaded (a CSP frame-src block or a network error
  // never says so, and the SDK reports 800009 instead of waiting forever).
  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector("[data-fincert-warm]") ? "warm" : "widget";
    toParent({ type: "fincert:ready", page: page }, "*");
  });

  // The SDK's questions about this browser's cloud connection on this site (checkCloudConn,
  // disconnectCloudConn): asked of the service with this page's (partitioned) cookies, the
  // parent's origin as the browser reported it.
  var QUESTIONS = { check: "/widget/cloud-conn", disconnect: "/widget/cloud-conn/disconnect" };
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (event.source !== window.parent || data.type !== "fincert:question" || !QUESTIONS[data.action]) return;
    var token = document.querySelector('meta[name="csrf-token"]');
    fetch(QUESTIONS[data.action], {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.content : "" },
      body: JSON.stringify({ orgCode: data.orgCode, apiKey: data.apiKey, origin: event.origin })
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .catch(function () { return { ok: false, body: { error: { code: "800009", message: "금융인증서비스에 연결할 수 없습니다." } } }; })
      .then(function (answer) {
        window.parent.postMessage({ type: "fincert:answer", id: data.id, ok: answer.ok, body: answer.body }, event.origin);
      });
  });

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
