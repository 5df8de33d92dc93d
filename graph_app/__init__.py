"""cagraph applications: CLI and the Qt editor (Qt is imported only by the editor)."""
