"""Importing allied groups' events from ICS (being written)."""
