"""Clearline: a deconfliction line between armed forces that share a theatre."""
