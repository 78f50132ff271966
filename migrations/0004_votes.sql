-- Prioritisation votes on a forum's shortlisted solutions, with secret ballots.
--
-- Who voted (vote_voters) and what was voted (ballots) share no column: a ballot's `slot` is
-- a keyed hash of the vote and the voter under a secret kept outside the database, so the
-- server can find and replace a voter's ballot until the close, while the tables alone link
-- no ballot to anyone. Neither table records when a row was written, and both are WITHOUT
-- ROWID, stored in key order (a random order for ballots), so that insertion order cannot
-- link them either.

CREATE TABLE votes (
  id INTEGER PRIMARY KEY,
  forum_id INTEGER NOT NULL REFERENCES forums(id),
  title TEXT NOT NULL,
  method TEXT NOT NULL,
  seats INTEGER NOT NULL CHECK (seats >= 1),
  dots INTEGER NOT NULL DEFAULT 0,
  max_score INTEGER NOT NULL DEFAULT 0,
  budget_pence INTEGER,
  eligibility TEXT NOT NULL CHECK (eligibility IN ('members', 'organisations', 'sessions')),
  weighting TEXT NOT NULL CHECK (weighting IN ('person', 'organisation', 'sector')),
  opens_at INTEGER NOT NULL,
  closes_at INTEGER NOT NULL,
  live_results INTEGER NOT NULL DEFAULT 0 CHECK (live_results IN (0, 1)),
  lot_seed INTEGER NOT NULL,
  created_by INTEGER REFERENCES people(id),
  created_at INTEGER NOT NULL,
  CHECK (closes_at > opens_at)
);
CREATE INDEX votes_by_forum ON votes (forum_id, id);

-- The options as they stood when the vote was set up (titles and costs are copied, so that
-- the ballots keep their meaning if a solution is edited later).
CREATE TABLE vote_options (
  vote_id INTEGER NOT NULL REFERENCES votes(id),
  position INTEGER NOT NULL,
  solution_id INTEGER REFERENCES solutions(id),
  title TEXT NOT NULL,
  cost_pence INTEGER,
  PRIMARY KEY (vote_id, position)
) WITHOUT ROWID;

-- Who has voted: a person, or for one-per-organisation votes an organisation (person_id 0).
CREATE TABLE vote_voters (
  vote_id INTEGER NOT NULL REFERENCES votes(id),
  person_id INTEGER NOT NULL,
  organisation_id INTEGER NOT NULL,
  PRIMARY KEY (vote_id, person_id, organisation_id)
) WITHOUT ROWID;

-- What was voted. `content` is the ballot as JSON; `sector`, `locality_id` and
-- `organisation_key` are what weighting and breakdowns need, nothing more. Paper ballots
-- entered by a facilitator have a random slot.
CREATE TABLE ballots (
  vote_id INTEGER NOT NULL REFERENCES votes(id),
  slot TEXT NOT NULL,
  receipt_hash TEXT NOT NULL,
  content TEXT NOT NULL,
  sector TEXT NOT NULL,
  locality_id INTEGER,
  organisation_key TEXT NOT NULL DEFAULT '',
  paper INTEGER NOT NULL DEFAULT 0 CHECK (paper IN (0, 1)),
  PRIMARY KEY (vote_id, slot)
) WITHOUT ROWID;
CREATE INDEX ballots_by_receipt ON ballots (receipt_hash);

-- Receipts of ballots that their voter later changed, so that a lookup can say so.
CREATE TABLE replaced_receipts (
  vote_id INTEGER NOT NULL REFERENCES votes(id),
  receipt_hash TEXT NOT NULL,
  PRIMARY KEY (vote_id, receipt_hash)
) WITHOUT ROWID;
