-- Private messages, notification delivery by e-mail and web push (issue
-- "Private messages, notifications by e-mail and web push, and the
-- installable app").

-- Conversations are one-to-one: about a request (the dispatcher opens one
-- on accept; a helper can also respond to a request), about an offer, or
-- started from a profile ('direct'). seeker_id is the person who gets help
-- (for a direct conversation: who started it), helper_id the other.
-- pair_key is the two user ids in order, "a:b", so that two people have
-- one direct conversation.
ALTER TABLE conversations ADD COLUMN kind TEXT NOT NULL DEFAULT 'request';
ALTER TABLE conversations ADD COLUMN offer_id TEXT REFERENCES offers (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN pair_key TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN started_by TEXT;
ALTER TABLE conversations ADD COLUMN last_message_at TIMESTAMPTZ;
-- Unread messages for each side, kept with every send and read, so the
-- header badge does not count messages.
ALTER TABLE conversations ADD COLUMN seeker_unread INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN helper_unread INTEGER NOT NULL DEFAULT 0;
-- Read markers: each side has read the messages up to this time.
ALTER TABLE conversations ADD COLUMN seeker_read_at TIMESTAMPTZ;
ALTER TABLE conversations ADD COLUMN helper_read_at TIMESTAMPTZ;
-- The help is done (either side marks it; the seeker can then thank).
ALTER TABLE conversations ADD COLUMN done_at TIMESTAMPTZ;
ALTER TABLE conversations ADD COLUMN done_by TEXT;

UPDATE conversations SET pair_key = CASE WHEN seeker_id < helper_id
    THEN seeker_id || ':' || helper_id ELSE helper_id || ':' || seeker_id END;

CREATE UNIQUE INDEX conversations_offer ON conversations (offer_id, seeker_id) WHERE kind = 'offer';
CREATE UNIQUE INDEX conversations_direct ON conversations (pair_key) WHERE kind = 'direct';

-- Messages, oldest first by (created_at, id); ids are UUIDv7.
-- client_key is the sender's idempotency key: a send that is retried
-- (a double tap, a lost answer) posts the message once.
CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    client_key      TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at, id);
CREATE UNIQUE INDEX messages_client_key ON messages (sender_id, client_key) WHERE client_key IS NOT NULL;

-- Thank-you notes: one per conversation, from the seeker to the helper,
-- shown on the helper's profile. No stars, no points.
CREATE TABLE thanks (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL UNIQUE REFERENCES conversations (id) ON DELETE CASCADE,
    from_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX thanks_to ON thanks (to_id, created_at);

-- Delivery state of each notification (the outbox is the notification
-- row and its delivery job, written in the transaction of the event).
-- pushed_at and emailed_at are set in the transaction that hands the
-- notification to a channel, so a retried job never hands it over twice.
-- email_due_at: a message notification waiting for the e-mail digest.
ALTER TABLE notifications ADD COLUMN conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE;
ALTER TABLE notifications ADD COLUMN pushed_at TIMESTAMPTZ;
ALTER TABLE notifications ADD COLUMN emailed_at TIMESTAMPTZ;
ALTER TABLE notifications ADD COLUMN email_due_at TIMESTAMPTZ;
CREATE INDEX notifications_conversation ON notifications (conversation_id, user_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX notifications_digest_due ON notifications (email_due_at) WHERE email_due_at IS NOT NULL AND emailed_at IS NULL;

-- Which channels a user wants for each kind of notification; a missing
-- row means the kind's default (internal/notify).
CREATE TABLE notification_prefs (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    email   BOOLEAN NOT NULL,
    push    BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- An address that keeps failing is disabled (and shown to the user)
-- after a few failures in a row; a success resets the count.
ALTER TABLE users ADD COLUMN email_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN email_disabled_at TIMESTAMPTZ;

-- Web push subscriptions (one per browser or phone).
CREATE TABLE push_subscriptions (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint        TEXT NOT NULL UNIQUE,
    p256dh          TEXT NOT NULL,
    auth            TEXT NOT NULL,
    user_agent      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    last_success_at TIMESTAMPTZ,
    failures        INTEGER NOT NULL DEFAULT 0,
    disabled_at     TIMESTAMPTZ
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
