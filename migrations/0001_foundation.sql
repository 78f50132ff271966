-- Partnerships, their localities and member organisations; people, accounts and roles;
-- sign-in sessions, invitations and password resets; the outbox and the audit log.
-- Times are Unix seconds (INTEGER); dates a person types are ISO 'YYYY-MM-DD' text.

CREATE TABLE partnerships (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

CREATE TABLE localities (
  id INTEGER PRIMARY KEY,
  partnership_id INTEGER NOT NULL REFERENCES partnerships(id),
  name TEXT NOT NULL,
  UNIQUE (partnership_id, name)
);

CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  partnership_id INTEGER NOT NULL REFERENCES partnerships(id),
  name TEXT NOT NULL,
  sector TEXT NOT NULL CHECK (sector IN ('third', 'statutory', 'community', 'private')),
  locality_id INTEGER REFERENCES localities(id),
  charity_number TEXT,
  website TEXT,
  archived_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (partnership_id, name)
);

CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  password_hash TEXT,
  archived_at INTEGER,
  created_at INTEGER NOT NULL
);

CREATE TABLE memberships (
  person_id INTEGER NOT NULL REFERENCES people(id),
  partnership_id INTEGER NOT NULL REFERENCES partnerships(id),
  role TEXT NOT NULL CHECK (role IN ('member', 'facilitator', 'admin')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (person_id, partnership_id)
);

CREATE TABLE representations (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  organisation_id INTEGER NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX representations_by_organisation ON representations (organisation_id);
CREATE INDEX representations_by_person ON representations (person_id);

CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  partnership_id INTEGER NOT NULL REFERENCES partnerships(id),
  email TEXT NOT NULL,
  full_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('member', 'facilitator', 'admin')),
  invited_by INTEGER REFERENCES people(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_person ON sessions (person_id);

CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

CREATE TABLE sign_in_attempts (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  address TEXT NOT NULL,
  succeeded INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX sign_in_attempts_by_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_by_address ON sign_in_attempts (address, at);

-- Messages wait here until mail delivery exists.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  person_id INTEGER REFERENCES people(id),
  partnership_id INTEGER REFERENCES partnerships(id),
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  changes TEXT NOT NULL
);
CREATE INDEX audit_log_by_partnership ON audit_log (partnership_id, id);
