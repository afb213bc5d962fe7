"""Bundled data: the demo instance."""
