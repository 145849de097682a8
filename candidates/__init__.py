"""Candidates: profile from CV and jobbprofil, situation, capacity, needs and consent."""
