"""Recruitment: candidate lists (kandidatlister) per opening, sharing with the employer, the employer's answers,
and the labelled outcomes and versioned weight models the matching learns from. Named after NAV's
Rekrutteringsbistand, whose statuses it uses."""
