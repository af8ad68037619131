// The widget side of the SDK handshake, and handing the result to the relying party's page.
// Loaded only on widget pages; talks to the parent window with exact origins.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function toParent(message, origin) {
    if (window.parent !== window) {
      window.parent.postMessage(message, origin);
    }
  }

  // The embed page: wait for the parent's request, create the transaction, go to its first step.
  function startEmbed(root) {
    var embed = root.querySelector("[data-fincert-embed]");
    if (!embed || embed.dataset.started) return;
    embed.dataset.started = "1";
    var status = embed.querySelector("[data-embed-status]");
    if (window.parent === window) {
      status.textContent = "이 페이지는 이용기관 화면에서 열립니다.";
      return;
    }
    var handled = false;
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (handled || event.source !== window.parent || !data || data.type !== "fincert:request") return;
      handled = true;
      var request = Object.assign({}, data.request, { origin: event.origin });
      fetch(embed.dataset.createUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(request)
      })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (answer.ok) {
            window.location.replace(answer.body.url);
          } else {
            var error = answer.body.error || {};
            toParent({ type: "fincert:result", result: { ok: false, code: error.code || "800001", message: error.message || "" } }, event.origin);
          }
        })
        .catch(function () {
          toParent({ type: "fincert:result", result: { ok: false, code: "800009", message: "금융인증서비스에 연결할 수 없습니다." } }, event.origin);
        });
    });
    // Nothing secret in "ready": the parent checks that it comes from the widget's origin.
    toParent({ type: "fincert:ready" }, "*");
  }

  // A finished transaction: fetch its result once and post it to the RP's origin only.
  function deliver(element) {
    if (!element || element.dataset.delivered) return;
    element.dataset.delivered = "1";
    fetch(element.dataset.fincertResultUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.origin && body.result) {
          toParent({ type: "fincert:result", result: body.result }, body.origin);
        } else {
          toParent({ type: "fincert:close" }, "*");
        }
      })
      .catch(function () { toParent({ type: "fincert:close" }, "*"); });
  }

  // The root itself and its descendants: htmx:load hands over each swapped-in element.
  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll(selector) : []);
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  function wire(root) {
    if (within(root, "[data-fincert-embed]").length) startEmbed(document);
    within(root, "[data-fincert-result-url][data-auto]").forEach(deliver);
    within(root, "[data-fincert-close]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        var pending = document.querySelector("[data-fincert-result-url]");
        if (pending) {
          deliver(pending);
        } else {
          toParent({ type: "fincert:close" }, "*");
        }
      });
    });
  }

  document.addEventListener("fincert:content", function (event) { wire(event.detail.root); });

  // Escape cancels, like closing a dialog.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var cancel = document.querySelector('button[aria-label="취소"]');
    if (cancel) cancel.click();
  });
})();
