-- What the network views need of a remote publication (summary, language, themes,
-- position, keywords, event status, zone and place), as the federation side read it on
-- arrival: a JSON record of `listing::RemoteFacts`. Storage never reads the ActivityStreams
-- object itself. Rows stored before this migration have no facts yet: the node converts
-- them when it opens the database (`rhizome_federation::objects::remote_facts`).
ALTER TABLE remote_publications ADD COLUMN facts JSONB;
