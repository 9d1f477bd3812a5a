"""A case's BPMN diagram drawn as SVG, server-side, from the diagram's own BPMN-DI, with each
step marked done, current, pending or late.

Only the DI's geometry is used (shape bounds, edge waypoints, label bounds), so a diagram renders
as its modeller drew it; an element kind this module does not know is drawn as a plain box.
Names come from diagram files: lxml writes them, and so escapes them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from lxml import etree

from engine.diagrams import BPMN, BPMNDI

DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SVG = "http://www.w3.org/2000/svg"

ACTIVITIES = {"task", "userTask", "scriptTask", "serviceTask", "manualTask", "sendTask", "receiveTask",
              "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"}
EVENTS = {"startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
CONTAINERS = {"participant", "lane"}
# What a shape is called in its hover text when it has no name.
KIND_NAMES = {"startEvent": "Start", "endEvent": "Slut", "boundaryEvent": "Tidsfrist",
              "exclusiveGateway": "Val", "parallelGateway": "Parallella steg", "inclusiveGateway": "Val",
              "eventBasedGateway": "Händelsestyrt val", "complexGateway": "Val"}
STATE_NAMES = {"done": "klart", "current": "pågår", "pending": "ej påbörjat"}

FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
INK, MUTED, LINE = "#1f2937", "#64748b", "#475569"
# Presentation attributes per state (a page's stylesheet can override them by class).
LOOK = {
    "pending": {"fill": "#f8fafc", "stroke": "#94a3b8", "stroke-width": "1.5", "text": "#334155"},
    "done": {"fill": "#ecfdf5", "stroke": "#059669", "stroke-width": "2", "text": "#065f46"},
    "current": {"fill": "#dbeafe", "stroke": "#1d4ed8", "stroke-width": "4", "text": "#1e3a8a"},
}
# Events and gateways not yet reached are drawn in plain ink: they are signposts, not work.
PENDING_SIGN = {"fill": "#ffffff", "stroke": LINE, "stroke-width": "2", "text": INK}
LATE_STROKE = "#dc2626"
DONE_BADGE, LATE_BADGE = "#059669", "#dc2626"
TAKEN = "#059669"  # a flow the case went along
LANE_HEADER = 30  # width of a pool's or lane's name band, as modellers draw it


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Steps:
    """Element ids of a case's diagram by state; `render` takes them as they are."""

    done: frozenset[str]
    current: frozenset[str]
    late: frozenset[str]


def steps_of_case(passed: Iterable[str], open_tasks: Iterable, deadlines: Iterable = (),
                  now: datetime | None = None) -> Steps:
    """Done: the elements the case has gone through (`CaseRecord.passed`). Current: the open
    tasks (e.g. `CaseView.tasks`). Late: steps whose deadline has passed (overdue, or done late),
    and their timers; with `now`, also a pending deadline already past its due time but not yet
    swept."""
    current = frozenset(task.name for task in open_tasks)
    late: set[str] = set()
    for deadline in deadlines:
        passed_due = now is not None and deadline.status == "pending" and deadline.due_at <= now
        if deadline.status in ("overdue", "late") or passed_due:
            late |= {deadline.guarded_task, deadline.timer_name}
    return Steps(frozenset(passed) - current, current, frozenset(late))


