"""The relying-party contract shared by the SDK entry point, the RP API and the OpenAPI document:
the sign types a request may carry and the result codes the SDK's ``fail`` receives
(docs/design.md, "The relying-party contract")."""

from __future__ import annotations

from app.errors import N_

# Labels and messages are Korean, marked for the English catalog (app/i18n.py).
SIGN_TYPES: dict[str, str] = {
    "01": N_("로그인"),
    "02": N_("송금"),
    "03": N_("금융상품 가입/해지"),
    "04": N_("전자계약"),
    "05": N_("납부/결제"),
    "06": N_("증명서발급"),
    "07": N_("자산연동"),
    "08": N_("인증수단관리"),
    "99": N_("기타"),
}
LOGIN = "01"

# SDK result codes: what ``fail({code, message})`` receives.
CANCELLED = "800000"  # the person cancelled or closed the widget
BAD_REQUEST = "800001"  # the request (parameters, options) is not valid
UNKNOWN_CLIENT = "800002"  # unknown RP, wrong apiKey, or an origin the RP did not register
NONCE_REFUSED = "800003"  # missing, malformed, reused or expired nonce
EXPIRED = "800004"  # the widget transaction ran out of time
LOCKED = "800005"  # the certificate locked after too many wrong PINs
CERTIFICATE_UNUSABLE = "800006"  # the certificate cannot be used (revoked, expired)
NO_CERTIFICATE = "800007"  # the person closed the widget with no usable certificate in the cloud
UNREACHABLE = "800009"  # the SDK could not reach the service (set by the SDK itself)

SDK_CODES: dict[str, str] = {
    CANCELLED: N_("사용자가 취소했습니다."),
    BAD_REQUEST: N_("요청이 올바르지 않습니다."),
    UNKNOWN_CLIENT: N_("등록되지 않은 이용기관이거나 허용되지 않은 주소입니다."),
    NONCE_REFUSED: N_("nonce를 사용할 수 없습니다."),
    EXPIRED: N_("요청 시간이 지났습니다."),
    LOCKED: N_("비밀번호 오류 횟수 초과로 인증서가 잠겼습니다."),
    CERTIFICATE_UNUSABLE: N_("사용할 수 없는 인증서입니다."),
    NO_CERTIFICATE: N_("사용할 수 있는 금융인증서가 없습니다. 발급 은행에서 발급받은 뒤 다시 시도해주세요."),
    UNREACHABLE: N_("금융인증서비스에 연결할 수 없습니다."),
}
