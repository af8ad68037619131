"""No inline script or style anywhere (CSP: script-src 'self'; style-src 'self')."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_templates_have_no_inline_script_style_or_event_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html):
            offenders.append(f"{path.name}: inline <script>")
        if re.search(r"<style\b", html) or re.search(r"\sstyle=", html):
            offenders.append(f"{path.name}: inline style")
        if re.search(r"\son[a-z]+=", html):
            offenders.append(f"{path.name}: inline event handler")
        if re.search(r"hx-on|hx-vars|js:", html):
            offenders.append(f"{path.name}: htmx eval")
        if re.search(r"https?://(cdn|unpkg|cdnjs)", html):
            offenders.append(f"{path.name}: CDN")
    assert offenders == []
