/*!
 * FinCert SDK for relying parties (금융인증서비스 이용기관용).
 *
 *   <script src="https://<service>/static/js/fincert.js"></script>
 *   FinCert.Sdk.init({orgCode: "MYBANK", apiKey: "pk_…", lang: "kor", success: …, fail: …});
 *   FinCert.Sdk.sign({
 *     signFormat: {type: "CMS"},
 *     content: {plainText: {plainTexts: ["이체 10,000원"], encoding: "UTF-8"}},
 *     info: {signType: "02"},
 *     nonce: "<from your server: POST /api/v1/rp/nonces>",
 *     view: {},
 *     success: function (result) { result.certSeqNum, result.signedVals, result.certificate },
 *     fail: function (error) { error.code, error.message }   // "800000": the user cancelled
 *   });
 *
 * The SDK asks the service for a transaction (a credentialed CORS call: the service checks
 * the page's Origin against the RP's registered origins), then opens it in an overlay
 * iframe; the result comes back by postMessage, checked against exact origins both ways.
 */
(function (global) {
  "use strict";

  var script = document.currentScript;
  var WIDGET_ORIGIN = new URL(script.src, document.baseURI).origin;
  var settings = {};
  var open = null;

  function callback(options, name) {
    return options[name] || settings[name] || function () {};
  }

  // Navigating the iframe with location.replace adds no entry to the page's history, so Back
  // never strands a blank widget. Instead, opening the widget pushes one entry of the RP
  // page's own: Back closes the widget (the request is cancelled, fail gets 800000).
  function navigateFrame(url) {
    try {
      frame.contentWindow.location.replace(url);
    } catch (error) {
      frame.src = url;
    }
  }

  var historyMark = null;
  var ignoreNextPop = false;

  function markHistory() {
    historyMark = "fincert-" + Date.now() + "-" + Math.random().toString(36).slice(2);
    var state = Object.assign({}, history.state || {}, { fincert: historyMark });
    history.pushState(state, "");
  }

  // Take our history entry back before the RP hears the outcome (it may navigate at once).
  function unmarkHistory(then) {
    if (!historyMark || !history.state || history.state.fincert !== historyMark) {
      historyMark = null;
      then();
      return;
    }
    historyMark = null;
    ignoreNextPop = true;
    var done = false;
    function finish() {
      if (done) return;
      done = true;
      window.removeEventListener("popstate", finish);
      ignoreNextPop = false;
      then();
    }
    window.addEventListener("popstate", finish);
    history.back();
    window.setTimeout(finish, 600);
  }

  window.addEventListener("popstate", function () {
    if (ignoreNextPop || !open || !historyMark) return;
    historyMark = null;  // Back already took our entry
    cancelOpen();
  });

  // Ask the widget to cancel its transaction (so the service records it); if it cannot answer
  // (not loaded yet, or gone), close here with the same code.
  function cancelOpen() {
    var current = open;
    if (frame && frame.contentWindow) frame.contentWindow.postMessage({ type: "fincert:cancel" }, WIDGET_ORIGIN);
    window.setTimeout(function () {
      if (open === current) close({ ok: false, code: "800000", message: "사용자가 취소했습니다." });
    }, 1500);
  }

  function close(outcome) {
    if (!open) return;
    var current = open;
    open = null;
    window.removeEventListener("message", current.listener);
    window.clearTimeout(current.loadTimer);
    hideFrame();
    navigateFrame(WIDGET_ORIGIN + "/widget/warm");
    if (current.returnFocus && current.returnFocus.focus) current.returnFocus.focus();
    unmarkHistory(function () {
      if (outcome.ok) {
        current.success({ certSeqNum: outcome.certSeqNum, signedVals: outcome.signedVals, certificate: outcome.certificate });
      } else {
        current.fail({ code: outcome.code || "800000", message: outcome.message || "사용자가 취소했습니다." });
      }
    });
  }

  function fail(current, code, message) {
    close({ ok: false, code: code, message: message });
  }

  // One iframe of the service, loaded (hidden) at init: when the user clicks, its renderer
  // process and the widget's assets are already there. Shown as the overlay when needed.
  var frame = null;
  var backdrop = null;

  function prepareFrame() {
    if (frame) return;
    backdrop = document.createElement("div");
    backdrop.className = "fincert-backdrop";
    backdrop.style.position = "fixed";
    backdrop.style.inset = "0";
    backdrop.style.zIndex = "2147482999";
    backdrop.style.background = "rgba(16, 24, 40, 0.45)";
    backdrop.style.display = "none";
    frame = document.createElement("iframe");
    frame.title = "금융인증서비스";
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.style.position = "fixed";
    frame.style.border = "0";
    frame.style.background = "transparent";
    frame.style.zIndex = "2147483000";
    hideFrame();
    frame.src = WIDGET_ORIGIN + "/widget/warm";
    document.body.appendChild(backdrop);
    document.body.appendChild(frame);
  }

  function hideFrame() {
    frame.style.inset = "auto";
    frame.style.width = "0";
    frame.style.height = "0";
    frame.style.visibility = "hidden";
    frame.setAttribute("aria-hidden", "true");
    backdrop.style.display = "none";
  }

  function showFrame(url) {
    frame.style.inset = "0";
    frame.style.width = "100%";
    frame.style.height = "100%";
    frame.style.visibility = "visible";
    frame.removeAttribute("aria-hidden");
    frame.tabIndex = 0;
    backdrop.style.display = "block";
    navigateFrame(url);
    frame.focus();
  }

  // 1. create the transaction with a credentialed CORS call (the service checks the Origin),
  // 2. show it in the overlay iframe, 3. wait for the result by postMessage.
  function openWidget(request, options) {
    if (open) {
      callback(options, "fail")({ code: "800001", message: "이미 진행 중인 요청이 있습니다." });
      return;
    }
    prepareFrame();
    var listener = function (event) {
      if (event.origin !== WIDGET_ORIGIN || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.type === "fincert:result") {
        close(data.result || {});
      } else if (data.type === "fincert:close") {
        close({ ok: false, code: data.code || "800000", message: data.message || "사용자가 취소했습니다." });
      }
    };
    open = {
      listener: listener,
      success: callback(options, "success"),
      fail: callback(options, "fail"),
      returnFocus: document.activeElement
    };
    window.addEventListener("message", listener);
    backdrop.style.display = "block";
    markHistory();

    fetch(WIDGET_ORIGIN + "/widget/transactions", {
      method: "POST",
      mode: "cors",
      credentials: "include",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request)
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          var error = answer.body.error || {};
          fail(open, error.code || "800001", error.message || "요청이 거절되었습니다.");
          return;
        }
        showFrame(answer.body.url);
      })
      .catch(function () { fail(open, "800009", "금융인증서비스에 연결할 수 없습니다."); });
  }

  function requireInit(options) {
    if (!settings.orgCode || !settings.apiKey) {
      callback(options, "fail")({ code: "800001", message: "FinCert.Sdk.init({orgCode, apiKey})를 먼저 호출해주세요." });
      return false;
    }
    return true;
  }

  var Sdk = {
    version: "1.0.0",

    init: function (options) {
      settings = Object.assign({ lang: "kor" }, options || {});
      if (document.body) prepareFrame();
    },

    sign: function (options) {
      options = options || {};
      if (!requireInit(options)) return;
      var format = (options.signFormat || {}).type || "CMS";
      var plain = ((options.content || {}).plainText || {});
      var info = options.info || {};
      if (format !== "CMS" || (plain.encoding && plain.encoding !== "UTF-8")) {
        callback(options, "fail")({ code: "800001", message: "signFormat.type은 CMS, encoding은 UTF-8만 지원합니다." });
        return;
      }
      openWidget({
        orgCode: settings.orgCode,
        apiKey: settings.apiKey,
        op: "sign",
        signType: info.signType || "01",
        plainTexts: plain.plainTexts,
        nonce: options.nonce || info.nonce
      }, options);
    },

    manage: function (options) {
      options = options || {};
      if (!requireInit(options)) return;
      openWidget({ orgCode: settings.orgCode, apiKey: settings.apiKey, op: "manage" }, options);
    }
  };

  global.FinCert = global.FinCert || {};
  global.FinCert.Sdk = Sdk;
})(window);
