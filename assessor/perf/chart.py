"""A PNG chart of a load test: p50/p95 latency (left axis) and users (right axis) over time.

A picture rather than a script-drawn chart because the HTML report forbids scripts (CSP) and
embeds images as data URIs; Pillow draws it without a plotting stack.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from assessor.artifacts.performance import LoadSample

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 56, 28, 40
COLOURS = {"p95": (200, 40, 40), "p50": (40, 90, 200), "users": (60, 150, 60), "axis": (90, 90, 90),
           "grid": (225, 225, 225), "text": (30, 30, 30)}


def nice_ceiling(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def draw_load_chart(timeline: list[LoadSample], path: Path) -> Path:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    t_max = max((sample.t_s for sample in timeline), default=1.0) or 1.0
    ms_max = nice_ceiling(max((sample.p95_ms or 0 for sample in timeline), default=0))
    users_max = nice_ceiling(max((sample.users for sample in timeline), default=0))

    def x(t: float) -> float:
        return LEFT + plot_w * t / t_max

    def y(value: float, top: float) -> float:
        return TOP + plot_h * (1 - value / top)

    for tick in range(5):
        level = TOP + plot_h * tick / 4
        draw.line([(LEFT, level), (LEFT + plot_w, level)], fill=COLOURS["grid"])
        draw.text((4, level - 6), f"{ms_max * (4 - tick) / 4:g} ms", fill=COLOURS["p95"])
        draw.text((LEFT + plot_w + 6, level - 6), f"{users_max * (4 - tick) / 4:g}", fill=COLOURS["users"])
    draw.rectangle([LEFT, TOP, LEFT + plot_w, TOP + plot_h], outline=COLOURS["axis"])
    draw.text((LEFT, HEIGHT - BOTTOM + 8), "0 s", fill=COLOURS["text"])
    draw.text((LEFT + plot_w - 30, HEIGHT - BOTTOM + 8), f"{t_max:.0f} s", fill=COLOURS["text"])
    series = (("users", [(sample.t_s, float(sample.users)) for sample in timeline], users_max),
              ("p50", [(sample.t_s, sample.p50_ms) for sample in timeline if sample.p50_ms], ms_max),
              ("p95", [(sample.t_s, sample.p95_ms) for sample in timeline if sample.p95_ms], ms_max))
    for name, points, top in series:
        xy = [(x(t), y(value, top)) for t, value in points]
        if len(xy) > 1:
            draw.line(xy, fill=COLOURS[name], width=2)
        elif xy:
            draw.ellipse([xy[0][0] - 2, xy[0][1] - 2, xy[0][0] + 2, xy[0][1] + 2], fill=COLOURS[name])
    legend_x = LEFT + 8
    for name, caption in (("p95", "p95 latency"), ("p50", "p50 latency"), ("users", "users")):
        draw.line([(legend_x, 14), (legend_x + 18, 14)], fill=COLOURS[name], width=3)
        draw.text((legend_x + 22, 8), caption, fill=COLOURS["text"])
        legend_x += 120
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG")
    return path
