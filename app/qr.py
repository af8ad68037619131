"""QR codes as SVG, drawn by the ``qrcode`` package here (no third-party service)."""

from __future__ import annotations

import io

import qrcode
from markupsafe import Markup, escape
from qrcode.image.svg import SvgPathImage


def qr_svg(data: str) -> bytes:
    """An SVG image of a QR code for ``data`` (error correction M, 4-module quiet zone)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, image_factory=SvgPathImage)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


def qr_svg_inline(data: str, label: str) -> Markup:
    """The same QR code as an ``<svg role="img">`` element to put straight into a page."""
    svg = qr_svg(data).decode()
    svg = svg[svg.index("<svg") :]
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="qr" ', 1))
