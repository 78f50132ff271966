-- Conversations (opinion maps) inside forums: short statements that participants answer
-- agree, disagree or pass, from which the opinion-map engine finds groups and common ground.
--
-- These are not secret ballots: a vote is stored with its person so that it can be changed
-- and so that the map can place each participant. Pages show positions without names and
-- never show who voted what.

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  forum_id INTEGER NOT NULL REFERENCES forums(id),
  question TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  created_by INTEGER REFERENCES people(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX conversations_by_forum ON conversations (forum_id, id);

-- Seed statements (written by the facilitator) are accepted at once; participants'
-- statements wait as 'pending' until a moderator accepts or rejects them. A meta statement
-- is about the conversation itself: it is shown but left out of the map's statistics.
CREATE TABLE statements (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  body TEXT NOT NULL,
  author_id INTEGER REFERENCES people(id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  is_meta INTEGER NOT NULL DEFAULT 0 CHECK (is_meta IN (0, 1)),
  seed INTEGER NOT NULL DEFAULT 0 CHECK (seed IN (0, 1)),
  created_at INTEGER NOT NULL,
  moderated_by INTEGER REFERENCES people(id),
  moderated_at INTEGER
);
CREATE INDEX statements_by_conversation ON statements (conversation_id, status, id);

-- One row per person and statement; vote 1 = agree, -1 = disagree, 0 = pass. A changed vote
-- replaces the row with a new one, so that the ids give the order votes arrived in, which
-- the engine replays (and which another process can read on from where it stopped).
CREATE TABLE statement_votes (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  statement_id INTEGER NOT NULL REFERENCES statements(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  vote INTEGER NOT NULL CHECK (vote IN (-1, 0, 1)),
  voted_at INTEGER NOT NULL,
  UNIQUE (statement_id, person_id)
);
CREATE INDEX statement_votes_by_conversation ON statement_votes (conversation_id, id);
CREATE INDEX statement_votes_by_person ON statement_votes (person_id, conversation_id);
