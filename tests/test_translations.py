"""The English catalog is complete (run by ``make test``): the committed ``messages.pot`` is what
the sources give now — so nobody adds a Korean string without it showing up here — and every
message has a non-empty, non-fuzzy English translation with the same placeholders."""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# Characters a translation may not bring in: templates show translations unescaped (Jinja's
# i18n extension marks them safe), in text and in attributes.
UNSAFE = set('<>&"')


def _extract_options() -> list[str]:
    """``EXTRACT_OPTIONS`` as the Makefile's ``make translations`` uses them."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = re.search(r"^EXTRACT_OPTIONS := (.+)$", makefile, re.MULTILINE)
    assert line, "the Makefile names its EXTRACT_OPTIONS"
    return shlex.split(line.group(1))


def _catalog():
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="en")


def test_the_committed_template_is_what_the_sources_give(tmp_path):
    extracted = tmp_path / "messages.pot"
    extract = [sys.executable, "-m", "babel.messages.frontend", "extract", *_extract_options()]
    command = [*extract, "-o", str(extracted), "."]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    committed = (TRANSLATIONS / "messages.pot").read_text(encoding="utf-8")
    assert extracted.read_text(encoding="utf-8") == committed, (
        "app/translations/messages.pot is out of date: run `make translations` and translate what is new"
    )


def _ids(catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


def test_the_english_catalog_has_every_message_of_the_template():
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        template = _ids(read_po(pot))
    translated = _ids(_catalog())
    assert template - translated == set(), "run `make translations`"
    assert translated - template == set(), "the catalog has messages no source uses: run `make translations`"


def test_every_message_is_translated_with_the_same_placeholders():
    catalog = _catalog()
    assert not catalog.fuzzy
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if sorted(set(PLACEHOLDER.findall(string))) != sorted(set(wanted)):
                problems.append(f"placeholders differ: {ids[0]!r} → {string!r}")
            if (set(string) & UNSAFE) - set(ids[0]):
                problems.append(f"markup characters in the translation: {string!r}")
            if re.search(r"[가-힣]", re.sub(r"%\(\w+\)\w", "", string)):
                problems.append(f"Korean left in the translation: {string!r}")
    assert problems == []


def test_the_compiled_catalog_is_the_committed_one():
    """``make setup`` compiles the .po; a missing or stale .mo would serve no or old English."""
    compiled = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists(), "run `make setup` to compile app/translations"
    fresh = io.BytesIO()
    write_mo(fresh, _catalog())
    assert compiled.read_bytes() == fresh.getvalue(), "app/translations changed since it was compiled: run `make setup`"


def test_the_readmes_english_locators_are_the_catalogs():
    """Every English name in the README's locator table is a translation (numbers filled in)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Testing your integration with Playwright", 1)[1].split("\n\n", 3)[2]
    names = [name for row in table.splitlines()[2:] for name in re.findall(r'"([^"]+)"', row.split(" | ")[-1])]
    assert len(names) > 30
    patterns = []
    for message in _catalog():
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        patterns += [r"\d+".join(map(re.escape, re.split(r"%\(\w+\)d", string))) for string in strings if string]
    unknown = [name for name in names if not any(re.fullmatch(pattern, name) for pattern in patterns)]
    assert unknown == []
