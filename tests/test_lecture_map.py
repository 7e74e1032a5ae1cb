"""The lecture-map appendix: every topic id of the lectures, linked to a section that exists.

The list of topic ids is the book's own data (book/appendix/_lecture-topics.md): the
repository tests itself and reads nothing outside it.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
APPENDIX = ROOT / "book" / "appendix"
LECTURE_TOPICS = APPENDIX / "_lecture-topics.md"
LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(?:#([^)\s]+))?\)")


def slug(title: str) -> str:
    """MyST's heading anchor (mdit-py-plugins' slugify)."""
    return re.sub(r"[^\w\u4e00-\u9fff\- ]", "", title.strip().lower().replace(" ", "-"))


def lecture_ids() -> list[str]:
    return re.findall(r"^- ([A-Z]\d\d) ", LECTURE_TOPICS.read_text(), flags=re.M)


def appendix_rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for frag in sorted(APPENDIX.glob("_map-*.md")):
        for line in frag.read_text().splitlines():
            m = re.match(r"^\|\s*\**([A-Z]\d\d)\**\s*\|", line)
            if m:
                rows.setdefault(m.group(1), []).append(line)
    return rows


def headings(doc: Path) -> set[str]:
    if doc.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(doc, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = doc.read_text()
    return {slug(re.sub(r"^#+\s*", "", h)) for h in re.findall(r"^#{1,6} .+$", text, flags=re.M)}


def test_lecture_topics_list_every_lecture():
    ids = lecture_ids()
    assert len(ids) == len(set(ids)), "a topic id is listed twice"
    assert {i[0] for i in ids} == set("BCSKU"), "every one of the five lectures has topics"
    assert len(ids) >= 60


def test_every_mapped_row_is_a_known_topic():
    unknown = sorted(set(appendix_rows()) - set(lecture_ids()))
    assert not unknown, f"lecture-map rows whose id is not in {LECTURE_TOPICS.name}: {unknown}"


def test_every_topic_has_one_row():
    """A topic taught in two places gets one row with two links, not two rows (the map is read by id)."""
    twice = {lid: len(lines) for lid, lines in appendix_rows().items() if len(lines) > 1}
    assert not twice, f"topics with more than one lecture-map row: {twice}"


def test_every_lecture_topic_is_mapped():
    missing = [i for i in lecture_ids() if i not in appendix_rows()]
    assert not missing, f"lecture topics with no row in the lecture-map appendix: {missing}"


def test_every_row_links_to_an_existing_section():
    problems = []
    for lid, lines in appendix_rows().items():
        links = [m for line in lines for m in LINK.findall(line)]
        if not links:
            problems.append(f"{lid}: no link")
        for target, anchor in links:
            doc = (APPENDIX / target).resolve()
            if not doc.exists():
                problems.append(f"{lid}: {target} does not exist")
            elif anchor and anchor not in headings(doc):
                problems.append(f"{lid}: {target} has no heading with anchor #{anchor}")
    assert not problems, "\n".join(problems)
