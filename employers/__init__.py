"""Employers: registry, contact log, praksisplasser and openings."""
