"""One plan for the whole person (wave two): the follow-up period and its plan with goals per life area,
activities from state and municipal services and their history, the journal, the §14a record and the individuell
plan view. Builds on follow-up and recruitment; nothing below imports it."""
