-- Trust and safety (issue "Trust and safety: reports, moderation,
-- automatic flags, and the trust signals that make people dare to meet").

-- A suspension ends at suspended_until (a 'moderation.lift' job ends it);
-- NULL with status 'suspended' is indefinitely.
ALTER TABLE users ADD COLUMN suspended_until TIMESTAMPTZ;

-- House rules per edition. rules_version is the edition's current
-- version; version 1 is the built-in text in the catalogs until an
-- edition publishes its own. A user whose users.rules_version is below
-- their edition's is asked to accept again.
ALTER TABLE editions ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE house_rules (
    edition_id   TEXT NOT NULL REFERENCES editions (id),
    version      INTEGER NOT NULL,
    lang         TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_by TEXT,
    published_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (edition_id, version, lang)
);

-- Reports by members and flags by the rules (internal/flag), about a
-- person (or their profile text), a request, an offer or a message.
-- subject_id is the person the item belongs to; edition_id is that
-- person's edition when the report was made: its moderators handle it.
CREATE TABLE reports (
    id          TEXT PRIMARY KEY,
    edition_id  TEXT NOT NULL REFERENCES editions (id),
    source      TEXT NOT NULL CHECK (source IN ('member', 'flag')),
    reporter_id TEXT,
    subject_id  TEXT NOT NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('person', 'request', 'offer', 'message')),
    target_id   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    evidence    TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL DEFAULT 'low' CHECK (severity IN ('low', 'high')),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    outcome     TEXT,
    action_id   TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    closed_at   TIMESTAMPTZ
);
-- The queues: per edition and (for national moderators) all, oldest first.
CREATE INDEX reports_queue ON reports (edition_id, created_at) WHERE status = 'open';
CREATE INDEX reports_open ON reports (created_at) WHERE status = 'open';
CREATE INDEX reports_subject ON reports (subject_id, created_at);
CREATE INDEX reports_target ON reports (target_kind, target_id);
CREATE INDEX reports_reporter ON reports (reporter_id, created_at);
-- A member reports an item once while it is open; a rule flags it once.
CREATE UNIQUE INDEX reports_member_once ON reports (reporter_id, target_kind, target_id)
    WHERE status = 'open' AND reporter_id IS NOT NULL;
CREATE UNIQUE INDEX reports_flag_once ON reports (target_kind, target_id, reason)
    WHERE status = 'open' AND source = 'flag';

-- The audit log of moderation: every action, by whom (NULL: the system,
-- e.g. a suspension that ran out), why. Append-only: the triggers below
-- refuse UPDATE and DELETE, and no code path does either.
CREATE TABLE moderation_actions (
    id         TEXT PRIMARY KEY,
    edition_id TEXT NOT NULL,
    actor_id   TEXT,
    subject_id TEXT NOT NULL,
    report_id  TEXT,
    action     TEXT NOT NULL CHECK (action IN ('dismiss', 'warn', 'suspend', 'remove', 'lift')),
    reason     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    until      TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX moderation_actions_subject ON moderation_actions (subject_id, created_at);
CREATE INDEX moderation_actions_edition ON moderation_actions (edition_id, created_at);

-- sqlite only
CREATE TRIGGER moderation_actions_no_update BEFORE UPDATE ON moderation_actions
BEGIN SELECT RAISE(ABORT, 'moderation_actions is append-only'); END;
CREATE TRIGGER moderation_actions_no_delete BEFORE DELETE ON moderation_actions
BEGIN SELECT RAISE(ABORT, 'moderation_actions is append-only'); END;
-- end
-- postgres only
CREATE FUNCTION moderation_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'moderation_actions is append-only';
END;
$$;
CREATE TRIGGER moderation_actions_no_change BEFORE UPDATE OR DELETE ON moderation_actions
    FOR EACH ROW EXECUTE FUNCTION moderation_actions_append_only();
CREATE TRIGGER moderation_actions_no_truncate BEFORE TRUNCATE ON moderation_actions
    FOR EACH STATEMENT EXECUTE FUNCTION moderation_actions_append_only();
-- end

-- Warnings a moderator gave; the person sees one until they acknowledge
-- it. id is the id of the 'warn' action.
CREATE TABLE warnings (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ
);
CREATE INDEX warnings_pending ON warnings (user_id) WHERE acknowledged_at IS NULL;

-- Messages: held for a moderator (only the sender sees it, nothing is
-- delivered) and hidden by moderation (nobody sees it).
ALTER TABLE messages ADD COLUMN held_at TIMESTAMPTZ;
ALTER TABLE messages ADD COLUMN hidden_at TIMESTAMPTZ;

-- Edition tuning of the flag rules: flag.Overrides as JSON.
CREATE TABLE edition_flag_rules (
    edition_id TEXT PRIMARY KEY REFERENCES editions (id),
    overrides  TEXT NOT NULL,
    updated_by TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);

-- A seeker can ask that only helpers with a trust signal are invited.
ALTER TABLE requests ADD COLUMN trusted_only BOOLEAN NOT NULL DEFAULT FALSE;

-- Neighbourhood-watch groups (buurtpreventie). The administrator who
-- registered a group shares its invite link; a coordinator or moderator
-- of the edition confirms that the group exists before its members show
-- the badge. invite_token is kept as is so the administrator can see the
-- link again: it only lets someone ask for a badge the administrator can
-- revoke.
CREATE TABLE watch_groups (
    id           TEXT PRIMARY KEY,
    edition_id   TEXT NOT NULL REFERENCES editions (id),
    name         TEXT NOT NULL,
    area         TEXT NOT NULL,
    admin_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invite_token TEXT NOT NULL,
    confirmed_at TIMESTAMPTZ,
    confirmed_by TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    closed_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX watch_groups_invite ON watch_groups (invite_token);
CREATE INDEX watch_groups_admin ON watch_groups (admin_id);
CREATE INDEX watch_groups_edition ON watch_groups (edition_id, created_at);

CREATE TABLE watch_members (
    group_id   TEXT NOT NULL REFERENCES watch_groups (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at  TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX watch_members_user ON watch_members (user_id);

-- Vouched for by a partner organisation: a coordinator of the edition
-- marks "known to us", optionally with the date a certificate of conduct
-- (VOG) was checked.
CREATE TABLE vouches (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    edition_id     TEXT NOT NULL REFERENCES editions (id),
    organisation   TEXT NOT NULL,
    vouched_by     TEXT NOT NULL,
    vog_checked_on TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ
);
CREATE UNIQUE INDEX vouches_active ON vouches (user_id, edition_id) WHERE revoked_at IS NULL;

-- Done help, counted per helper for "people helped".
CREATE INDEX conversations_helper_done ON conversations (helper_id, done_at);
-- Conversations a person started lately: the limit and the flag for new
-- accounts count them.
CREATE INDEX conversations_started ON conversations (started_by, created_at);
