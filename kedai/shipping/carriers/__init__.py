"""Adapters to live carrier and aggregator rate APIs (see ports.py)."""
