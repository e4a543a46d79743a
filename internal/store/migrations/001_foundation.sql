-- Editions: every user (and later every request, offer and conversation)
-- belongs to one. The national edition covers everything no local edition
-- covers.
CREATE TABLE editions (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    is_national BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);
-- At most one national edition.
CREATE UNIQUE INDEX editions_one_national ON editions (is_national) WHERE is_national;

INSERT INTO editions (id, slug, name, is_national, created_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'nederland', 'Noaber Nederland', TRUE, '2026-01-01 00:00:00+00:00');

-- Kinds of help. Seeded here because profiles name the help asked and
-- offered; an edition can add its own (edition_id set).
CREATE TABLE categories (
    id         TEXT PRIMARY KEY,
    edition_id TEXT REFERENCES editions (id),
    position   INTEGER NOT NULL,
    icon       TEXT NOT NULL
);

CREATE TABLE category_texts (
    category_id TEXT NOT NULL REFERENCES categories (id),
    lang        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (category_id, lang)
);

INSERT INTO categories (id, position, icon) VALUES
    ('groceries', 1, 'basket'),
    ('transport', 2, 'car'),
    ('company', 3, 'people'),
    ('odd-jobs', 4, 'tools'),
    ('garden', 5, 'leaf'),
    ('pets', 6, 'paw'),
    ('computer', 7, 'phone'),
    ('paperwork', 8, 'letter'),
    ('language', 9, 'speech'),
    ('meals', 10, 'pan'),
    ('respite', 11, 'heart'),
    ('other', 12, 'dots');

INSERT INTO category_texts (category_id, lang, name, description) VALUES
    ('groceries', 'nl', 'Boodschappen', 'Boodschappen doen of meenemen.'),
    ('groceries', 'en', 'Groceries', 'Doing or bringing the shopping.'),
    ('transport', 'nl', 'Vervoer', 'Iemand ergens naartoe brengen, zoals naar het ziekenhuis.'),
    ('transport', 'en', 'A lift', 'Taking someone somewhere, like the hospital.'),
    ('company', 'nl', 'Gezelschap', 'Samen koffie drinken, praten of wandelen.'),
    ('company', 'en', 'Company', 'Having coffee, a chat or a walk together.'),
    ('odd-jobs', 'nl', 'Klussen', 'Kleine klusjes in en om het huis.'),
    ('odd-jobs', 'en', 'Small repairs', 'Small jobs in and around the house.'),
    ('garden', 'nl', 'Tuin', 'Hulp in de tuin of op het balkon.'),
    ('garden', 'en', 'Garden', 'Help in the garden or on the balcony.'),
    ('pets', 'nl', 'Huisdieren', 'De hond uitlaten of voor een huisdier zorgen.'),
    ('pets', 'en', 'Pets', 'Walking the dog or looking after a pet.'),
    ('computer', 'nl', 'Computer en telefoon', 'Hulp met een computer, tablet of telefoon.'),
    ('computer', 'en', 'Computer and phone', 'Help with a computer, tablet or phone.'),
    ('paperwork', 'nl', 'Formulieren en post', 'Hulp met brieven, formulieren en post.'),
    ('paperwork', 'en', 'Forms and post', 'Help with letters, forms and post.'),
    ('language', 'nl', 'Taal', 'Samen Nederlands oefenen.'),
    ('language', 'en', 'Language', 'Practising Dutch together.'),
    ('meals', 'nl', 'Koken en maaltijden', 'Samen koken of een maaltijd brengen.'),
    ('meals', 'en', 'Cooking and meals', 'Cooking together or bringing a meal.'),
    ('respite', 'nl', 'Oppas en mantelzorg', 'Even de zorg overnemen, zodat een mantelzorger kan rusten.'),
    ('respite', 'en', 'Respite for carers', 'Taking over care for a while so a carer can rest.'),
    ('other', 'nl', 'Overig', 'Iets anders.'),
    ('other', 'en', 'Other', 'Something else.');

-- Users. email is stored lower-cased; postcode as '1234AB'. Street-level
-- data (postcode digits+letters, house number) never leaves the server for
-- other users: see internal/account's public Profile type.
CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    edition_id         TEXT NOT NULL REFERENCES editions (id),
    email              TEXT NOT NULL,
    email_verified_at  TIMESTAMPTZ,
    password_hash      TEXT NOT NULL,
    first_name         TEXT NOT NULL,
    surname            TEXT NOT NULL,
    show_full_surname  BOOLEAN NOT NULL DEFAULT FALSE,
    postcode           TEXT NOT NULL,
    house_number       TEXT NOT NULL DEFAULT '',
    town               TEXT NOT NULL,
    bio                TEXT NOT NULL DEFAULT '',
    locale             TEXT NOT NULL DEFAULT 'nl',
    role               TEXT NOT NULL DEFAULT 'member',
    status             TEXT NOT NULL DEFAULT 'active',
    rules_version      INTEGER NOT NULL,
    rules_accepted_at  TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_edition ON users (edition_id, created_at);

-- The help a user asks for or offers, by category.
CREATE TABLE user_help (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('ask', 'offer')),
    category_id TEXT NOT NULL REFERENCES categories (id),
    PRIMARY KEY (user_id, kind, category_id)
);
CREATE INDEX user_help_category ON user_help (category_id, kind);

-- Languages a user speaks (ISO 639-1 codes).
CREATE TABLE user_languages (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lang    TEXT NOT NULL,
    PRIMARY KEY (user_id, lang)
);

-- Server-side sessions, for browsers ('web') and apps ('api'). Only the
-- SHA-256 of the token is stored, so a copy of the database cannot be used
-- to log in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Single-use links sent by e-mail: verify an address, reset a password.
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    email      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);
CREATE INDEX email_tokens_expires ON email_tokens (expires_at);

-- Rate limiting of logins and other abusable actions, shared by all
-- instances. key is e.g. 'login-account:<hmac>' or 'login-addr:<hmac>'.
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (key, at);
CREATE INDEX rate_events_at ON rate_events (at);

-- Durable background jobs (see internal/jobs). A job is written in the same
-- transaction as the change that causes it, so it is never lost and never
-- sent for a change that rolled back.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    run_at       TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until TIMESTAMPTZ,
    last_error   TEXT NOT NULL DEFAULT '',
    unique_key   TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ
);
CREATE INDEX jobs_ready ON jobs (state, run_at);
CREATE UNIQUE INDEX jobs_unique ON jobs (unique_key) WHERE unique_key IS NOT NULL AND state IN ('pending', 'running');

-- Instance-wide settings, such as secrets generated on first start so that
-- every instance on the same database shares them.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
