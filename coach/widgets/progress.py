"""07 Progress: a journal after meetings, goal progress over time, and 'export my plan'."""

from __future__ import annotations

import datetime as dt
import io

import ipywidgets as w

from coach.widgets.common import download_link, heading, note, owner, store
from coach.widgets.page import workbook_page


def progress_png(entries: list[dict], goals: dict[str, str]) -> bytes:
    """Progress (0-100 %) of each goal over the journal's dates."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    for key, title in goals.items():
        points = sorted(
            (e["date"], e["progress"][key]) for e in entries if key in e.get("progress", {})
        )
        if points:
            days: list = [dt.date.fromisoformat(d) for d, _ in points]  # matplotlib takes dates
            ax.plot(days, [p for _, p in points], marker="o", label=title[:40])
    ax.set_ylim(0, 100)
    ax.set_ylabel("% done")
    if goals and entries:
        ax.legend(fontsize=7, loc="upper left")
    else:
        ax.text(
            0.5,
            0.5,
            "Add a journal entry to see your progress",
            ha="center",
            transform=ax.transAxes,
        )
    fig.autofmt_xdate()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def plan_markdown() -> str:
    """Goals, network, candidates, drafts and meetings, as one Markdown document."""
    s, me = store(), owner()
    profile = s.get(me, "profile", "me") or {}
    lines = [f"# Mentoring plan: {profile.get('name', '')}".rstrip(), ""]
    lines += (
        ["## Goals"]
        + [
            f"- {g.get('title', '')} (by {g.get('target_date') or 'no date yet'}): "
            f"{g.get('why', '')}"
            for _k, g in s.all(me, "goal")
            if g.get("title")
        ]
        + [""]
    )
    lines += (
        ["## My developmental network"]
        + [
            f"- {p['name']}: {p['side']}, {p['level']}, {p['industry']} industry"
            for _k, p in s.all(me, "network")
        ]
        + [""]
    )
    lines += (
        ["## Candidates"]
        + [
            f"- {c['name']} ({c.get('stage', 'idea')}): {'; '.join(c.get('notes', []))}"
            for _k, c in s.all(me, "candidate")
        ]
        + [""]
    )
    lines += (
        ["## Outreach sent"]
        + [
            f"- {d.get('sent_at', '')} {d.get('kind', '')}: {d.get('text', '')[:120]}"
            for _k, d in s.all(me, "draft")
            if d.get("sent_at")
        ]
        + [""]
    )
    lines.append("## Meetings")
    for _k, m in s.all(me, "meeting"):
        actions = " ".join(m.get("actions", "").split())
        lines.append(f"- {m.get('date', '')} {m.get('phase', '')}: {actions}".rstrip(": "))
        agenda = m.get("agenda") or {}
        lines += [
            f"  - {item.get('minutes', '')} min: {item.get('title', '')}"
            for item in agenda.get("items", [])
        ]
    return "\n".join(lines).rstrip() + "\n"


@workbook_page("progress", plots=True)
def progress_widget() -> w.VBox:
    """Journal entries with a progress slider per goal; the plot; export."""
    goals = {k: g["title"] for k, g in store().all(owner(), "goal") if g.get("title")}
    text = w.Textarea(
        placeholder="What happened, what you learned, what you will do next",
        layout=w.Layout(width="95%"),
    )
    sliders = {k: w.IntSlider(description=f"Goal {k}", min=0, max=100, step=5) for k in goals}
    add = w.Button(description="Add journal entry", icon="plus", button_style="primary")
    picture = w.Image(format="png")
    export = w.Button(
        description="Export my plan (Markdown and PDF)",
        icon="download",
        layout=w.Layout(width="auto"),
    )
    link = w.HTML()
    message = w.HTML()

    def refresh() -> None:
        entries = [e for _k, e in store().all(owner(), "journal")]
        picture.value = progress_png(entries, goals)

    def on_add(_b: object) -> None:
        if not text.value.strip():
            message.value = note("Write a line or two first.", "warn").value
            return
        today = dt.date.today().isoformat()
        store().put(
            owner(),
            "journal",
            f"{today}-{dt.datetime.now():%H%M%S%f}",
            {
                "date": today,
                "text": text.value.strip()[:5000],
                "progress": {k: s.value for k, s in sliders.items()},
            },
        )
        text.value = ""
        message.value = note("Saved.", "ok").value
        refresh()

    def on_export(_b: object) -> None:
        from coach.exports import markdown_pdf

        plan = plan_markdown()
        links = [
            download_link(
                plan.encode(), "mentoring-plan.md", "text/markdown", "Save mentoring-plan.md"
            )
        ]
        try:
            links.append(
                download_link(
                    markdown_pdf(plan), "mentoring-plan.pdf", "application/pdf", "Save as PDF"
                )
            )
        except Exception as exc:  # the Markdown is still there; say why the PDF is not
            message.value = note(
                f"The PDF could not be made ({type(exc).__name__}); the Markdown file has "
                "everything.",
                "warn",
            ).value
        link.value = " · ".join(links)

    add.on_click(on_add)
    export.on_click(on_export)
    refresh()
    hint = [] if goals else [note("Set a goal in step 01 to track its progress here.")]
    return w.VBox(
        [
            heading("Journal"),
            *hint,
            text,
            *sliders.values(),
            add,
            message,
            heading("Goal progress"),
            picture,
            heading("Your plan"),
            export,
            link,
        ]
    )
