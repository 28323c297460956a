"""Helpers shared by the tests (import as ``from helpers import ...``)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from pathlib import Path

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def run_async(coro):
    """Run a coroutine to its end in a thread of its own and return its result.

    ``asyncio.run`` refuses to start in a thread whose event loop is running, and Playwright's
    sync API keeps one running in the main thread while a browser is open; a thread of its own
    makes a test independent of which tests ran before it.
    """
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, keyed by relative path.

    An embedded store is a database whose files differ from build to build; it counts by its
    ``kg-store.json``: the hash of the triples it holds, its freshness key and sizes.
    """
    stores = {p.parent for p in folder.rglob("kg-store.json")}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (p.parent not in stores or p.name == "kg-store.json")
    }


#: Values for the parameters of the named queries, chosen so that every answer is non-empty.
NAMED_QUERY_PARAMS = {
    "challenge": "id:challenge-talent",
    "from": "id:countermeasure-talent",
    "to": "id:challenge-talent",
    "node": "id:challenge-credit-guarantee",
    "section": "2.2",
    "actor": "id:actor-customs",
    "indicator": "id:indicator-cbec-export-value",
    "countermeasure": "id:countermeasure-talent",
    "type": "cbec:Challenge",
}


# --- a trace for the renderers (tests of kg.render.text and kg.render.markdown) ------------------

#: A label that is markup in every format the renderers write.
EVIL = "<script>alert(1)</script> **x** [l](http://e) | `c`"


def trace_item(iri, en, zh, **extra):
    """One node of a trace, as :func:`kg.trace.trace` gives it."""
    return {
        "iri": iri,
        "type": "cbec:Cause",
        "label": {"en": en, "zh": zh},
        "evidence": [],
        **extra,
    }


def sample_trace() -> dict:
    """A small trace (a fresh copy each time): a challenge, a cause with a cause of its own
    whose label is :data:`EVIL`, an action with its actor, and one inferred link."""
    return {
        "focus": trace_item("urn:h", "Credit gap", "信用缺口", causes=["urn:c1"]),
        "challenges": [trace_item("urn:h", "Credit gap", "信用缺口", causes=["urn:c1"])],
        "effects": [],
        "causes": [
            trace_item("urn:c1", "Payment risk", "支付风险", causes=["urn:c2"]),
            trace_item("urn:c2", EVIL, "恶意", causes=[]),
        ],
        "countermeasures": [],
        "actions": [trace_item("urn:a", "Payment law", "支付立法", actors=["urn:g"])],
        "trends": [],
        "actors": [trace_item("urn:g", "Government", "政府")],
        "links": [
            {
                "source": "urn:a",
                "predicate": "cbec:addresses",
                "target": "urn:c1",
                "stated": False,
                "rationale": "read into 3.1",
                "evidence": [{"section": "3.1", "quote": "支付", "stated": False}],
            }
        ],
        "none": {
            "effects": {
                "en": "The paper states no effects for this challenge.",
                "zh": "原文未说明此困境的后果。",
            }
        },
    }
