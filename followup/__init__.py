"""Follow-up: placements, Supported Employment phases, IPS follow-along, outcomes and fidelity."""
