-- Solutions proposed to a forum's key issues, and the facilitator's shortlist for the vote.
-- Costs are whole pence, so that sums are exact.

CREATE TABLE solutions (
  id INTEGER PRIMARY KEY,
  forum_id INTEGER NOT NULL REFERENCES forums(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  organisation_id INTEGER REFERENCES organisations(id),
  cost_pence INTEGER CHECK (cost_pence IS NULL OR cost_pence >= 0),
  author_id INTEGER NOT NULL REFERENCES people(id),
  created_at INTEGER NOT NULL,
  shortlisted INTEGER NOT NULL DEFAULT 0 CHECK (shortlisted IN (0, 1))
);
CREATE INDEX solutions_by_forum ON solutions (forum_id, id);

CREATE TABLE solution_issues (
  solution_id INTEGER NOT NULL REFERENCES solutions(id),
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  PRIMARY KEY (solution_id, issue_id)
);
