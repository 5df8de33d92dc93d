"""Minimal stand-in for Daydream Scope (tests only), at Scope's real module paths."""
