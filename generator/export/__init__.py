"""What Registre sends and publishes beyond its documents.

- ``actes.py``: @CTES transmission bundles (protocol v1.1), written and checked by one code path
  that also reads any bundle (ours or a tiers de télétransmission's);
- ``ar.py``: the prefecture's acknowledgements and anomaly notices, written back into the YAML;
- ``scdl.py``: the SCDL « Délibérations » CSV, validated against its Table Schema;
- ``opendata.py``: the complete JSON export and its JSON Schema.

Each export checks what it writes before writing it, and writes atomically.
"""
