"""Compile a .graph into an installable Daydream Scope plugin package."""
