"""Incidents: cases built on the record, reviewed jointly, referred to the mediator."""
