"""Renderings of library results for people: plain text (:mod:`kg.render.text`), Markdown
(:mod:`kg.render.markdown`) and rich terminal tables (:mod:`kg.render.console`).

Every renderer takes the JSON-ready result of a library call (a trace, the gaps, a path, the
analysis) and returns text; none of them queries the graph. Text from the data is escaped for
the target format (Markdown never carries raw HTML; rich markup is never interpreted).
"""
