"""Helpers for the executable book on Japan's policy toward Russia and the Kuril Islands dispute.

Modules:
    kurils.paths   where the book's data lives
    kurils.data    the one loader: every CSV is read only through validation against data/datapackage.json
    kurils.style   the house figure style, colour-blind-safe palette, source lines, deterministic output
    kurils.geo     geodesic measurements (areas, distances, range rings) on the committed geodata
    kurils.maps    the map module: projection, base layers from data/geo, labels, inset
    kurils.text    formatting and glue helpers so every number in prose comes from data
"""

__version__ = "0.1.0"
