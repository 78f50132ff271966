-- Sessions of a forum (meetings in person, online or hybrid), registrations with a waiting
-- list, attendance, and personal calendar feeds. Access needs and dietary requirements are
-- shown to facilitators only.

CREATE TABLE forum_sessions (
  id INTEGER PRIMARY KEY,
  forum_id INTEGER NOT NULL REFERENCES forums(id),
  title TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('in-person', 'online', 'hybrid')),
  venue TEXT NOT NULL DEFAULT '',
  meeting_link TEXT NOT NULL DEFAULT '',
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  capacity INTEGER NOT NULL CHECK (capacity >= 1),
  created_at INTEGER NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX forum_sessions_by_forum ON forum_sessions (forum_id, starts_at);

CREATE TABLE session_registrations (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES forum_sessions(id),
  person_id INTEGER REFERENCES people(id),
  email TEXT NOT NULL,
  full_name TEXT NOT NULL,
  access_needs TEXT NOT NULL DEFAULT '',
  dietary TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
  attended INTEGER CHECK (attended IN (0, 1)),
  cancel_token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  UNIQUE (session_id, email)
);
CREATE INDEX session_registrations_by_person ON session_registrations (person_id);

-- A secret address per person for a calendar feed of the sessions they have a place at.
CREATE TABLE calendar_feeds (
  person_id INTEGER PRIMARY KEY REFERENCES people(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

-- Votes open to those registered for chosen sessions.
CREATE TABLE vote_sessions (
  vote_id INTEGER NOT NULL REFERENCES votes(id),
  session_id INTEGER NOT NULL REFERENCES forum_sessions(id),
  PRIMARY KEY (vote_id, session_id)
);
