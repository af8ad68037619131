/*!
 * FinCert SDK for relying parties (금융인증서비스 이용기관용) — the web methods of FinCert.Sdk.
 *
 *   <script src="https://<service>/sdk/v1/fincert-1.2.0.js" integrity="sha384-…" crossorigin="anonymous"></script>
 *   FinCert.Sdk.init({orgCode: "MYBANK", apiKey: "pk_…", lang: "kor", success: …, fail: …});
 *   FinCert.Sdk.sign({
 *     signFormat: {type: "CMS", CMSInfo: {withoutContent: true, generalSyntax: true, time: "CLOUD_SERVER", includeR: false}},
 *     content: {plainText: {plainTexts: ["이체 10,000원"], encoding: "UTF-8"}},   // or binary: {binaries: [...]}, hash: {hashes: [...]}
 *     algorithms: "RSASSA-PKCS1-v1_5_SHA256",
 *     info: {signType: "02"},
 *     nonce: "<from your server: POST /api/v1/rp/nonces>",
 *     view: {lastAccessCert: false, certSeqNum: "", enableTextView: false},
 *     success: function (result) { result.certSeqNum, result.signedVals, result.certificate, result.rValue },
 *     fail: function (error) { error.code, error.message }   // "800000": the person cancelled
 *   });
 *
 * Methods: init, sign (one parameter object, or an array of them: multi-sign), manage, issue,
 * getCertInfoList, checkCloudConn, disconnectCloudConn, setAuthData, getCertInfo,
 * getSignerCertFromSignedVal, convertBase64UrlToBase64, convertBase64ToBase64Url, abort.
 * Every option is either honoured or refused with fail({code: "800001", message}) saying why.
 * init's lang ("kor", the default, or "eng") is the language of the widget and of every message
 * fail receives, the SDK's own included.
 *
 * How it works: init loads the widget's page into a hidden iframe (only the RP's registered
 * origins may frame it) and checks orgCode, apiKey and the page's origin. Opening is then one
 * request: the SDK hands the request to that page by postMessage, the page posts it with the
 * origin the browser reported, and the answer is the first step, shown in the overlay. The
 * result comes back by postMessage, checked against exact origins both ways. The iframe is
 * navigated without adding history entries; opening pushes one entry of the page's own, so Back
 * closes the widget (800000).
 */
