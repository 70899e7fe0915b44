"""Registre: French council deliberation registers, from YAML to extracts, site and bundles."""
