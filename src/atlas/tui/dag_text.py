"""A layered DAG drawn in text: layers as columns (data flows left to right), boxes with a
status glyph and id, edges routed with box-drawing characters that merge at junctions.

Edges between adjacent layers turn in the gap before their target. Longer edges run along
the blank line above their target's box, where no box can be in their way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from rich.text import Text

from atlas.health.model import Status
from atlas.tui.status import COLOUR, GLYPH

N, E, S, W = 1, 2, 4, 8
_JUNCTION = {
    E | W: "─", N | S: "│", E | S: "┌", W | S: "┐", N | E: "└", N | W: "┘",
    N | E | S: "├", N | W | S: "┤", E | W | S: "┬", N | E | W: "┴", N | E | S | W: "┼",
    E: "─", W: "─", N: "│", S: "│",
}
_BOX = {  # (top-left, top-right, bottom-left, bottom-right, horizontal, vertical)
    "plain": "┌┐└┘─│",
    "selected": "┏┓┗┛━┃",
    "blast": "╔╗╚╝═║",
}
GAP = 7  # columns between layers, where edges turn
PITCH = 4  # rows per box: 3 lines of box and 1 blank line for long edges


@dataclass
class Drawing:
    lines: list[Text]
    boxes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # id -> x, y, w, h


def draw(
    layers: list[list[str]],
    edges: Iterable[tuple[str, str]],
    status: Callable[[str], Status],
    *,
    selected: str | None = None,
    highlighted: set[str] | frozenset[str] = frozenset(),
    max_label: int = 22,
) -> Drawing:
    ids = [node for layer in layers for node in layer]
    if not ids:
        return Drawing([Text("(nothing to draw)")])
    label_w = min(max_label, max(len(n) for n in ids))
    box_w = label_w + 5  # "│● " + label + " │"
    where: dict[str, tuple[int, int]] = {}
    for col, layer in enumerate(layers):
        for row, node in enumerate(layer):
            where[node] = (col * (box_w + GAP), 1 + row * PITCH)
    width = len(layers) * (box_w + GAP)
    height = 1 + max(len(layer) for layer in layers) * PITCH
    mask = [[0] * width for _ in range(height)]
    bold = [[False] * width for _ in range(height)]
    arrows: dict[tuple[int, int], bool] = {}

    def segment(x0: int, y0: int, x1: int, y1: int, strong: bool) -> None:
        if y0 == y1:
            lo, hi = sorted((x0, x1))
            for x in range(lo, hi + 1):
                mask[y0][x] |= (E if x < hi else 0) | (W if x > lo else 0)
                bold[y0][x] |= strong
        else:
            lo, hi = sorted((y0, y1))
            for y in range(lo, hi + 1):
                mask[y][x0] |= (S if y < hi else 0) | (N if y > lo else 0)
                bold[y][x0] |= strong

    column = {node: where[node][0] // (box_w + GAP) for node in ids}
    target_index = {node: i for layer in layers for i, node in enumerate(layer)}
    for src, dst in edges:
        if src not in where or dst not in where or column[dst] <= column[src]:
            continue  # only forward edges between drawn nodes
        strong = src == selected or dst == selected or (src in highlighted and dst in highlighted)
        sx, sy = where[src]
        dx, dy = where[dst]
        x0, y0, y2 = sx + box_w, sy + 1, dy + 1
        turn = dx - 2 - target_index[dst] % (GAP - 4)
        if column[dst] == column[src] + 1:
            segment(x0, y0, turn, y0, strong)
        else:
            lane_x = x0 + 1 + target_index[dst] % (GAP - 4)
            lane_y = dy - 1  # the blank line above the target box
            segment(x0, y0, lane_x, y0, strong)
            segment(lane_x, y0, lane_x, lane_y, strong)
            segment(lane_x, lane_y, turn, lane_y, strong)
            y0 = lane_y
        segment(turn, y0, turn, y2, strong)
        segment(turn, y2, dx - 1, y2, strong)
        arrows[(dx - 1, y2)] = arrows.get((dx - 1, y2), False) or strong

    canvas = [[" "] * width for _ in range(height)]
    styles: list[list[str]] = [[""] * width for _ in range(height)]
    for y in range(height):
        for x in range(width):
            if mask[y][x]:
                canvas[y][x] = _JUNCTION[mask[y][x]]
                styles[y][x] = "bold" if bold[y][x] else "grey50"
    for (x, y), strong in arrows.items():
        canvas[y][x] = "▶"
        styles[y][x] = "bold" if strong else "grey50"

    drawing = Drawing([])
    for node, (x, y) in where.items():
        kind = "selected" if node == selected else "blast" if node in highlighted else "plain"
        tl, tr, bl, br, hz, vt = _BOX[kind]
        st = status(node)
        colour = COLOUR[st]
        border = f"{colour} bold" if kind != "plain" else colour
        label = node if len(node) <= label_w else node[: label_w - 1] + "…"
        rows = (
            tl + hz * (box_w - 2) + tr,
            f"{vt}{GLYPH[st]} {label.ljust(label_w)} {vt}",
            bl + hz * (box_w - 2) + br,
        )
        for dy, row in enumerate(rows):
            for dx, char in enumerate(row):
                canvas[y + dy][x + dx] = char
                styles[y + dy][x + dx] = border
        for dx in range(3, 3 + label_w):  # the id in the default colour, bold when selected
            styles[y + 1][x + dx] = "bold reverse" if kind == "selected" else "bold" if kind == "blast" else ""
        drawing.boxes[node] = (x, y, box_w, 3)

    for y in range(height):
        line = Text()
        x = 0
        while x < width:
            style = styles[y][x]
            end = x
            while end < width and styles[y][end] == style:
                end += 1
            line.append("".join(canvas[y][x:end]), style=style or None)
            x = end
        line.rstrip()
        drawing.lines.append(line)
    return drawing
