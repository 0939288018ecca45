"""Claim modules, one per research thread; every module here is imported by the registry."""
