"""02 Network: the mentors you have and need, drawn as a map that shows the gaps."""

from __future__ import annotations

import io
import uuid

import ipywidgets as w

from coach.widgets.common import esc, heading, note, owner, store
from coach.widgets.page import workbook_page

CELLS = [("inside", "senior"), ("inside", "peer"), ("outside", "senior"), ("outside", "peer")]
WHERE = {
    ("inside", "senior"): "Ask your manager to introduce you to a leader you respect in your "
    "organization.",
    ("inside", "peer"): "A colleague one step ahead of you, or in another team: ask for one "
    "piece of advice on a finite project.",
    ("outside", "senior"): "LinkedIn: people further along in your field; mention one or two "
    "specific points from their profile. Alumni associations: your local chapter's events.",
    ("outside", "peer"): "LinkedIn groups and professional networks: take part before you ask. "
    "Family and friends may know someone: tell them you are looking.",
    "industry": "Someone from a completely different field: training programmes, meetups, or "
    "friends of friends.",
}


def people() -> list[tuple[str, dict]]:
    """Everyone in the person's developmental network."""
    return store().all(owner(), "network")


def network_png(rows: list[dict]) -> bytes:
    """A 2x2 map (inside/outside x senior/peer) with a dot per person; empty cells are gaps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.2), dpi=100)
    for side, level in CELLS:
        x, y = (0 if side == "inside" else 1), (1 if level == "senior" else 0)
        here = [r for r in rows if r.get("side") == side and r.get("level") == level]
        gap = not here
        ax.add_patch(
            plt.Rectangle((x + 0.03, y + 0.03), 0.94, 0.94, color="#fdecea" if gap else "#e9f7ef")
        )
        label = f"{side} · {level}"
        ax.text(x + 0.5, y + 0.88, label, ha="center", fontsize=10, weight="bold")
        if gap:
            ax.text(x + 0.5, y + 0.45, "gap", ha="center", fontsize=14, color="#b00020")
        for i, r in enumerate(here[:8]):
            cx = x + 0.15 + (i % 4) * 0.23
            cy = y + 0.55 - (i // 4) * 0.3
            other = r.get("industry") == "other"
            ax.scatter([cx], [cy], s=300, color="#ff9800" if other else "#1976d2")
            ax.text(cx, cy - 0.17, r.get("name", "")[:12], ha="center", fontsize=7)
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.axis("off")
    ax.set_title("Your developmental network (orange: another industry)", fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def gaps(rows: list[dict]) -> list[str]:
    """Where to look, for each gap in the network."""
    out = [WHERE[c] for c in CELLS if not any((r.get("side"), r.get("level")) == c for r in rows)]
    if not any(r.get("industry") == "other" for r in rows):
        out.append(WHERE["industry"])
    return out


@workbook_page("network", plots=True)
def network_widget() -> w.VBox:
    """Add the people you turn to; the map and the suggestions follow."""
    name = w.Text(description="Name", placeholder="Someone you turn to for advice")
    side = w.ToggleButtons(options=[("Inside my organization", "inside"), ("Outside", "outside")])
    level = w.ToggleButtons(options=[("More senior", "senior"), ("Peer", "peer")])
    industry = w.Checkbox(description="Works in another industry")
    add = w.Button(description="Add to my network", icon="plus", button_style="primary")
    picture = w.Image(format="png")
    advice = w.HTML()
    message = w.HTML()

    def refresh() -> None:
        rows = [d for _k, d in people()]
        picture.value = network_png(rows)
        tips = "".join(f"<li>{esc(t)}</li>" for t in gaps(rows))
        advice.value = f"<b>Where to look for the gaps</b><ul>{tips}</ul>" if tips else ""

    def on_add(_b: object) -> None:
        who = " ".join(name.value.split())[:60]
        if not who:
            message.value = note(
                "Type a name (or a description such as 'my old team lead').", "warn"
            ).value
            return
        store().put(
            owner(),
            "network",
            uuid.uuid4().hex[:12],
            {
                "name": who,
                "side": side.value,
                "level": level.value,
                "industry": "other" if industry.value else "same",
            },
        )
        name.value = ""
        message.value = note(f"Added {who}.", "ok").value
        refresh()

    add.on_click(on_add)
    refresh()
    return w.VBox(
        [heading("Who do you turn to?"), name, side, level, industry, add, message, picture, advice]
    )