(function (global) {
  "use strict";

  var VERSION = "1.2.0";
  var script = document.currentScript;
  var WIDGET_ORIGIN = new URL(script.src, document.baseURI).origin;
  var FRAME_TIMEOUT = 5000;  // a widget page that has not said "ready" by then is not coming
  var WARM_MAX_AGE = 30 * 60 * 1000;  // a warm page older than this is reloaded before use (its CSRF token ages)
  var settings = {};
  var language = "kor";  // of the SDK's own messages: init's lang
  var authData = null;
  var open = null;
  var frame = null;
  var backdrop = null;
  var frameReady = false;
  var frameReadyAt = 0;
  var warmLater = null;  // the pending reload of the warm page after a request ended
  var refusal = null;  // init's answer when the service refused this page (code, message)
  var readyWaiters = [];
  var pendingQuestions = {};

  var CODES = {
    cancelled: "800000", badRequest: "800001", unknownClient: "800002", aborted: "800008", unreachable: "800009"
  };

  function noop() {}

  function say(korean, english) {
    return language === "eng" ? english : korean;
  }

  function callback(options, name) {
    return (options && options[name]) || settings[name] || noop;
  }

  function failWith(options, code, message) {
    callback(options, "fail")({ code: code, message: message });
  }

  // --- the iframe ----------------------------------------------------------------------------

  // Load the warm page (the only page the SDK navigates the iframe to).
  function navigateFrame(url) {
    frameReady = false;
    try {
      frame.contentWindow.location.replace(url);
    } catch (error) {
      frame.src = url;
    }
  }

  // The warm page is in the widget's language from the start (the request will be too).
  function warmUrl() {
    return WIDGET_ORIGIN + "/widget/warm?org=" + encodeURIComponent(settings.orgCode || "") +
      "&lang=" + encodeURIComponent(settings.lang || "kor");
  }

  function reloadWarm() {
    window.clearTimeout(warmLater);
    warmLater = null;
    navigateFrame(warmUrl());
  }

  // After a request the warm page is loaded again, a little later: the RP page is usually busy
  // with the result (often leaving), and the reload must not compete with it for the network.
  // Anything that needs the page before then loads it at once.
  function reloadWarmSoon() {
    frameReady = false;
    warmLater = window.setTimeout(reloadWarm, 1500);
  }

  function warmNow() {
    if (warmLater) reloadWarm();
  }

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
    frame.src = warmUrl();
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

  function showFrame() {
    frame.style.inset = "0";
    frame.style.width = "100%";
    frame.style.height = "100%";
    frame.style.visibility = "visible";
    frame.removeAttribute("aria-hidden");
    frame.tabIndex = 0;
    backdrop.style.display = "block";
    frame.focus();
  }

  // Calls back once the iframe's current page said "ready", or with false after FRAME_TIMEOUT:
  // a CSP frame-src that does not list the service, or a network error, never says it.
  function whenFrameReady(then) {
    if (frameReady) { then(true); return; }
    var settled = false;
    var waiter = function (ready) {
      if (settled) return;
      settled = true;
      then(ready);
    };
    readyWaiters.push(waiter);
    window.setTimeout(function () { waiter(false); }, FRAME_TIMEOUT);
  }

  function frameBlocked() {
    return say(
      "금융인증서비스 화면을 불러오지 못했습니다. 이용기관 페이지의 CSP frame-src에 " + WIDGET_ORIGIN +
        " 이(가) 있는지, 네트워크 연결을 확인해주세요.",
      "The FinCert window could not be loaded. Check that the page's CSP frame-src lists " + WIDGET_ORIGIN +
        " and that the network is connected."
    );
  }

  function cancelled() {
    return say("사용자가 취소했습니다.", "The user cancelled.");
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== WIDGET_ORIGIN || !frame || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.type === "fincert:ready") {
      if (data.page !== "warm") return;  // a widget page loaded on its own (not the SDK's)
      frameReady = true;
      frameReadyAt = Date.now();
      var waiters = readyWaiters;
      readyWaiters = [];
      waiters.forEach(function (waiter) { waiter(true); });
    } else if (data.type === "fincert:answer" && pendingQuestions[data.id]) {
      var question = pendingQuestions[data.id];
      delete pendingQuestions[data.id];
      question(data);
    } else if (open && data.type === "fincert:stale") {
      resend(open);
    } else if (open && data.type === "fincert:result") {
      close(data.result || {});
    } else if (open && data.type === "fincert:close") {
      close({ ok: false, code: data.code || CODES.cancelled, message: data.message || cancelled() });
    }
  });

  // --- history: Back closes the widget -------------------------------------------------------

  var historyMark = null;
  var ignoreNextPop = false;

  function markHistory() {
    historyMark = "fincert-" + Date.now() + "-" + Math.random().toString(36).slice(2);
    history.pushState(Object.assign({}, history.state || {}, { fincert: historyMark }), "");
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
    window.setTimeout(finish, 2000);  // popstate comes within milliseconds; this is for a browser that never sends it
  }

  window.addEventListener("popstate", function () {
    if (ignoreNextPop || !open || !historyMark) return;
    historyMark = null;  // Back already took our entry
    cancelOpen(CODES.cancelled, cancelled());
  });

  // Ask the widget to cancel its transaction (so the service records it); if it cannot answer
  // (not loaded, or gone), close here.
  function cancelOpen(code, message) {
    var current = open;
    current.cancelCode = code;
    current.cancelMessage = message;
    if (frame && frame.contentWindow) frame.contentWindow.postMessage({ type: "fincert:cancel" }, WIDGET_ORIGIN);
    window.setTimeout(function () {
      if (open === current) close({ ok: false, code: code, message: message });
    }, 1500);
  }

  function close(outcome) {
    if (!open) return;
    var current = open;
    open = null;
    hideFrame();
    reloadWarmSoon();
    if (current.returnFocus && current.returnFocus.focus) current.returnFocus.focus();
    if (!outcome.ok && current.cancelCode && outcome.code === CODES.cancelled) {
      outcome = { ok: false, code: current.cancelCode, message: current.cancelMessage };
    }
    unmarkHistory(function () {
      if (outcome.ok) {
        current.success(current.shape(outcome));
      } else {
        current.fail({ code: outcome.code || CODES.cancelled, message: outcome.message || cancelled() });
      }
    });
  }

  // A fetch that failed without an answer: either the service is down or this page's origin is
  // not registered (CORS allows registered origins only). A no-cors probe tells them apart.
  function explainNetworkFailure(report) {
    fetch(WIDGET_ORIGIN + "/healthz", { mode: "no-cors", cache: "no-store" })
      .then(function () {
        report(CODES.unknownClient, say(
          "이 페이지의 주소(" + location.origin + ")는 이용기관에 등록되지 않았습니다.",
          "This page's origin (" + location.origin + ") is not registered for this relying party."
        ));
      })
      .catch(function () {
        report(CODES.unreachable, say(
          "금융인증서비스에 연결할 수 없습니다. 네트워크 연결을 확인해주세요.",
          "FinCert cannot be reached. Check the network connection."
        ));
      });
  }

  function postJson(path, body) {
    return fetch(WIDGET_ORIGIN + path, {
      method: "POST",
      mode: "cors",
      credentials: "include",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, body: json }; });
    });
  }

  // Show the overlay at once and hand the request to the warm page, which opens it in one
  // request and shows its first step; the outcome comes back by postMessage.
  function openWidget(request, options, shape) {
    if (open) {
      failWith(options, CODES.badRequest, say("이미 진행 중인 요청이 있습니다.", "A request is already in progress."));
      return;
    }
    if (refusal) {
      failWith(options, refusal.code, refusal.message);
      return;
    }
    prepareFrame();
    open = {
      success: callback(options, "success"),
      fail: callback(options, "fail"),
      shape: shape,
      returnFocus: document.activeElement,
      request: Object.assign({ orgCode: settings.orgCode, apiKey: settings.apiKey, lang: settings.lang }, request),
      resent: false
    };
    if (authData) open.request.authData = authData;
    showFrame();
    markHistory();
    warmNow();
    if (frameReady && Date.now() - frameReadyAt > WARM_MAX_AGE) reloadWarm();
    send(open);
  }

  function send(current) {
    whenFrameReady(function (ready) {
      if (open !== current) return;
      if (!ready) {
        close(refusal ? { ok: false, code: refusal.code, message: refusal.message }
          : { ok: false, code: CODES.unreachable, message: frameBlocked() });
        return;
      }
      frame.contentWindow.postMessage({ type: "fincert:open", request: current.request }, WIDGET_ORIGIN);
    });
  }

  // The warm page's token had aged out: reload it and send the request once more.
  function resend(current) {
    if (current.resent) {
      close({ ok: false, code: CODES.unreachable, message: say(
        "금융인증서비스 화면을 불러오지 못했습니다. 다시 시도해주세요.",
        "The FinCert window could not be loaded. Please try again."
      ) });
      return;
    }
    current.resent = true;
    reloadWarm();
    send(current);
  }

  // --- checking parameters -------------------------------------------------------------------

  function BadRequest(message) { this.message = message; }

  function only(object, allowed, where) {
    Object.keys(object || {}).forEach(function (key) {
      if (allowed.indexOf(key) < 0) {
        throw new BadRequest(say(
          where + "." + key + "은(는) 지원하지 않는 옵션입니다.", where + "." + key + " is not a supported option."
        ));
      }
    });
  }

  var SIGN_KEYS = ["signFormat", "content", "algorithms", "info", "nonce", "view", "success", "fail"];
  var APP_ONLY = ["clientType", "clientOrigin", "uniqVal", "signWithoutUI"];

  // One sign parameter object → the service's request object.
  function signRequest(options) {
    APP_ONLY.forEach(function (key) {
      if (options[key] !== undefined) {
        throw new BadRequest(say(
          key + "는 앱 전용 옵션으로 웹에서는 쓰지 않습니다.", key + " is an option for apps, not used on the web."
        ));
      }
    });
    only(options, SIGN_KEYS, "sign");
    var format = options.signFormat || {};
    only(format, ["type", "CMSInfo"], "signFormat");
    var type = format.type || "CMS";
    var cmsInfo = format.CMSInfo || {};
    only(cmsInfo, ["withoutContent", "generalSyntax", "time", "includeR", "ssn"], "signFormat.CMSInfo");
    if (type === "PKCS1" && format.CMSInfo) {
      var meaningful = ["withoutContent", "generalSyntax", "time"].filter(function (key) { return key in cmsInfo; });
      if (meaningful.length) {
        throw new BadRequest(say(
          "PKCS1 서명에는 CMSInfo." + meaningful[0] + " 옵션을 쓸 수 없습니다.",
          "A PKCS1 signature cannot use the CMSInfo." + meaningful[0] + " option."
        ));
      }
    }
    var content = options.content || {};
    only(content, ["plainText", "binary", "hash"], "content");
    var kinds = Object.keys(content);
    if (kinds.length > 1) {
      throw new BadRequest(say(
        "content에는 plainText, binary, hash 중 하나만 주세요.", "Give content one of plainText, binary or hash, not more."
      ));
    }
    var kind = kinds[0] || "plainText";
    var contents;
    var encoding = "UTF-8";
    if (kind === "plainText") {
      only(content.plainText, ["plainTexts", "encoding"], "content.plainText");
      contents = (content.plainText || {}).plainTexts;
      encoding = (content.plainText || {}).encoding || "UTF-8";
    } else if (kind === "binary") {
      only(content.binary, ["binaries"], "content.binary");
      contents = content.binary.binaries;
    } else {
      only(content.hash, ["hashes"], "content.hash");
      contents = content.hash.hashes;
    }
    var info = options.info || {};
    only(info, ["signType", "nonce"], "info");
    var algorithm = options.algorithms;
    if (Array.isArray(algorithm)) {
      if (algorithm.length !== 1) {
        throw new BadRequest(say("algorithms에는 알고리즘 하나를 주세요.", "Give algorithms exactly one algorithm."));
      }
      algorithm = algorithm[0];
    }
    return {
      signType: info.signType || "01",
      format: type,
      withoutContent: cmsInfo.withoutContent !== undefined ? cmsInfo.withoutContent : true,
      generalSyntax: cmsInfo.generalSyntax !== undefined ? cmsInfo.generalSyntax : true,
      time: cmsInfo.time || "CLOUD_SERVER",
      includeR: cmsInfo.includeR || false,
      algorithm: algorithm || "RSASSA-PKCS1-v1_5_SHA256",
      contentType: kind,
      contents: contents,
      encoding: encoding
    };
  }

  function viewOf(options) {
    var view = options.view || {};
    only(view, ["lastAccessCert", "certSeqNum", "enableTextView", "oid"], "view");
    return view;
  }

  function requireInit(options) {
    if (!settings.orgCode || !settings.apiKey) {
      failWith(options, CODES.badRequest, say(
        "FinCert.Sdk.init({orgCode, apiKey})를 먼저 호출해주세요.", "Call FinCert.Sdk.init({orgCode, apiKey}) first."
      ));
      return false;
    }
    return true;
  }

  function guarded(options, work) {
    try {
      work();
    } catch (error) {
      if (error instanceof BadRequest) failWith(options, CODES.badRequest, error.message);
      else throw error;
    }
  }

  // --- questions the warm iframe answers (cloud connection) ------------------------------------

  function ask(action, options) {
    prepareFrame();
    warmNow();
    whenFrameReady(function (ready) {
      if (!ready) { failWith(options, CODES.unreachable, frameBlocked()); return; }
      var id = "q" + Date.now() + Math.random().toString(36).slice(2);
      pendingQuestions[id] = function (answer) {
        if (answer.ok) callback(options, "success")(answer.body);
        else {
          var error = answer.body.error || {};
          failWith(options, error.code || CODES.badRequest, error.message || say("요청이 거절되었습니다.", "The request was refused."));
        }
      };
      frame.contentWindow.postMessage(
        { type: "fincert:question", id: id, action: action, orgCode: settings.orgCode, apiKey: settings.apiKey },
        WIDGET_ORIGIN
      );
    });
  }

  // --- DER reading (getCertInfo, getSignerCertFromSignedVal) ---------------------------------

  function base64ToBytes(text) {
    var binary = atob(convertBase64UrlToBase64(text.replace(/\s+/g, "")));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function bytesToBase64(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }

  function readTlv(bytes, offset) {
    var tag = bytes[offset];
    var length = bytes[offset + 1];
    var start = offset + 2;
    if (length & 0x80) {
      var count = length & 0x7f;
      length = 0;
      for (var i = 0; i < count; i++) length = length * 256 + bytes[start + i];
      start += count;
    }
    if (start + length > bytes.length) throw new BadRequest(say("DER 형식이 올바르지 않습니다.", "The DER encoding is not valid."));
    return { tag: tag, start: start, end: start + length, whole: bytes.subarray(offset, start + length) };
  }

  function children(bytes, node) {
    var found = [];
    for (var offset = node.start; offset < node.end;) {
      var child = readTlv(bytes, offset);
      found.push(child);
      offset = child.end;
    }
    return found;
  }

  function oidText(bytes, node) {
    var parts = [];
    var value = 0;
    for (var i = node.start; i < node.end; i++) {
      value = value * 128 + (bytes[i] & 0x7f);
      if (!(bytes[i] & 0x80)) {
        if (!parts.length) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
        else parts.push(value);
        value = 0;
      }
    }
    return parts.join(".");
  }

  var NAMES = { "2.5.4.3": "CN", "2.5.4.11": "OU", "2.5.4.10": "O", "2.5.4.6": "C" };

  function nameText(bytes, node) {
    return children(bytes, node).map(function (rdn) {
      var pair = children(bytes, children(bytes, rdn)[0]);
      var key = NAMES[oidText(bytes, pair[0])] || oidText(bytes, pair[0]);
      return key + "=" + new TextDecoder("utf-8").decode(bytes.subarray(pair[1].start, pair[1].end));
    }).reverse().join(",");
  }

  function timeText(bytes, node) {
    var text = new TextDecoder("ascii").decode(bytes.subarray(node.start, node.end));
    if (node.tag === 0x17) text = (Number(text.slice(0, 2)) < 50 ? "20" : "19") + text;
    return text.slice(0, 14);  // YYYYMMDDHHmmss, UTC
  }

  // An INTEGER as the service writes serials (certSeqNum): upper-case hex without leading zeros.
  function hex(bytes, node) {
    var out = "";
    for (var i = node.start; i < node.end; i++) out += ("0" + bytes[i].toString(16)).slice(-2);
    return out.replace(/^0+(?=.)/, "").toUpperCase();
  }

  function pem(bytes) {
    var body = bytesToBase64(bytes).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
    return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
  }

  function certificateBytes(certificate) {
    var text = String(certificate || "").replace(/-----(BEGIN|END) CERTIFICATE-----/g, "");
    return base64ToBytes(text);
  }

  function certInfo(bytes) {
    var certificate = readTlv(bytes, 0);
    var tbs = children(bytes, children(bytes, certificate)[0]);
    var index = tbs[0].tag === 0xa0 ? 1 : 0;
    var validity = children(bytes, tbs[index + 3]);
    var subject = nameText(bytes, tbs[index + 4]);
    var policies = [];
    tbs.slice(index + 6).forEach(function (node) {
      if (node.tag !== 0xa3) return;
      children(bytes, children(bytes, node)[0]).forEach(function (extension) {
        var parts = children(bytes, extension);
        if (oidText(bytes, parts[0]) !== "2.5.29.32") return;
        var value = readTlv(bytes, parts[parts.length - 1].start);
        children(bytes, value).forEach(function (policy) { policies.push(oidText(bytes, children(bytes, policy)[0])); });
      });
    });
    var commonName = (subject.match(/CN=([^,]*)/) || [])[1] || "";
    var named = commonName.match(/^(.*)\(\)(\d{3})/);
    return {
      certSeqNum: hex(bytes, tbs[index]),
      subjectName: subject,
      issuerName: nameText(bytes, tbs[index + 2]),
      notBefore: timeText(bytes, validity[0]),
      notAfter: timeText(bytes, validity[1]),
      policyOids: policies,
      name: named ? named[1] : commonName,
      bankCode: named ? named[2] : "",
      certificate: pem(bytes)
    };
  }

  function signerCertificate(signedVal) {
    var bytes = base64ToBytes(signedVal);
    var node = readTlv(bytes, 0);
    var parts = children(bytes, node);
    if (parts[0].tag === 0x06) node = children(bytes, parts[1])[0];  // ContentInfo: [0] EXPLICIT SignedData
    var signedData = children(bytes, node);
    var certificates = signedData.filter(function (part) { return part.tag === 0xa0; })[0];
    var signerInfos = signedData[signedData.length - 1];
    if (!certificates) {
      throw new BadRequest(say(
        "서명값에 인증서가 없습니다 (PKCS1 서명에는 인증서가 들어 있지 않습니다).",
        "The signed value holds no certificate (a PKCS1 signature carries none)."
      ));
    }
    var sid = children(bytes, children(bytes, children(bytes, signerInfos)[0])[1]);
    var serial = hex(bytes, sid[1]);
    var issuer = nameText(bytes, sid[0]);
    var match = children(bytes, certificates).map(function (cert) { return cert.whole; }).filter(function (der) {
      var info = certInfo(der);
      return info.certSeqNum === serial && info.issuerName === issuer;
    })[0];
    if (!match) throw new BadRequest(say("서명자 인증서를 찾을 수 없습니다.", "The signer's certificate was not found."));
    return pem(match);
  }

  function convertBase64UrlToBase64(text) {
    var base64 = String(text).replace(/-/g, "+").replace(/_/g, "/");
    return base64 + "===".slice((base64.length + 3) % 4);
  }

  function convertBase64ToBase64Url(text) {
    return String(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // A utility answers both ways: the return value, and success/fail when a parameter object is given.
  function utility(argument, key, work) {
    var options = argument && typeof argument === "object" ? argument : null;
    try {
      var result = work(options ? options[key] : argument);
      if (options) callback(options, "success")(result);
      return result;
    } catch (error) {
      var message = error instanceof BadRequest ? error.message : say("형식이 올바르지 않습니다.", "The format is not valid.");
      if (options) failWith(options, CODES.badRequest, message);
      return null;
    }
  }

  var Sdk = {
    version: VERSION,

    init: function (options) {
      options = options || {};
      if (options.lang === "kor" || options.lang === "eng") language = options.lang;
      guarded(options, function () {
        only(options, ["orgCode", "apiKey", "lang", "success", "fail", "clientType", "clientOrigin", "uniqVal"], "init");
        if (options.clientType !== undefined && String(options.clientType).toUpperCase() !== "WEB") {
          throw new BadRequest(say(
            "clientType은 앱 전용 값입니다. 웹에서는 쓰지 않거나 'WEB'으로 주세요.",
            "clientType is a value for apps. On the web leave it out or give 'WEB'."
          ));
        }
        if (options.clientOrigin !== undefined || options.uniqVal !== undefined) {
          throw new BadRequest(say(
            "clientOrigin, uniqVal은 앱 전용 옵션입니다. 웹에서는 페이지의 주소가 쓰입니다.",
            "clientOrigin and uniqVal are options for apps. On the web the page's origin is used."
          ));
        }
        if (options.lang !== undefined && options.lang !== "kor" && options.lang !== "eng") {
          throw new BadRequest(say("lang은 'kor' 또는 'eng'여야 합니다.", "lang must be 'kor' or 'eng'."));
        }
        settings = Object.assign({ lang: "kor" }, options);
        refusal = null;
        var start = function () {
          prepareFrame();
          postJson("/widget/sdk/hello", { orgCode: settings.orgCode, apiKey: settings.apiKey, lang: settings.lang })
            .then(function (answer) {
              if (!answer.ok) {
                var error = answer.body.error || {};
                refusal = {
                  code: error.code || CODES.unknownClient,
                  message: error.message || say("이용기관 확인에 실패했습니다.", "The relying party could not be verified.")
                };
                failWith(options, refusal.code, refusal.message);
                return;
              }
              whenFrameReady(function (ready) {
                if (ready) callback(options, "success")({ orgCode: settings.orgCode, version: VERSION });
                else failWith(options, CODES.unreachable, frameBlocked());
              });
            })
            .catch(function () {
              explainNetworkFailure(function (code, message) {
                if (code === CODES.unknownClient) refusal = { code: code, message: message };
                failWith(options, code, message);
              });
            });
        };
        if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
      });
    },

    sign: function (parameters) {
      var list = Array.isArray(parameters) ? parameters : [parameters || {}];
      var first = list[0] || {};
      var options = { success: first.success, fail: first.fail };
      if (!requireInit(options)) return;
      guarded(options, function () {
        var requests = list.map(signRequest);
        var nonce = first.nonce || (first.info || {}).nonce;
        list.slice(1).forEach(function (item) {
          var other = item.nonce || (item.info || {}).nonce;
          if (other && other !== nonce) {
            throw new BadRequest(say("한 번의 다중 서명에는 nonce 하나를 씁니다.", "A multi-sign uses one nonce for all."));
          }
        });
        openWidget({ op: "sign", nonce: nonce, requests: requests, view: viewOf(first) }, options, function (result) {
          var shaped = { certSeqNum: result.certSeqNum, signedVals: result.signedVals, certificate: result.certificate };
          if (result.rValue) shaped.rValue = result.rValue;
          return shaped;
        });
      });
    },

    manage: function (options) {
      options = options || {};
      if (!requireInit(options)) return;
      guarded(options, function () {
        only(options, ["success", "fail"], "manage");
        openWidget({ op: "manage" }, options, function () { return { managed: true }; });
      });
    },

    issue: function (options) {
      options = options || {};
      if (!requireInit(options)) return;
      guarded(options, function () {
        only(options, ["refNum", "authCode", "success", "fail"], "issue");
        if (!options.refNum || !options.authCode) {
          throw new BadRequest(say("issue에는 refNum과 authCode가 필요합니다.", "issue needs refNum and authCode."));
        }
        openWidget({ op: "issue", refNum: String(options.refNum), authCode: String(options.authCode) }, options,
          function (result) { return { certSeqNum: result.certSeqNum, certificate: result.certificate }; });
      });
    },

    getCertInfoList: function (options) {
      options = options || {};
      if (!requireInit(options)) return;
      guarded(options, function () {
        only(options, ["nonce", "view", "success", "fail"], "getCertInfoList");
        openWidget({ op: "certlist", nonce: options.nonce, view: viewOf(options) }, options,
          function (result) { return { certInfos: result.certInfos }; });
      });
    },

    checkCloudConn: function (options) {
      options = options || {};
      if (!requireInit(options)) return;
      ask("check", options);
    },

    disconnectCloudConn: function (options) {
      options = options || {};
      if (!requireInit(options)) return;
      ask("disconnect", options);
    },

    setAuthData: function (options) {
      options = options || {};
      guarded(options, function () {
        only(options, ["name", "phone", "birthday", "disableInput", "success", "fail"], "setAuthData");
        if (!options.name || !options.phone || !options.birthday) {
          throw new BadRequest(say(
            "setAuthData에는 name, phone, birthday가 모두 필요합니다.", "setAuthData needs name, phone and birthday."
          ));
        }
        authData = {
          name: String(options.name), phone: String(options.phone), birthday: String(options.birthday),
          disableInput: Boolean(options.disableInput)
        };
        callback(options, "success")({});
      });
    },

    getCertInfo: function (certificate) {
      return utility(certificate, "certificate", function (value) { return certInfo(certificateBytes(value)); });
    },

    getSignerCertFromSignedVal: function (signedVal) {
      return utility(signedVal, "signedVal", function (value) { return signerCertificate(String(value)); });
    },

    convertBase64UrlToBase64: convertBase64UrlToBase64,
    convertBase64ToBase64Url: convertBase64ToBase64Url,

    abort: function () {
      if (open) cancelOpen(CODES.aborted, say("이용기관이 요청을 중단했습니다.", "The relying party aborted the request."));
    }
  };

  global.FinCert = global.FinCert || {};
  global.FinCert.Sdk = Sdk;
})(window);