def render(bpmn_xml: str, done: set[str], current: set[str], late: set[str] = frozenset()) -> str:
    """The diagram as an `<svg>` element (no XML declaration), ready to put inline in a page.
    `done` holds every element the case has passed, events and gateways too; a flow between
    two of them is drawn as taken."""
    tree = etree.fromstring(bpmn_xml.encode(), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    elements = {element.get("id"): element for element in tree.iter(f"{{{BPMN}}}*") if element.get("id")}
    plane = tree.find(f".//{{{BPMNDI}}}BPMNPlane")
    if plane is None:
        raise ValueError("diagrammet saknar BPMN-DI")
    drawing = _Drawing(elements, set(done), set(current), set(late))
    shapes = plane.findall(f"{{{BPMNDI}}}BPMNShape")
    edges = plane.findall(f"{{{BPMNDI}}}BPMNEdge")
    # Back to front: pools and lanes, flows, steps, timers on their steps, then flow labels.
    for shape in sorted(shapes, key=lambda s: _layer(elements.get(s.get("bpmnElement")))):
        drawing.shape(shape)
    for edge in edges:
        drawing.edge(edge)
    return drawing.svg(_process_name(tree, elements))


def _layer(element) -> int:
    kind = _local(element)
    return 0 if kind == "participant" else 1 if kind == "lane" else 3 if kind == "boundaryEvent" else 2


def _process_name(tree, elements) -> str:
    for element in elements.values():
        if _local(element) in ("participant", "process") and element.get("name"):
            return element.get("name")
    return tree.get("name") or ""


def _local(element) -> str:
    return etree.QName(element).localname if element is not None else ""


def _bounds(node) -> Box | None:
    bounds = node.find(f"{{{DC}}}Bounds")
    if bounds is None:
        return None
    return Box(*(float(bounds.get(attribute, 0)) for attribute in ("x", "y", "width", "height")))


def _label_bounds(node) -> Box | None:
    label = node.find(f"{{{BPMNDI}}}BPMNLabel")
    return _bounds(label) if label is not None else None


def _n(value: float) -> str:
    return f"{value:g}"


# -- text ------------------------------------------------------------------------------------

def _text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of the width of text in a sans-serif font (Arial's proportions), enough to
    wrap names inside their shapes."""
    em = 0.0
    for char in text:
        if char in "iljtfrI.,:;'!|()[] -":
            em += 0.3
        elif char in "mwMW":
            em += 0.85
        elif char.isupper() or char.isdigit():
            em += 0.65
        else:
            em += 0.54
    return em * size * (1.1 if bold else 1.0)


def _wrap(text: str, width: float, size: float, bold: bool) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(text: str, width: float, height: float, sizes=(12, 11, 10), bold: bool = False) -> tuple[list[str], float]:
    """The largest of `sizes` at which the wrapped text fits the box, with its lines."""
    for size in sizes:
        lines = _wrap(text, width, size, bold)
        if all(_text_width(line, size, bold) <= width for line in lines) and len(lines) * size * 1.2 <= height:
            return lines, size
    return lines, size


class _Drawing:
    def __init__(self, elements: dict, done: set[str], current: set[str], late: set[str]):
        self.elements, self.done, self.current, self.late = elements, done, current, late
        # Tasks with a timer on their edge: their names keep clear of it.
        self.guarded = {e.get("attachedToRef") for e in elements.values() if _local(e) == "boundaryEvent"}
        self.root = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG})
        self.defs = etree.SubElement(self.root, f"{{{SVG}}}defs")
        self.layers = {name: etree.SubElement(self.root, f"{{{SVG}}}g", {"class": name})
                       for name in ("containers", "flows", "nodes", "flow-labels")}
        self.extent: list[float] = []  # min x, min y, max x, max y of everything drawn
        self._markers()

    # -- the document ------------------------------------------------------------------------

    def svg(self, process_name: str) -> str:
        x0, y0, x1, y1 = self.extent or (0, 0, 0, 0)
        margin = 10
        width, height = x1 - x0 + 2 * margin, y1 - y0 + 2 * margin
        summary = f"Processdiagram {process_name}".strip()
        if self.current:
            summary += f". Pågår: {self._names(self.current)}"
        if self.late:
            summary += f". Försenat: {self._names(self.late)}"
        self.root.attrib.update({
            "viewBox": " ".join(_n(v) for v in (x0 - margin, y0 - margin, width, height)),
            "width": _n(width), "height": _n(height), "role": "img", "aria-label": summary,
            "class": "bpmn-diagram", "font-family": FONT,
        })
        title = etree.Element(f"{{{SVG}}}title")
        title.text = summary
        self.root.insert(0, title)
        return etree.tostring(self.root, encoding="unicode")

    def _names(self, ids: set[str]) -> str:
        return ", ".join(self._name(i) for i in sorted(ids) if _local(self.elements.get(i)) in ACTIVITIES)

    def _grow(self, box: Box) -> None:
        corners = (box.x, box.y, box.x + box.width, box.y + box.height)
        if not self.extent:
            self.extent = list(corners)
        else:
            self.extent = [min(self.extent[0], corners[0]), min(self.extent[1], corners[1]),
                           max(self.extent[2], corners[2]), max(self.extent[3], corners[3])]

    def _markers(self) -> None:
        for marker_id, colour in (("bpmn-arrow", LINE), ("bpmn-arrow-taken", TAKEN)):
            arrow = self._add(self.defs, "marker", id=marker_id, viewBox="0 0 10 10", refX="10", refY="5",
                              markerWidth="10", markerHeight="10", markerUnits="userSpaceOnUse", orient="auto")
            self._add(arrow, "path", d="M0,0 L10,5 L0,10 z", fill=colour)
        # The slash BPMN draws across a gateway's default flow, near the gateway.
        slash = self._add(self.defs, "marker", id="bpmn-default", viewBox="0 0 20 20", refX="-4", refY="10",
                          markerWidth="20", markerHeight="20", markerUnits="userSpaceOnUse", orient="auto")
        self._add(slash, "path", d="M4,4 L10,16", stroke=LINE, **{"stroke-width": "1.5"})

    @staticmethod
    def _add(parent, tag: str, text: str | None = None, **attributes):
        element = etree.SubElement(parent, f"{{{SVG}}}{tag}",
                                   {key.rstrip("_"): str(value) for key, value in attributes.items()})
        if text is not None:
            element.text = text
        return element

    def _text(self, parent, lines: list[str], cx: float, cy: float, size: float, fill: str,
              weight: str = "normal", halo: bool = False):
        """Lines centred on (cx, cy)."""
        attributes = {"text-anchor": "middle", "font-size": _n(size), "fill": fill, "font-weight": weight}
        if halo:  # a white outline under the letters keeps labels readable over lines
            attributes.update({"stroke": "#ffffff", "stroke-width": "3", "paint-order": "stroke",
                               "stroke-linejoin": "round"})
        text = self._add(parent, "text", **attributes)
        line_height = size * 1.2
        first = cy - line_height * (len(lines) - 1) / 2 + size * 0.35
        for index, line in enumerate(lines):
            self._add(text, "tspan", line, x=_n(cx), y=_n(round(first + index * line_height, 1)))
        return text

    # -- shapes ------------------------------------------------------------------------------

    def _name(self, element_id: str) -> str:
        element = self.elements.get(element_id)
        return (element.get("name") or "").strip() or KIND_NAMES.get(_local(element), element_id)

    def _state(self, element_id: str) -> str:
        return "current" if element_id in self.current else "done" if element_id in self.done else "pending"

    def shape(self, node) -> None:
        element_id = node.get("bpmnElement")
        element = self.elements.get(element_id)
        box = _bounds(node)
        if box is None:
            return
        self._grow(box)
        kind = _local(element)
        if kind in CONTAINERS:
            group = self._add(self.layers["containers"], "g", class_=f"bpmn-{kind}", **{"data-element": element_id})
            self._add(group, "title", self._name(element_id))
            self._container(group, kind, box, element.get("name") or "")
            return
        state = self._state(element_id)
        late = element_id in self.late
        classes = f"bpmn-shape bpmn-{kind or 'unknown'} {state}" + (" late" if late else "")
        group = self._add(self.layers["nodes"], "g", class_=classes, **{"data-element": element_id})
        hover = f"{self._name(element_id)} – {STATE_NAMES[state]}" + (", försenat" if late else "")
        self._add(group, "title", hover)
        look = dict(PENDING_SIGN if state == "pending" and kind in EVENTS | GATEWAYS else LOOK[state])
        if late:
            look.update({"stroke": LATE_STROKE, "stroke-width": str(max(3.0, float(look["stroke-width"])))})
        if kind in EVENTS:
            self._event(group, element, kind, box, look)
        elif kind in GATEWAYS:
            self._gateway(group, element, kind, box, look)
        elif kind == "textAnnotation":
            self._annotation(group, element, box)
        else:
            self._activity(group, element, kind, box, look)
        if kind in EVENTS | GATEWAYS and element.get("name"):
            self._outside_label(group, element.get("name"), box, _label_bounds(node))
        if kind not in EVENTS | GATEWAYS and kind != "textAnnotation" and (state == "done" or late):
            self._badge(group, box, state, late)

    def _container(self, group, kind: str, box: Box, name: str) -> None:
        self._add(group, "rect", x=_n(box.x), y=_n(box.y), width=_n(box.width), height=_n(box.height),
                  fill="#ffffff" if kind == "participant" else "none", stroke="#94a3b8",
                  **{"stroke-width": "1.5" if kind == "participant" else "1"})
        self._add(group, "rect", x=_n(box.x), y=_n(box.y), width=_n(LANE_HEADER), height=_n(box.height),
                  fill="#e2e8f0" if kind == "participant" else "#f1f5f9", stroke="#94a3b8",
                  **{"stroke-width": "1"})
        if name:
            lines, size = _fit(name, box.height - 10, LANE_HEADER - 4, sizes=(13, 12, 11), bold=True)
            cx, cy = box.x + LANE_HEADER / 2, box.cy
            text = self._text(group, lines, cx, cy, size, INK, weight="bold")
            text.set("transform", f"rotate(-90 {_n(cx)} {_n(cy)})")

    def _activity(self, group, element, kind: str, box: Box, look: dict) -> None:
        rounded = "0" if kind not in ACTIVITIES else "10"
        self._add(group, "rect", x=_n(box.x), y=_n(box.y), width=_n(box.width), height=_n(box.height),
                  rx=rounded, fill=look["fill"], stroke=look["stroke"],
                  **{"stroke-width": look["stroke-width"],
                     "stroke-dasharray": "none" if kind in ACTIVITIES else "4 3"})
        top = 18 if kind in ("userTask", "scriptTask", "serviceTask") else 4
        if top > 4:
            self._task_icon(group, kind, box.x + 6, box.y + 5, look["text"])
        bottom = 22 if element is not None and element.get("id") in self.guarded else 4
        name = (element.get("name") or "").strip() if element is not None else ""
        if name:
            bold = self._state(element.get("id")) == "current"
            lines, size = _fit(name, box.width - 10, box.height - top - bottom, bold=bold)
            self._text(group, lines, box.cx, box.y + (top + box.height - bottom) / 2, size, look["text"],
                       weight="bold" if bold else "normal")

    def _task_icon(self, group, kind: str, x: float, y: float, colour: str) -> None:
        """The small marker BPMN puts in a task's corner: a person, a script page or a cog."""
        icon = self._add(group, "g", class_="bpmn-task-icon", fill="none", stroke=colour,
                         transform=f"translate({_n(x)} {_n(y)})", **{"stroke-width": "1.2"})
        if kind == "userTask":
            self._add(icon, "circle", cx="6", cy="3.5", r="3")
            self._add(icon, "path", d="M0.5,12 C0.5,7.5 11.5,7.5 11.5,12 Z")
        elif kind == "scriptTask":
            self._add(icon, "path", d="M2,0.5 H11 C9,3 13,6 10,8.5 C8,11 12,12.5 10,12.5 H1 C3,10 -1,7 2,4.5 "
                                      "C4,2 0,1 2,0.5 Z")
            self._add(icon, "path", d="M3.5,4 H8 M3,6.5 H8 M3.5,9 H8")
        else:
            self._add(icon, "circle", cx="6", cy="6", r="4.5", **{"stroke-dasharray": "2.4 1.2",
                                                                 "stroke-width": "2.4"})
            self._add(icon, "circle", cx="6", cy="6", r="1.5")

    def _event(self, group, element, kind: str, box: Box, look: dict) -> None:
        r = min(box.width, box.height) / 2
        fill, stroke = look["fill"], look["stroke"]
        width = "4" if kind == "endEvent" else look["stroke-width"]
        dashed = {"stroke-dasharray": "5 3"} if element.get("cancelActivity") == "false" else {}
        self._add(group, "circle", cx=_n(box.cx), cy=_n(box.cy), r=_n(r), fill=fill, stroke=stroke,
                  **{"stroke-width": width, **dashed})
        if kind in ("boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent"):
            self._add(group, "circle", cx=_n(box.cx), cy=_n(box.cy), r=_n(r - 3), fill="none", stroke=stroke,
                      **{"stroke-width": "1.2", **dashed})
        if element.find(f"{{{BPMN}}}timerEventDefinition") is not None:
            self._clock(group, box.cx, box.cy, r - 7, stroke)
        elif element.find(f"{{{BPMN}}}messageEventDefinition") is not None:
            w, h = r * 0.9, r * 0.6
            self._add(group, "rect", x=_n(box.cx - w / 2), y=_n(box.cy - h / 2), width=_n(w), height=_n(h),
                      fill="none", stroke=stroke)
            self._add(group, "path", d=f"M{_n(box.cx - w / 2)},{_n(box.cy - h / 2)} L{_n(box.cx)},{_n(box.cy)} "
                                       f"L{_n(box.cx + w / 2)},{_n(box.cy - h / 2)}", fill="none", stroke=stroke)

    def _clock(self, group, cx: float, cy: float, r: float, stroke: str) -> None:
        clock = self._add(group, "g", class_="bpmn-clock", fill="none", stroke=stroke, **{"stroke-width": "1.6"})
        self._add(clock, "circle", cx=_n(cx), cy=_n(cy), r=_n(r), fill="#ffffff")
        self._add(clock, "path", d=f"M{_n(cx)},{_n(cy - r)} v2.5 M{_n(cx)},{_n(cy + r)} v-2.5 "
                                   f"M{_n(cx - r)},{_n(cy)} h2.5 M{_n(cx + r)},{_n(cy)} h-2.5")
        self._add(clock, "path", d=f"M{_n(cx)},{_n(cy - r * 0.65)} L{_n(cx)},{_n(cy)} "
                                   f"L{_n(cx + r * 0.5)},{_n(cy)}", **{"stroke-linecap": "round"})

    def _gateway(self, group, element, kind: str, box: Box, look: dict) -> None:
        cx, cy, hw, hh = box.cx, box.cy, box.width / 2, box.height / 2
        stroke = look["stroke"]
        self._add(group, "path", d=f"M{_n(cx)},{_n(cy - hh)} L{_n(cx + hw)},{_n(cy)} L{_n(cx)},{_n(cy + hh)} "
                                   f"L{_n(cx - hw)},{_n(cy)} Z", fill=look["fill"], stroke=stroke,
                  **{"stroke-width": look["stroke-width"], "stroke-linejoin": "round"})
        arm = min(hw, hh) * 0.4
        mark = {"stroke": stroke, "stroke-width": "3.5", "stroke-linecap": "round", "fill": "none"}
        if kind == "exclusiveGateway":
            self._add(group, "path", d=f"M{_n(cx - arm)},{_n(cy - arm)} L{_n(cx + arm)},{_n(cy + arm)} "
                                       f"M{_n(cx + arm)},{_n(cy - arm)} L{_n(cx - arm)},{_n(cy + arm)}", **mark)
        elif kind == "parallelGateway":
            arm *= 1.25
            self._add(group, "path", d=f"M{_n(cx)},{_n(cy - arm)} V{_n(cy + arm)} M{_n(cx - arm)},{_n(cy)} "
                                       f"H{_n(cx + arm)}", **mark)
        elif kind in ("inclusiveGateway", "eventBasedGateway"):
            self._add(group, "circle", cx=_n(cx), cy=_n(cy), r=_n(arm * 1.2), **{**mark, "stroke-width": "2.5"})

    def _annotation(self, group, element, box: Box) -> None:
        self._add(group, "path", d=f"M{_n(box.x + 10)},{_n(box.y)} H{_n(box.x)} V{_n(box.y + box.height)} "
                                   f"H{_n(box.x + 10)}", fill="none", stroke=MUTED)
        text = element.findtext(f"{{{BPMN}}}text") or ""
        lines, size = _fit(text, box.width - 10, box.height)
        self._text(group, lines, box.cx, box.cy, size, INK)

    def _outside_label(self, group, name: str, box: Box, label: Box | None) -> None:
        """An event's or gateway's name: in its DI label bounds, or centred under the shape."""
        if label is None:
            label = Box(box.cx - 45, box.y + box.height + 4, 90, 28)
        # Wrapped as BPMN modellers do (about 90 wide), whatever width the label box claims.
        width = min(max(label.width, 60), 100)
        lines, size = _fit(name, width, max(label.height, 28), sizes=(11, 10))
        height = max(label.height, len(lines) * size * 1.2)
        # A label box sized for fewer lines grows away from its shape, not over it.
        top = label.y + label.height - height if label.cy < box.cy else label.y
        self._text(group, lines, label.cx, top + height / 2, size, INK, halo=True)
        self._grow(Box(label.cx - width / 2, top, width, height))

    def _badge(self, group, box: Box, state: str, late: bool) -> None:
        """A check mark on a done task, an exclamation mark on a late one, at its top right."""
        cx, cy = box.x + box.width - 2, box.y + 2
        colour = LATE_BADGE if late else DONE_BADGE
        badge = self._add(group, "g", class_="bpmn-badge")
        self._add(badge, "circle", cx=_n(cx), cy=_n(cy), r="9", fill=colour, stroke="#ffffff",
                  **{"stroke-width": "2"})
        mark = {"stroke": "#ffffff", "stroke-width": "2.2", "fill": "none", "stroke-linecap": "round",
                "stroke-linejoin": "round"}
        if state == "done":
            self._add(badge, "path", d=f"M{_n(cx - 4)},{_n(cy)} L{_n(cx - 1)},{_n(cy + 3)} L{_n(cx + 4.5)},"
                                       f"{_n(cy - 3.5)}", **mark)
        else:
            self._add(badge, "path", d=f"M{_n(cx)},{_n(cy - 4.5)} V{_n(cy + 1)} M{_n(cx)},{_n(cy + 4.2)} "
                                       f"V{_n(cy + 4.4)}", **mark)

    # -- flows -------------------------------------------------------------------------------

    def edge(self, node) -> None:
        element_id = node.get("bpmnElement")
        element = self.elements.get(element_id)
        points = [(float(p.get("x")), float(p.get("y"))) for p in node.findall(f"{{{DI}}}waypoint")]
        if len(points) < 2:
            return
        for x, y in points:
            self._grow(Box(x, y, 0, 0))
        kind = _local(element)
        taken = kind == "sequenceFlow" and element.get("sourceRef") in self.done \
            and element.get("targetRef") in self.done | self.current
        group = self._add(self.layers["flows"], "g", class_=f"bpmn-flow bpmn-{kind or 'unknown'}"
                          + (" taken" if taken else ""), **{"data-element": element_id})
        name = (element.get("name") or "").strip() if element is not None else ""
        if name:
            self._add(group, "title", name)
        style = {"fill": "none", "stroke": TAKEN if taken else LINE, "stroke-width": "2.5" if taken else "1.5",
                 "stroke-linejoin": "round"}
        if kind == "sequenceFlow":
            style["marker-end"] = "url(#bpmn-arrow-taken)" if taken else "url(#bpmn-arrow)"
            source = self.elements.get(element.get("sourceRef"))
            if source is not None and source.get("default") == element_id:
                style["marker-start"] = "url(#bpmn-default)"
        elif kind == "messageFlow":
            style.update({"stroke-dasharray": "6 4", "marker-end": "url(#bpmn-arrow)"})
        else:  # associations and anything else: a dotted line
            style.update({"stroke-dasharray": "2 3", "stroke": MUTED})
        self._add(group, "polyline", points=" ".join(f"{_n(x)},{_n(y)}" for x, y in points), **style)
        if name:
            self._flow_label(element_id, name, points, _label_bounds(node))

    def _flow_label(self, element_id: str, name: str, points, label: Box | None) -> None:
        if label is None:
            (x1, y1), (x2, y2) = points[(len(points) - 1) // 2], points[(len(points) - 1) // 2 + 1]
            label = Box((x1 + x2) / 2 - 60, (y1 + y2) / 2 - 18, 120, 14)
        group = self._add(self.layers["flow-labels"], "g", class_="bpmn-flow-label",
                          **{"data-element": element_id})
        lines, size = _fit(name, max(label.width, 60), max(label.height, 28), sizes=(11, 10))
        self._text(group, lines, label.cx, label.y + len(lines) * size * 0.6, size, MUTED, halo=True)
        self._grow(label)
