"""Preview PNG per vintage: boundaries on black (any gap shows as a dark line) beside the hexes."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from ofsted_record.tables import atomic_write_bytes

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7")


def _colour(la_code: str) -> str:
    return PALETTE[int(hashlib.sha1(la_code.encode()).hexdigest(), 16) % len(PALETTE)]


def write_preview(vintage: str, out_dir: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ofsted_record.geography import read_topojson
    from ofsted_record.geography.build import file_name

    bounds = read_topojson(out_dir / file_name("boundaries", vintage), "EPSG:4326")
    hexes = read_topojson(out_dir / file_name("hex", vintage), None)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 6), dpi=80)
    for ax, gdf, label in ((left, bounds, "boundaries"), (right, hexes, "hex")):
        gdf.plot(ax=ax, color=[_colour(c) for c in gdf["la_code"]], edgecolor="none")
        ax.set_facecolor("black")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{vintage} {label}: {len(gdf)} areas", fontsize=10)
    left.set_aspect(1.6)
    right.set_aspect("equal")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    path = out_dir / "preview" / f"geography_{vintage}.png"
    atomic_write_bytes(path, buf.getvalue())
    return path
