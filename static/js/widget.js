// Handing a widget transaction's result to the relying party's page (exact origin only),
// and Escape as 취소. Loaded only on widget pages. Its words come from the page (data-*
// attributes), which is in the request's language.
(function () {
  "use strict";

  // The RP page's exact origin, once it asked this warm page to open its request.
  var parentOrigin = null;

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

  // --- the secure keypad ------------------------------------------------------------------
  // The keys are opaque tokens; the page keeps the pressed ones and sends the whole entry with
  // the sixth key, in one post. 지우기, 전체삭제 and 재배열 (new places for the same keys) stay
  // here. The server takes an entry once and answers with a new keypad or the next step.

  function randomIndex(below) {
    var value = new Uint32Array(1);
    window.crypto.getRandomValues(value);
    return value[0] % below;
  }

  // The pressed tokens of each keypad on the page. Clicks are caught at the document, so a
  // keypad works from the moment it is in the page (before any per-element wiring ran).
  var entries = new WeakMap();

  function entryOf(form) {
    if (!entries.has(form)) entries.set(form, { tokens: [], sending: false });
    return entries.get(form);
  }

  function showEntry(form) {
    var typed = entryOf(form).tokens.length;
    Array.prototype.forEach.call(document.querySelectorAll(".pin-dots li"), function (dot, index) {
      dot.classList.toggle("is-filled", index < typed);
    });
    var count = document.querySelector(".pin-status__count");
    if (count) count.textContent = JSON.parse(count.dataset.counts)[typed];
  }

  function reshuffle(form) {
    var cells = Array.prototype.slice.call(form.querySelectorAll("[data-keypad-cell]"));
    var firstTool = form.querySelector("[data-keypad-tool]");
    for (var i = cells.length - 1; i > 0; i--) {
      var j = randomIndex(i + 1);
      var swap = cells[i]; cells[i] = cells[j]; cells[j] = swap;
    }
    cells.forEach(function (cell) { form.insertBefore(cell, firstTool); });
  }

  function submitEntry(form) {
    var entry = entryOf(form);
    entry.sending = true;
    form.setAttribute("aria-busy", "true");
    htmx.ajax("POST", form.dataset.entryUrl, {
      source: "#main", target: "#main", swap: "innerHTML",
      values: { csrf_token: form.querySelector('input[name="csrf_token"]').value, entry: entry.tokens.join(",") }
    }).then(function () { again(form); }, function () {
      again(form);
      var error = document.getElementById("pin-error");
      if (error) error.textContent = form.dataset.offlineMessage;
    });
  }

  // The answer replaces the keypad; if none came, this keypad takes a new entry.
  function again(form) {
    if (!form.isConnected) return;
    entries.set(form, { tokens: [], sending: false });
    form.removeAttribute("aria-busy");
    showEntry(form);
  }

  document.addEventListener("click", function (event) {
    var key = event.target.closest && event.target.closest("form[data-keypad] button");
    if (!key) return;
    event.preventDefault();
    var form = key.form;
    var entry = entryOf(form);
    if (entry.sending) return;
    var tool = key.dataset.keypadTool;
    if (tool === "shuffle") { reshuffle(form); return; }
    if (tool === "erase") entry.tokens.pop();
    else if (tool === "clear") entry.tokens = [];
    else if (entry.tokens.length < Number(form.dataset.pinLength)) entry.tokens.push(key.value);
    var error = document.getElementById("pin-error");
    if (error && !tool) error.textContent = "";  // typing again clears the last entry's message
    showEntry(form);
    if (entry.tokens.length === Number(form.dataset.pinLength)) submitEntry(form);
  });

  // The SDK's request could not be opened: tell the RP page why (a stale page: reload and resend).
  function refused(element) {
    if (element.dataset.delivered) return;
    element.dataset.delivered = "1";
    var message = element.hasAttribute("data-fincert-stale")
      ? { type: "fincert:stale" }
      : { type: "fincert:close", code: element.dataset.fincertCode, message: element.dataset.fincertMessage };
    toParent(message, parentOrigin || "*");
  }

  function wire(root) {
    within(root, "form[data-keypad]").forEach(showEntry);  // a new keypad starts empty
    within(root, "[data-fincert-refused]").forEach(refused);
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

  // The RP page's SDK asks to open its request: one post creates the transaction and answers
  // its first step into this page. The origin is the one the browser reports for the message.
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (event.source !== window.parent || window.parent === window || data.type !== "fincert:open") return;
    var warm = document.querySelector("[data-fincert-warm]");
    if (!warm) return;  // already showing a request
    var unreachable = warm.dataset.unreachable;
    parentOrigin = event.origin;
    var token = document.querySelector('meta[name="csrf-token"]');
    var request = data.request || {};
    htmx.ajax("POST", "/widget/open", {
      source: "#main", target: "#main", swap: "innerHTML",
      values: {
        csrf_token: token ? token.content : "", origin: event.origin, lang: request.lang || "",
        request: JSON.stringify(request)
      }
    }).catch(function () {
      toParent({ type: "fincert:close", code: "800009", message: unreachable }, event.origin);
    });
  });

  // The SDK's questions about this browser's cloud connection on this site (checkCloudConn,
  // disconnectCloudConn): asked of the service with this page's (partitioned) cookies, the
  // parent's origin as the browser reported it.
  var QUESTIONS = { check: "/widget/cloud-conn", disconnect: "/widget/cloud-conn/disconnect" };
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (event.source !== window.parent || data.type !== "fincert:question" || !QUESTIONS[data.action]) return;
    var token = document.querySelector('meta[name="csrf-token"]');
    var warm = document.querySelector("[data-fincert-warm]");
    var unreachable = warm ? warm.dataset.unreachable : "";
    fetch(QUESTIONS[data.action], {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.content : "" },
      body: JSON.stringify({ orgCode: data.orgCode, apiKey: data.apiKey, origin: event.origin })
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .catch(function () { return { ok: false, body: { error: { code: "800009", message: unreachable } } }; })
      .then(function (answer) {
        window.parent.postMessage({ type: "fincert:answer", id: data.id, ok: answer.ok, body: answer.body }, event.origin);
      });
  });

  // The RP page asks to cancel (its visitor pressed Back): cancel like the ✕ button, or close
  // when the request has already ended.
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== "fincert:cancel") return;
    var cancel = document.querySelector("[data-fincert-cancel]");
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
    var cancel = document.querySelector("[data-fincert-cancel]");
    if (cancel) cancel.click();
  });
})();
