"""QR codes (mã QR) as SVG and PNG, with segno (see docs/decisions/0004-qr-codes.md)."""

import io

import segno


def qr_svg(data: str, *, scale: int = 8, title: str = "") -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True,
        title=title or None, svgclass="qr", lineclass=None,
    )
    return out.getvalue()


def qr_png(data: str, *, scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
