"""Helpers for the executable book on Japan's policy toward Russia and the Kuril Islands dispute.

Shared modules:
    kurils.paths      where the book's data lives
    kurils.data       the one loader: every CSV is read only through validation against data/datapackage.json
    kurils.style      the house figure style, colour-blind-safe palette, source lines, deterministic output
    kurils.geo        geodesic measurements (areas, distances, range rings) on the committed geodata
    kurils.maps       the map module: projection, base layers from data/geo, labels, inset
    kurils.text       formatting, glue helpers and source tables, so every number in prose comes from data
    kurils.meta       the book's citation metadata (CITATION.cff)
    kurils.sphinx_ext build guards: re-execution when data/ or src/ change, data validation before any page

Chapter modules (tables, figures and computations of one chapter each):
    kurils.islands, kurils.history, kurils.legal, kurils.okhotsk, kurils.economy, kurils.scenarios
"""

__version__ = "0.2.0"
