"""Server-rendered, accessible SVG charts: a title and description, values written on the marks,
and patterns as well as colours, so nothing is told by colour alone. Each chart sits beside a data table."""
from __future__ import annotations

from markupsafe import Markup, escape

from frontdoor.metrics.definitions import CHANNEL_LABELS

# (fill colour, pattern id): each channel has its own pattern too.
CHANNEL_STYLE = {
    "web": ("#0b5e55", "none"), "api": ("#1d70b8", "dots"), "phone": ("#d4351c", "stripes"),
    "face_to_face": ("#6f3c97", "cross"), "email": ("#b58840", "hlines"), "letter": ("#505a5f", "vlines"),
}
DEFS = """<defs>
<pattern id="p-dots" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1.5" fill="#fff"/></pattern>
<pattern id="p-stripes" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="6" fill="#fff"/></pattern>
<pattern id="p-cross" width="8" height="8" patternUnits="userSpaceOnUse"><path d="M0 0L8 8M8 0L0 8" stroke="#fff" stroke-width="1.5"/></pattern>
<pattern id="p-hlines" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="2" fill="#fff"/></pattern>
<pattern id="p-vlines" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="2" height="6" fill="#fff"/></pattern>
</defs>"""


def _pct(v):
    return "no data" if v is None else f"{v * 100:.1f}%"


def _open(uid: str, title: str, desc: str, w: int, h: int) -> str:
    return (f'<svg class="app-chart" role="img" viewBox="0 0 {w} {h}" width="100%" aria-labelledby="{uid}-t {uid}-d" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{uid}-t">{escape(title)}</title>'
            f'<desc id="{uid}-d">{escape(desc)}</desc>')


def trend_line(uid: str, points: list[dict], target: float, key: str = "share",
               title: str = "Digital share by month, against the target") -> Markup:
    """One line of a share by month (points[i][key]), with the target as a dashed line."""
    # The target's label sits in the right margin, clear of the last month's value label.
    w, h, left, top, bottom, right = 720, 260, 50, 20, 40, 90
    plot_w, plot_h = w - left - right, h - top - bottom
    n = max(len(points), 1)
    x = lambda i: left + (plot_w * (i + 0.5) / n)  # noqa: E731
    y = lambda v: top + plot_h * (1 - v)  # noqa: E731
    desc = "; ".join(f"{p['month']:%b %Y}: {_pct(p[key])}" for p in points) + f". Target {_pct(target)}."
    out = [_open(uid, title, desc, w, h)]
    for v in (0, 0.25, 0.5, 0.75, 1):
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#b1b4b6" stroke-width="1"/>'
                   f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12">{int(v * 100)}%</text>')
    out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="#0b0c0c" '
               f'stroke-width="2" stroke-dasharray="8 4"/><text x="{w - right + 6}" y="{y(target) + 4:.1f}" '
               f'text-anchor="start" font-size="12">Target {target * 100:g}%</text>')
    pts = [(x(i), y(p[key])) for i, p in enumerate(points) if p[key] is not None]
    if pts:
        out.append('<polyline fill="none" stroke="#0b5e55" stroke-width="3" points="'
                   + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
    for i, p in enumerate(points):
        out.append(f'<text x="{x(i):.1f}" y="{h - 22}" text-anchor="middle" font-size="11">{p["month"]:%b}</text>')
        if p[key] is not None:
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(p[key]):.1f}" r="4" fill="#0b5e55"/>'
                       f'<text x="{x(i):.1f}" y="{y(p[key]) - 8:.1f}" text-anchor="middle" font-size="10">'
                       f'{p[key] * 100:.0f}%</text>')
    out.append("</svg>")
    return Markup("".join(out))


def stacked_mix(uid: str, rows: list[tuple[str, dict[str, int]]], channels: tuple[str, ...]) -> Markup:
    """One 100% bar per row (a service), segments by channel, labelled with the channel and share."""
    bar_h, gap, left, w = 28, 14, 160, 720
    h = 50 + len(rows) * (bar_h + gap)
    desc = "; ".join(f"{name}: " + ", ".join(f"{ch} {counts.get(ch, 0)}" for ch in channels) for name, counts in rows)
    out = [_open(uid, "Channel mix by service", desc or "No contacts", w, h), DEFS]
    legend_x = 0
    for ch in channels:
        colour, pattern = CHANNEL_STYLE[ch]
        out.append(_swatch(legend_x, 6, colour, pattern) +
                   f'<text x="{legend_x + 22}" y="19" font-size="12">{escape(CHANNEL_LABELS[ch])}</text>')
        legend_x += 115
    for i, (name, counts) in enumerate(rows):
        top = 40 + i * (bar_h + gap)
        total = sum(counts.values()) or 1
        out.append(f'<text x="{left - 6}" y="{top + 18}" text-anchor="end" font-size="12">{escape(name)}</text>')
        cursor = left
        for ch in channels:
            share = counts.get(ch, 0) / total
            width = (w - left - 10) * share
            if width <= 0:
                continue
            colour, pattern = CHANNEL_STYLE[ch]
            out.append(f'<rect x="{cursor:.1f}" y="{top}" width="{width:.1f}" height="{bar_h}" fill="{colour}"/>')
            if pattern != "none":
                out.append(f'<rect x="{cursor:.1f}" y="{top}" width="{width:.1f}" height="{bar_h}" fill="url(#p-{pattern})" opacity="0.6"/>')
            if width > 60:
                out.append(f'<text x="{cursor + 4:.1f}" y="{top + 18}" font-size="11" fill="#fff" stroke="#0b0c0c" '
                           f'stroke-width="0.3">{escape(CHANNEL_LABELS[ch])} {share * 100:.0f}%</text>')
            cursor += width
    out.append("</svg>")
    return Markup("".join(out))


def _swatch(x, y, colour, pattern):
    s = f'<rect x="{x}" y="{y}" width="18" height="18" fill="{colour}" stroke="#0b0c0c"/>'
    if pattern != "none":
        s += f'<rect x="{x}" y="{y}" width="18" height="18" fill="url(#p-{pattern})" opacity="0.6"/>'
    return s


def bars(uid: str, title: str, rows: list[tuple[str, float | None]]) -> Markup:
    """Horizontal bars of a percentage, the value written at the end of each."""
    bar_h, gap, left, w = 24, 10, 200, 720
    h = 20 + len(rows) * (bar_h + gap)
    desc = "; ".join(f"{name}: {_pct(v)}" for name, v in rows) or "No data"
    out = [_open(uid, title, desc, w, h)]
    for i, (name, v) in enumerate(rows):
        top = 10 + i * (bar_h + gap)
        width = (w - left - 70) * (v or 0)
        out.append(f'<text x="{left - 6}" y="{top + 16}" text-anchor="end" font-size="12">{escape(name)}</text>'
                   f'<rect x="{left}" y="{top}" width="{width:.1f}" height="{bar_h}" fill="#0b5e55"/>'
                   f'<text x="{left + width + 6:.1f}" y="{top + 16}" font-size="12">{_pct(v)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
