"""The brief as PDF through WeasyPrint (the optional ``pdf`` extra), where the machine can
make one.

WeasyPrint lays out the brief's HTML with its print style (A4, page numbers) and embeds the
subset of each font used, a CJK one included, so Chinese text shows in any PDF reader. Its
PDFs carry no creation date, so the same HTML gives the same bytes.

When WeasyPrint or the Pango library it needs is missing, :func:`render_pdf` raises
:class:`PdfUnavailable` saying how to install it; the caller writes everything else.
"""

from __future__ import annotations

import warnings
from typing import Any

from kg.errors import KGError

__all__ = ["INSTALL_HINT", "PdfUnavailable", "render_pdf"]

INSTALL_HINT = (
    "to get the PDF: pip install 'cbec-kg[pdf]' (WeasyPrint), which needs the Pango library — "
    "Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk; "
    "macOS: brew install pango; Windows: see WeasyPrint's installation guide"
)


class PdfUnavailable(KGError):
    """WeasyPrint or a library it needs is missing."""

    exit_code = 2


def _weasyprint() -> Any:  # WeasyPrint has no type hints
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(f"WeasyPrint is not installed; {INSTALL_HINT}") from exc
    except OSError as exc:  # cffi could not load Pango, HarfBuzz or fontconfig
        raise PdfUnavailable(
            f"WeasyPrint cannot load a system library ({exc}); {INSTALL_HINT}"
        ) from exc
    return weasyprint


def render_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (one that refers only to ``data:`` URIs: nothing
    is fetched)."""
    weasyprint = _weasyprint()
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()  # WeasyPrint is untyped
    return pdf
