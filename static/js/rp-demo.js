// The demo relying party's page script: have a nonce and what to sign from our server (the
// login's comes with the page), open the 금융인증서비스 widget with the SDK, then post the
// signed value to our server.
(function () {
  "use strict";

  var config = document.getElementById("rp-config").dataset;
  var status = document.querySelector("[data-rp-status]");
  // Initialise once per page: the SDK also preloads the widget so that it opens quickly.
  FinCert.Sdk.init({ orgCode: config.orgCode, apiKey: config.apiKey, lang: "kor" });

  function showErrors(form, errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (slot) {
      slot.textContent = errors[slot.dataset.errorFor] || "";
    });
    var messages = Object.keys(errors).map(function (key) { return errors[key]; });
    status.textContent = messages.join(" ");
  }

  // What the visitor reads when the SDK reports a failure: a cancellation is not an error.
  function explain(error) {
    status.dataset.code = error.code;  // what the SDK reported, for the RP's own tests
    if (error.code === "800000") return "금융인증을 취소했습니다.";
    return error.message + " (오류 코드 " + error.code + ")";
  }

  document.querySelectorAll("[data-fincert-manage]").forEach(function (button) {
    button.addEventListener("click", function () {
      FinCert.Sdk.manage({
        success: function () { status.textContent = "인증서 관리를 마쳤습니다."; },
        fail: function (error) { status.textContent = explain(error); }
      });
    });
  });

  // Our server's answer for one signature: a one-time nonce, the sign type and the exact text.
  function ask(form) {
    return fetch(config.prepareUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      });
  }

  // The login's answer comes with the page, and the next one is fetched after each attempt, so
  // the click opens the widget at once. A nonce lives 10 minutes: an older one is asked anew.
  // (A transfer asks at the click: the server checks the fields and builds the text.)
  var NONCE_LIFETIME = 9 * 60 * 1000;
  var ready = {};

  function prepared(form) {
    var held = ready[form.dataset.fincertAction];
    delete ready[form.dataset.fincertAction];
    if (held && Date.now() - held.at < NONCE_LIFETIME) return Promise.resolve({ ok: true, body: held.body });
    return ask(form);
  }

  function prefetch(form) {
    if (form.dataset.fincertAction !== "login") return;
    ask(form).then(function (answer) {
      if (answer.ok) ready.login = { body: answer.body, at: Date.now() };
    }).catch(function () { /* asked again at the click */ });
  }

  document.querySelectorAll("form[data-fincert-action]").forEach(function (form) {
    if (form.dataset.nonce) {
      ready[form.dataset.fincertAction] = {
        body: { nonce: form.dataset.nonce, signType: form.dataset.signType, plainText: form.dataset.plainText, includeR: false },
        at: Date.now()
      };
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      status.textContent = "금융인증서비스를 여는 중입니다…";
      prepared(form)
        .then(function (answer) {
          if (!answer.ok) {
            showErrors(form, answer.body.errors || {});
            return;
          }
          showErrors(form, {});
          FinCert.Sdk.sign({
            signFormat: { type: "CMS", CMSInfo: { includeR: answer.body.includeR } },
            content: { plainText: { plainTexts: [answer.body.plainText], encoding: "UTF-8" } },
            info: { signType: answer.body.signType },
            nonce: answer.body.nonce,
            view: {},
            success: function (result) {
              status.textContent = "서명을 확인하고 있습니다…";
              form.querySelector('input[name="signed_val"]').value = result.signedVals[0];
              form.querySelector('input[name="nonce"]').value = answer.body.nonce;
              var rValue = form.querySelector('input[name="r_value"]');
              if (rValue) rValue.value = result.rValue || "";
              form.submit();
            },
            fail: function (error) {
              status.textContent = explain(error);
              prefetch(form);  // a nonce serves one request: have the next one ready
            }
          });
        })
        .catch(function () { status.textContent = "서버에 연결할 수 없습니다."; });
    });
  });
})();
