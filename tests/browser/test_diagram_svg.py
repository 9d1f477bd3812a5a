"""Each diagram, drawn by web.diagram_svg, laid out by a real browser: every task's name fits
inside its box, and nothing is drawn outside the picture."""
from pathlib import Path

import pytest
from lxml import etree

from web.diagram_svg import render

DIAGRAMS = sorted((Path(__file__).resolve().parents[2] / "bpmn").glob("*.bpmn"))

# For every task box: its element id, and how far its name pokes out of it (0 when it fits).
OVERFLOW = """svg => [...svg.querySelectorAll('g.bpmn-shape')].filter(g => g.querySelector(':scope > rect')
    && g.querySelector(':scope > text')).map(g => {
  const box = g.querySelector(':scope > rect').getBBox(), text = g.querySelector(':scope > text').getBBox();
  return [g.dataset.element, Math.max(0, box.x - text.x, text.x + text.width - box.x - box.width,
                                      box.y - text.y, text.y + text.height - box.y - box.height)];
})"""
# How many texts reach outside the picture (as laid out on the screen, so rotated lane names count rightly).
OUTSIDE = """svg => { const frame = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect()).filter(b => b.left < frame.left
    || b.top < frame.top || b.right > frame.right || b.bottom > frame.bottom).length; }"""


@pytest.fixture
def blank(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("state", ["pending", "current"])  # the current step's name is bold, so wider
@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_task_names_fit_their_boxes_and_the_picture_holds_everything(blank, screenshot, path, state):
    xml = path.read_text()
    every_step = set(etree.fromstring(xml.encode()).xpath("//@id"))
    svg = render(xml, set(), every_step if state == "current" else set())
    blank.set_content(f"<!doctype html><html lang='sv'><body style='margin:0'>{svg}</body></html>")
    drawing = blank.locator("svg.bpmn-diagram")

    overflow = {element: round(by, 1) for element, by in drawing.evaluate(OVERFLOW) if by > 1}
    assert overflow == {}
    assert drawing.evaluate(OUTSIDE) == 0
    screenshot(blank, f"diagram-{path.stem}-{state}")
