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
 * The widget opens as an overlay iframe of the service; messages are exchanged with
 * postMessage and checked against exact origins both ways.
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

  function close(outcome) {
    if (!open) return;
    var current = open;
    open = null;
    window.removeEventListener("message", current.listener);
    current.overlay.remove();
    if (current.returnFocus && current.returnFocus.focus) current.returnFocus.focus();
    if (outcome.ok) {
      current.success({ certSeqNum: outcome.certSeqNum, signedVals: outcome.signedVals, certificate: outcome.certificate });
    } else {
      current.fail({ code: outcome.code || "800000", message: outcome.message || "사용자가 취소했습니다." });
    }
  }

  function openWidget(path, request, options) {
    if (open) {
      callback(options, "fail")({ code: "800001", message: "이미 진행 중인 요청이 있습니다." });
      return;
    }
    var overlay = document.createElement("div");
    overlay.className = "fincert-overlay";
    // CSSOM styles are allowed under a strict CSP (style-src 'self'), unlike style attributes.
    overlay.style.position = "fixed";
    overlay.style.inset = "0";
    overlay.style.zIndex = "2147483000";
    overlay.style.background = "rgba(16, 24, 40, 0.45)";
    overlay.style.display = "flex";
    overlay.style.alignItems = "center";
    overlay.style.justifyContent = "center";
    var frame = document.createElement("iframe");
    frame.title = "금융인증서비스";
    frame.src = WIDGET_ORIGIN + path;
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.height = "100%";
    frame.style.background = "transparent";
    overlay.appendChild(frame);

    var listener = function (event) {
      if (event.origin !== WIDGET_ORIGIN || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.type === "fincert:ready") {
        frame.contentWindow.postMessage({ type: "fincert:request", request: request }, WIDGET_ORIGIN);
      } else if (data.type === "fincert:result") {
        close(data.result || {});
      } else if (data.type === "fincert:close") {
        close({ ok: false, code: "800000", message: "사용자가 취소했습니다." });
      }
    };
    open = {
      overlay: overlay,
      listener: listener,
      success: callback(options, "success"),
      fail: callback(options, "fail"),
      returnFocus: document.activeElement
    };
    window.addEventListener("message", listener);
    document.body.appendChild(overlay);
    frame.focus();
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
      openWidget("/widget/embed", {
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
      openWidget("/widget/embed", { orgCode: settings.orgCode, apiKey: settings.apiKey, op: "manage" }, options);
    }
  };

  global.FinCert = global.FinCert || {};
  global.FinCert.Sdk = Sdk;
})(window);
