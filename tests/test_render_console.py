"""Rich terminal renderings (kg.render.console): the build summary and the analysis tables show
the data's labels and numbers, and text from the data is never read as rich markup."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path
from types import SimpleNamespace

from rich.console import Console

from kg.checks import Finding
from kg.render.console import print_analysis, print_build_summary


def printed(function, *args, **kwargs) -> str:
    out = Console(file=io.StringIO(), width=200)
    function(*args, console=out, **kwargs)
    return out.file.getvalue()


def ref(iri, en):
    return {"iri": iri, "label_en": en, "label_zh": "中"}


DATA = {
    "summary": {"nodes": 5, "links": 4, "stated": 3, "inferred": 1},
    "coverage": {
        "challenges": [ref("urn:h1", "Credit gap"), ref("urn:h2", "Talent gap")],
        "countermeasures": [ref("urn:m", "Credit law")],
        "matrix": {
            "urn:h1": {"urn:m": {"total": 3, "stated": 2, "inferred": 1}},
            "urn:h2": {"urn:m": {"total": 0, "stated": 0, "inferred": 0}},
        },
    },
    "leverage": {
        "ranking": [
            {
                "label_en": "[bold]x[/bold]",
                "type": "cbec:Action",
                "by_group": {"causes": 1},
                "score": 1,
                "stated_score": 1,
            },
            {
                "label_en": "Second remedy",
                "type": "cbec:Countermeasure",
                "by_group": {},
                "score": 0,
                "stated_score": 0,
            },
        ]
    },
    "unremedied": {"problems": [{"label_en": "[red]y[/red]"}, {"label_en": "Fraud"}]},
    "bridges": {"nodes": []},
    "communities": {"communities": [{}, {}], "modularity": 0.41234},
    "paths": {"pairs": [{"count": 2}, {"count": 3}], "cutoff": 5},
}


def test_console_tables_print_labels_as_text_not_markup():
    data = {
        "summary": {"nodes": 1, "links": 0, "stated": 0, "inferred": 0},
        "coverage": {"challenges": [], "countermeasures": []},
        "leverage": {
            "ranking": [
                {
                    "label_en": "[bold]x[/bold]",
                    "type": "cbec:Action",
                    "by_group": {"causes": 1},
                    "score": 1,
                    "stated_score": 1,
                }
            ]
        },
        "unremedied": {"problems": [{"label_en": "[red]y[/red]"}]},
        "bridges": {"nodes": []},
        "communities": {"communities": [], "modularity": 0.0},
        "paths": {"pairs": [], "cutoff": 5},
    }
    out = Console(file=io.StringIO(), width=200)
    print_analysis(data, out)
    text = out.file.getvalue()
    assert "[bold]x[/bold]" in text and "[red]y[/red]" in text


def test_print_analysis_shows_the_labels_counts_and_cells():
    text = printed(print_analysis, DATA)
    assert "Remedy view: 5 nodes, 4 links (3 stated, 1 inferred)." in text
    assert "Credit law" in text  # a countermeasure's column
    assert re.search(r"Credit gap\s*│\s*2/1\s", text)  # stated/inferred links in the cell
    assert re.search(r"Talent gap\s*│\s*–\s", text)  # no link
    assert re.search(
        r"1\s*│\s*\[bold\]x\[/bold\]\s*│\s*Action\s*│\s*1 causes\s*│\s*1 \(1 stated\)", text
    )
    assert re.search(
        r"2\s*│\s*Second remedy\s*│\s*Countermeasure\s*│\s*–\s*│\s*0 \(0 stated\)", text
    )
    assert "Problems no remedy reaches (2): [red]y[/red]; Fraud" in text
    assert "Bridges: none" in text
    assert "Communities: 2, modularity 0.412. Paths challenge → trend: 5 (at most 5 steps)." in text


def test_print_analysis_keeps_the_top_remedies_and_draws_the_bridges():
    data = copy.deepcopy(DATA)
    data["bridges"]["nodes"] = [
        {"label_en": "[i]Hub[/i]", "type": "cbec:Cause", "communities": [0, 2], "cross_links": 7},
        {"label_en": "Other hub", "type": "cbec:Cause", "communities": [1], "cross_links": 1},
    ]
    data["unremedied"]["problems"] = []
    text = printed(print_analysis, data, top=1)
    assert "Second remedy" not in text and "Other hub" not in text
    assert re.search(r"\[i\]Hub\[/i\]\s*│\s*Cause\s*│\s*0, 2\s*│\s*7", text)
    assert "Bridges: none" not in text
    assert "Problems no remedy reaches (0): none" in text


SHA = "0123456789abcdef" + "f" * 48


def build_result(links, findings):
    manifest = {
        "triples": 12,
        "files": {
            "kg.ttl": {"bytes": 100, "sha256": SHA},
            "[b]x[/b].json": {"bytes": 7, "sha256": SHA},
        },
        "classes": {"cbec:Cause": 2, "owl:Class": 5},
        "links": links,
        "validation": {"warnings": 2},
        "evidence": {"checked": 7, "status": "all [found]"},
    }
    return SimpleNamespace(manifest=manifest, findings=findings)


def test_print_build_summary_lists_files_classes_links_and_mismatches():
    findings = [Finding("sum", "mismatch", "[red]b[/red] off"), Finding("sum", "ok", "fine")]
    result = build_result({"stated": 3, "inferred": 1}, findings)
    text = printed(print_build_summary, result, Path("/tmp/[o]"))
    assert "Built 12 triples into /tmp/[o]/" in text
    assert re.search(r"kg\.ttl\s+100\s+0123456789abcdef\s", text)  # the hash's first 16 digits
    assert re.search(r"\[b\]x\[/b\]\.json\s+7\s", text)
    assert re.search(r"cbec:Cause\s+2\s", text) and "owl:Class" not in text  # cbec classes only
    assert "Validation: conforms (2 warnings). Links: 3 stated, 1 inferred." in text
    assert "Evidence: 7 quotes, all [found]." in text
    assert "warning: figures disagree: [red]b[/red] off" in text
    assert "fine" not in text  # only mismatches are warned about


def test_print_build_summary_without_links():
    text = printed(print_build_summary, build_result({}, []), Path("out"))
    assert "Links: none." in text and "figures disagree" not in text
