"""The colours that show where one is and where to type stand out: 3:1 or more against
every background they are drawn on (WCAG 2.1, 1.4.11 non-text contrast; 2.4.7 focus)."""

from __future__ import annotations

import re

import pytest

from journey.config import PROJECT_ROOT

CSS = PROJECT_ROOT / "static" / "css"
BACKGROUNDS = {"cream": "--cream", "paper": "--paper", "white": "#ffffff"}


def variables() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", (CSS / "journey.css").read_text(), re.S)
    assert root, "journey.css has no :root"
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", ["--focus", "--field-line"])
@pytest.mark.parametrize("background", list(BACKGROUNDS))
def test_focus_ring_and_field_borders_stand_out(name, background):
    colours = variables()
    ground = BACKGROUNDS[background]
    ground = colours[ground] if ground.startswith("--") else ground
    assert contrast(colours[name], ground) >= 3, (name, background)


def test_every_focus_ring_and_field_border_uses_those_colours():
    journey_css = (CSS / "journey.css").read_text()
    assert ":focus-visible { outline: 3px solid var(--focus);" in journey_css
    for sheet in CSS.glob("*.css"):
        text = sheet.read_text()
        for rule in re.findall(r"outline(?:-color)?:[^;}]*", text):
            assert not re.search(r"#|rgb|var\((?!--focus)", rule), (sheet.name, rule)
        for selector, body in re.findall(r"([^{}]*(?:input|textarea|select)[^{}]*){([^}]*)}", text):
            for border in re.findall(r"border(?:-color)?:\s*([^;]*)", body):
                assert "#" not in border or "var(" in border, (sheet.name, selector, border)
