# Lists filtered by audience and by what calls say of themselves, and the archive.
nav-archive = Archive
filter-public = Audience (situation)
filter-deadline-after = Deadline from
filter-deadline-before = Deadline until
filter-bad-choice = Unknown choice in the filters: pick one of the values offered.
list-title-archive = Network archive
archive-lead = Past events and closed calls, with what came of them: the network's memory.
archive-of-calls = Closed calls and their outcomes, in the archive
