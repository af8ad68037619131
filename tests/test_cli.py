"""The operator commands use the same services: issue, then sign a file that openssl verifies."""

from __future__ import annotations

from tests.test_cms_signing import openssl_verify


def test_cert_issue_then_cert_sign(runner, tmp_path):
    issued = runner.invoke(
        args=[
            "cert",
            "issue",
            "--name",
            "이운영",
            "--phone",
            "01077778888",
            "--birth-date",
            "19800505",
            "--bank",
            "020",
        ],
        input="246813\n246813\n",
    )
    assert issued.exit_code == 0, issued.output
    serial = next(line.split(": ")[1] for line in issued.output.splitlines() if line.startswith("serial: "))
    assert "BEGIN CERTIFICATE" in issued.output

    content = tmp_path / "contract.txt"
    content.write_text("전자계약서 v1", encoding="utf-8")
    out = tmp_path / "contract.p7s"
    signed = runner.invoke(
        args=["cert", "sign", "--serial", serial, "--content", str(content), "--out", str(out)], input="246813\n"
    )
    assert signed.exit_code == 0, signed.output
    assert openssl_verify(tmp_path, out.read_bytes(), content.read_bytes()).returncode == 0


def test_cert_commands_report_bad_input(runner):
    weak = runner.invoke(
        args=[
            "cert",
            "issue",
            "--name",
            "이운영",
            "--phone",
            "01077778888",
            "--birth-date",
            "19800505",
            "--bank",
            "020",
        ],
        input="111111\n111111\n",
    )
    assert weak.exit_code != 0 and "같은 숫자" in weak.output
    wrong = runner.invoke(args=["cert", "sign", "--serial", "ABC", "--out", "/tmp/x"], input="246813\n")
    assert wrong.exit_code != 0 and "no certificate" in wrong.output


def test_rp_register_opts_in_to_approving_more_than_logins_on_a_phone(runner):
    from app.extensions import db
    from app.models import RpClient

    def register(*extra):
        args = ["rp", "register", "--org-code", "SHOP", "--name", "쇼핑몰", "--origin", "https://shop.example"]
        return runner.invoke(args=[*args, *extra])

    first = register()
    assert first.exit_code == 0 and "phone (휴대폰으로 인증) may approve: 01" in first.output
    assert db.session.get(RpClient, "SHOP").remote_sign_types == []
    opted = register("--allow-remote-sign-types", "02,05")
    assert opted.exit_code == 0 and "may approve: 01, 02, 05" in opted.output
    rekeyed = register()  # re-keying keeps the choice
    assert "may approve: 01, 02, 05" in rekeyed.output
    cleared = register("--allow-remote-sign-types", "")
    assert "may approve: 01\n" in cleared.output
    wrong = register("--allow-remote-sign-types", "02,77")
    assert wrong.exit_code != 0 and "unknown sign types: 77" in wrong.output
