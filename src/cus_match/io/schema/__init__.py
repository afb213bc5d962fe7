"""JSON Schemas of the instance and result documents (package data)."""
