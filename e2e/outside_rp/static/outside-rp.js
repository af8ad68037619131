// 바깥 이용기관's page script: start the SDK, ask the widget for what this page's server
// prepared (the parameters and the nonce are in #rp-config), and post the result back to the
// server, which verifies it. Failures are shown with their code; 800000 is the person's choice.
(function () {
  "use strict";

  var config = document.getElementById("rp-config").dataset;
  var state = document.querySelector('[data-testid="sdk-state"]');
  var outcome = document.querySelector('[data-testid="outcome"]');
  var cloud = document.querySelector('[data-testid="cloud-conn"]');
  var form = document.getElementById("rp-result");

  function report(error) {
    outcome.dataset.code = error.code;
    outcome.textContent = error.code === "800000"
      ? "금융인증을 취소했습니다."
      : error.message + " (오류 코드 " + error.code + ")";
  }

  function submit(fields) {
    Object.keys(fields).forEach(function (name) { form.elements[name].value = fields[name]; });
    form.submit();
  }

  // Read the certificate locally with the SDK as well; the server compares what it read.
  function signed(result) {
    outcome.textContent = "서명을 확인하고 있습니다…";
    var signer = { pem: "", error: "" };
    if (config.format === "CMS") {  // a PKCS1 value is a bare signature: no certificate inside
      FinCert.Sdk.getSignerCertFromSignedVal({
        signedVal: result.signedVals[0],
        success: function (pem) { signer.pem = pem; },
        fail: function (error) { signer.error = error.code + " " + error.message; }
      });
    }
    submit({
      result: JSON.stringify(result),
      cert_info: JSON.stringify(FinCert.Sdk.getCertInfo(result.certificate)),
      signer_cert: signer.pem,
      signer_cert_error: signer.error
    });
  }

  FinCert.Sdk.init({
    orgCode: config.orgCode,
    apiKey: config.apiKey,
    lang: config.lang,
    success: function () {
      state.dataset.state = "ready";
      state.textContent = "금융인증서비스 준비됨";
    },
    fail: function (error) {
      state.dataset.state = "failed";
      state.dataset.code = error.code;
      state.textContent = "금융인증서비스를 준비하지 못했습니다: " + error.message + " (오류 코드 " + error.code + ")";
    }
  });

  var authData = JSON.parse(config.authData);
  if (authData) FinCert.Sdk.setAuthData(authData);

  document.querySelector("[data-rp-start]").addEventListener("click", function () {
    delete outcome.dataset.code;
    outcome.textContent = "";
    if (config.action === "certlist") {
      FinCert.Sdk.getCertInfoList({
        nonce: config.nonce,
        success: function (answer) { submit({ cert_infos: JSON.stringify(answer.certInfos) }); },
        fail: report
      });
      return;
    }
    var parameters = JSON.parse(config.signParameters);
    var first = Array.isArray(parameters) ? parameters[0] : parameters;
    first.success = signed;
    first.fail = report;
    FinCert.Sdk.sign(parameters);
  });

  function showConnection(connected, text) {
    cloud.dataset.connected = String(connected);
    cloud.textContent = text;
  }

  var check = document.querySelector("[data-rp-check]");
  if (check) {
    check.addEventListener("click", function () {
      delete cloud.dataset.connected;
      cloud.textContent = "확인하고 있습니다…";
      FinCert.Sdk.checkCloudConn({
        success: function (answer) {
          showConnection(answer.connected, answer.connected ? "자동연결: 연결됨" : "자동연결: 연결 안 됨");
        },
        fail: report
      });
    });
    document.querySelector("[data-rp-disconnect]").addEventListener("click", function () {
      delete cloud.dataset.connected;
      cloud.textContent = "해제하고 있습니다…";
      FinCert.Sdk.disconnectCloudConn({
        success: function () { showConnection(false, "자동연결을 해제했습니다."); },
        fail: report
      });
    });
  }
})();
