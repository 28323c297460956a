"""The streaming build (``kg build --stream``): bulk-load everything into Oxigraph, count there,
and dump the canonical files from the store, so that a KG too large for rdflib is never held in
Python objects.

:func:`kg.build.build` calls :func:`write_streaming` once the inputs were validated; like the
in-memory build it writes into a staging folder published as a whole.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import checks
from kg.build import FORMAT_FILES, BuildResult, WriteJob, build_owned, store_inside
from kg.loader import load_graph
from kg.manifest import manifest as manifest_counts
from kg.manifest import store_entry
from kg.namespaces import curie
from kg.serialize import publish_folder, staging_folder, to_ntriples, write_files

if TYPE_CHECKING:
    import pyoxigraph as ox


__all__ = ["write_streaming"]

STREAM_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD"}


def _solutions(
    db: ox.Store, text: str, prefixes: dict[str, str] | None = None
) -> ox.QuerySolutions:
    """The solutions of a SELECT query on ``db`` (pyoxigraph types any answer as a union)."""
    import pyoxigraph as ox

    answer = db.query(text, prefixes=prefixes)
    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {text}")
    return answer


def write_streaming(
    job: WriteJob,
) -> BuildResult:
    """Bulk-load everything into Oxigraph, count there, and dump the files from the store."""
    import shutil

    import pyoxigraph as ox

    from kg.namespaces import PREFIXES
    from kg.stores import commit_store, data_key, finish_store, stage_store

    with job.steps.step("Canonicalising the embedded KG"):
        embedded = load_graph()
        checks.add_flags(embedded, job.findings)  # as in memory: the figure checks' flags
        base = to_ntriples(embedded).encode()
    inner = store_inside(job.out_dir, job.store) if job.store is not None else None
    folder = staging_folder(job.out_dir)
    if inner is not None:
        target = folder / inner  # published with the folder
    else:
        target = (
            Path(job.store)
            if job.store is not None
            else job.out_dir.parent / f".{job.out_dir.name}.kg-store"
        )
    try:
        staging = stage_store(
            target, [(base, "nt"), *job.extra], inverses=job.inverses, steps=job.steps
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        db = ox.Store(str(staging))
        triples = len(db)
        classes = {
            curie(row["c"].value): int(row["n"].value)
            for row in _solutions(db, "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
        }
        links = {
            curie(row["m"].value).removeprefix("cbec:").lower(): int(row["n"].value)
            for row in _solutions(
                db,
                "SELECT ?m (COUNT(*) AS ?n) WHERE { ?l cbec:assertion ?m } GROUP BY ?m",
                prefixes=PREFIXES,
            )
        }
        files: dict[str, dict[str, Any]] = {}
        for fmt in job.chosen:
            name = FORMAT_FILES[fmt]
            tmp = folder / name
            with job.steps.step(f"Writing {name} (Oxigraph)"):
                db.dump(
                    tmp,
                    format=getattr(ox.RdfFormat, STREAM_FORMATS[fmt]),
                    from_graph=ox.DefaultGraph(),
                    prefixes=PREFIXES,
                )
                digest = hashlib.sha256()
                with tmp.open("rb") as handle:
                    for block in iter(functools.partial(handle.read, 1 << 20), b""):
                        digest.update(block)
            files[name] = {"bytes": tmp.stat().st_size, "sha256": digest.hexdigest()}
        if "nt" not in job.chosen and job.store is not None:  # the content hash is that of kg.nt
            with job.steps.step("Hashing the store's content"):
                content = db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
                assert content is not None  # without an output, dump returns the bytes
                nt_sha = hashlib.sha256(content).hexdigest()
                del content
        del db
        if job.store is not None:
            nt_sha = files["kg.nt"]["sha256"] if "nt" in job.chosen else nt_sha
            meta = finish_store(staging, data_key(job.extra, job.inverses), nt_sha, job.steps)
        manifest = manifest_counts(
            triples,
            dict(sorted(classes.items())),
            dict(sorted(links.items())),
            files,
            job.report,
            job.extra,
            job.checked,
            job.status,
            job.findings,
            job.inverses,
        )
        manifest["files"] = dict(sorted(files.items()))
        manifest["build"] = job.stats
        if job.store is not None:
            manifest["store"] = store_entry(job.store, meta)
        write_files(
            folder, {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"}
        )
        if inner is not None:
            staging.rename(folder / inner)
        publish_folder(folder, job.out_dir, build_owned(job.out_dir, files))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if job.store is None:
        shutil.rmtree(staging, ignore_errors=True)
    elif inner is None:
        commit_store(staging, job.store)
    return BuildResult(None, job.report, job.checked, job.status, job.findings, files, manifest)
