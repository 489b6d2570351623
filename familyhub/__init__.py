"""Familyhub: the shared information system of an integrated 0-19 family wellbeing service."""
