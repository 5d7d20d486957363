"""The HTTP API (`advisor serve`)."""
