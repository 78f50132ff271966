-- Forums and their phases; the partnership's themes; key issues with supports and comments.
-- Merged issues keep their row (merged_into) so that links and the audit log keep meaning.

CREATE TABLE themes (
  id INTEGER PRIMARY KEY,
  partnership_id INTEGER NOT NULL REFERENCES partnerships(id),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (partnership_id, name)
);

CREATE TABLE forums (
  id INTEGER PRIMARY KEY,
  partnership_id INTEGER NOT NULL REFERENCES partnerships(id),
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  phase TEXT NOT NULL CHECK (phase IN ('gather', 'issues', 'solutions', 'prioritise', 'report',
                                       'follow-up')),
  phase_changed_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES people(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX forums_by_partnership ON forums (partnership_id, id);

CREATE TABLE issues (
  id INTEGER PRIMARY KEY,
  forum_id INTEGER NOT NULL REFERENCES forums(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  theme_id INTEGER REFERENCES themes(id),
  locality_id INTEGER REFERENCES localities(id),
  author_id INTEGER NOT NULL REFERENCES people(id),
  created_at INTEGER NOT NULL,
  merged_into INTEGER REFERENCES issues(id),
  hidden_reason TEXT,
  hidden_at INTEGER
);
CREATE INDEX issues_by_forum ON issues (forum_id, id);

-- "This matters to us too": once per person and issue.
CREATE TABLE issue_supports (
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (issue_id, person_id)
);

CREATE TABLE issue_comments (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  author_id INTEGER NOT NULL REFERENCES people(id),
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  hidden_reason TEXT,
  hidden_at INTEGER
);
CREATE INDEX issue_comments_by_issue ON issue_comments (issue_id, id);
