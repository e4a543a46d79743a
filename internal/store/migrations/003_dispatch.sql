-- The dispatcher (issue "The dispatcher"): Noaber invites helpers for a
-- request one at a time, with deadlines, and escalates to the edition's
-- coordinators when nobody says yes. Every piece of dispatch state lives
-- here; deadlines are jobs (table jobs) that point at these rows.

-- How an edition dispatches. Defaults chosen with 'noaber simulate'
-- (docs/dispatch.md).
ALTER TABLE editions ADD COLUMN dispatch_batch INTEGER NOT NULL DEFAULT 1;
ALTER TABLE editions ADD COLUMN dispatch_answer_minutes INTEGER NOT NULL DEFAULT 30;
ALTER TABLE editions ADD COLUMN dispatch_max_km DOUBLE PRECISION NOT NULL DEFAULT 10;
ALTER TABLE editions ADD COLUMN dispatch_escalate_hours INTEGER NOT NULL DEFAULT 24;

-- Roles a user holds in an edition (coordinator now; moderator later).
-- Platform admins (users.role = 'admin') hold every role everywhere.
CREATE TABLE edition_roles (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    edition_id TEXT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('coordinator', 'moderator')),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, edition_id, role)
);
CREATE INDEX edition_roles_edition ON edition_roles (edition_id, role);

-- One dispatch per request that invites helpers. The row is the lock that
-- serialises everything that moves a dispatch on (answers, deadlines,
-- escalation), on every instance.
CREATE TABLE dispatches (
    request_id       TEXT PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    edition_id       TEXT NOT NULL REFERENCES editions (id),
    status           TEXT NOT NULL CHECK (status IN ('searching', 'matched', 'escalated', 'stopped')),
    radius_km        DOUBLE PRECISION NOT NULL, -- the current step of the widening search
    escalate_at      TIMESTAMPTZ NOT NULL,
    escalated_at     TIMESTAMPTZ,
    escalation       TEXT NOT NULL DEFAULT '', -- why: 'deadline' or 'exhausted'
    resolved_at      TIMESTAMPTZ,              -- a coordinator dealt with the escalation
    resolved_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    resolution_note  TEXT NOT NULL DEFAULT '',
    helper_id        TEXT REFERENCES users (id) ON DELETE SET NULL, -- who said yes
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
-- The coordinators' escalation list: open escalations of an edition.
CREATE INDEX dispatches_escalated ON dispatches (edition_id, escalated_at) WHERE status = 'escalated' AND resolved_at IS NULL;

-- One invitation per request and helper, ever: the unique key is what
-- makes "nobody is invited twice" hold across crashes and instances.
CREATE TABLE invitations (
    id            TEXT PRIMARY KEY,
    request_id    TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    helper_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('scheduled', 'open', 'accepted', 'declined', 'expired', 'withdrawn')),
    withdrawn_why TEXT NOT NULL DEFAULT '', -- 'matched', 'closed'
    rank_no       INTEGER NOT NULL,          -- 1 = the first helper asked for this request
    why           TEXT NOT NULL,             -- JSON: the ranking parts, for coordinators
    send_at       TIMESTAMPTZ NOT NULL,      -- later than created_at when the helper was in quiet hours
    sent_at       TIMESTAMPTZ,
    deadline_at   TIMESTAMPTZ NOT NULL,
    answered_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (request_id, helper_id)
);
-- A helper's invitations, newest first (their list; weekly maximum,
-- reliability and fairness over the recent ones).
CREATE INDEX invitations_helper ON invitations (helper_id, created_at);

-- In-app notifications (the list and the badge). The unique key makes
-- writing one idempotent: a retried job or a second instance cannot add
-- it twice. E-mail and push delivery build on this table.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL, -- what it is about, unique per user and kind
    request_id TEXT REFERENCES requests (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ,
    UNIQUE (user_id, kind, ref)
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- A private conversation between two people about a request. The
-- messaging issue adds the messages.
CREATE TABLE conversations (
    id         TEXT PRIMARY KEY,
    request_id TEXT REFERENCES requests (id) ON DELETE SET NULL,
    seeker_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    helper_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX conversations_request ON conversations (request_id, helper_id);
CREATE INDEX conversations_seeker ON conversations (seeker_id);
CREATE INDEX conversations_helper ON conversations (helper_id);
