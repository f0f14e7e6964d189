"""Gateway adapters, one module per gateway, each readable top to bottom."""
