package api

import (
	"encoding/json"

	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/notify"
)

// The shapes of conversations, messages, thank-you notes and notification
// settings. The other person of a conversation is a name and a town: the
// exact address is something people share themselves, in a message.

// ConversationPerson is the other side of a conversation.
type ConversationPerson struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Town        string `json:"town"`
	Active      bool   `json:"active"`
}

// LastMessage is the newest message of a conversation, cut to 120
// characters, for the list.
type LastMessage struct {
	Body   string `json:"body"`
	At     string `json:"at"`
	FromMe bool   `json:"from_me"`
}

// Conversation is a conversation as one of its two people sees it.
type Conversation struct {
	ID          string             `json:"id"`
	Kind        string             `json:"kind"`
	RequestID   *string            `json:"request_id"`
	OfferID     *string            `json:"offer_id"`
	About       string             `json:"about"`
	Other       ConversationPerson `json:"other"`
	Role        string             `json:"role"`
	Unread      int                `json:"unread"`
	LastMessage *LastMessage       `json:"last_message"`
	OtherReadAt *string            `json:"other_read_at"`
	Done        bool               `json:"done"`
	DoneAt      *string            `json:"done_at"`
	CanSend     bool               `json:"can_send"`
	Closed      *string            `json:"closed"`
	Thanked     bool               `json:"thanked"`
	CanThank    bool               `json:"can_thank"`
	CreatedAt   string             `json:"created_at"`
}

func conversationFrom(c *message.Conversation) Conversation {
	out := Conversation{
		ID: c.ID, Kind: c.Kind, RequestID: optString(c.RequestID), OfferID: optString(c.OfferID), About: c.About,
		Other: ConversationPerson{ID: c.Other.ID, DisplayName: c.Other.DisplayName, Town: c.Other.Town, Active: c.Other.Active},
		Role:  c.Role, Unread: c.Unread, OtherReadAt: optTime(c.OtherReadAt),
		Done: c.Done, DoneAt: optTime(c.DoneAt), CanSend: c.CanSend, Closed: optString(c.Closed),
		Thanked: c.Thanked, CanThank: c.CanThank, CreatedAt: timeJSON(c.CreatedAt),
	}
	if !c.LastMessageAt.IsZero() {
		out.LastMessage = &LastMessage{Body: c.LastMessage, At: timeJSON(c.LastMessageAt), FromMe: c.LastFromMe}
	}
	return out
}

// Conversations is the list of the caller's conversations.
type Conversations struct {
	Conversations []Conversation `json:"conversations"`
	UnreadTotal   int            `json:"unread_total"`
}

// ConversationMessage is one message as a member of the conversation sees
// it. (Message is the name of the answer that only says what happens
// next.)
type ConversationMessage struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id"`
	SenderID       string `json:"sender_id"`
	Mine           bool   `json:"mine"`
	Body           string `json:"body"`
	CreatedAt      string `json:"created_at"`
	Read           bool   `json:"read"`
	// Held: the message waits for a moderator and was not delivered.
	// Only its sender ever sees a held message.
	Held bool `json:"held"`
	// SafetyHint is a gentle hint for the sender, only in the answer to
	// sending ("contact_first_message": a first message holds a phone
	// number, e-mail or address).
	SafetyHint string `json:"safety_hint,omitempty"`
}

func conversationMessageFrom(m *message.Message) ConversationMessage {
	out := ConversationMessage{
		ID: m.ID, ConversationID: m.ConversationID, SenderID: m.SenderID, Mine: m.Mine, Body: m.Body,
		CreatedAt: timeJSON(m.CreatedAt), Read: m.Read,
	}
	if m.Mine {
		// A second lock on the door: the service shows a held message
		// to its sender alone.
		out.Held, out.SafetyHint = m.Held, m.Hint
	}
	return out
}

// Messages is a page of a conversation's messages, oldest first.
type Messages struct {
	Messages []ConversationMessage `json:"messages"`
	HasMore  bool                  `json:"has_more"`
}

// StartedConversation answers POST /conversations.
type StartedConversation struct {
	Conversation Conversation        `json:"conversation"`
	Message      ConversationMessage `json:"message"`
}

// StartConversationInput starts (or continues) a conversation.
type StartConversationInput struct {
	RequestID string `json:"request_id"`
	OfferID   string `json:"offer_id"`
	UserID    string `json:"user_id"`
	Body      string `json:"body"`
}

// BodyInput is a message or a thank-you note.
type BodyInput struct {
	Body string `json:"body"`
}

// ThanksNote is a thank-you note on a helper's profile.
type ThanksNote struct {
	ID        string    `json:"id"`
	From      PersonRef `json:"from"`
	Body      string    `json:"body"`
	CreatedAt string    `json:"created_at"`
}

// ThanksList is the thank-you notes a user received, newest first.
type ThanksList struct {
	Thanks []ThanksNote `json:"thanks"`
}

func thanksFrom(ts []message.Thanks) ThanksList {
	out := ThanksList{Thanks: make([]ThanksNote, 0, len(ts))}
	for _, t := range ts {
		out.Thanks = append(out.Thanks, ThanksNote{ID: t.ID, From: PersonRef{ID: t.FromID, DisplayName: t.FromName},
			Body: t.Body, CreatedAt: timeJSON(t.CreatedAt)})
	}
	return out
}

// EventData is the data of one event on GET /events: ids, and for a new
// message the message itself as the caller sees it.
type EventData struct {
	ConversationID string               `json:"conversation_id"`
	MessageID      string               `json:"message_id,omitempty"`
	Message        *ConversationMessage `json:"message,omitempty"`
}

// NotificationPref is which channels a user wants for one kind.
type NotificationPref struct {
	Kind  string `json:"kind"`
	Email bool   `json:"email"`
	Push  bool   `json:"push"`
}

// PushDevice is a browser or phone that gets push notifications. The
// endpoint and its keys are never sent back: they are the device's secret.
type PushDevice struct {
	ID        string `json:"id"`
	UserAgent string `json:"user_agent"`
	CreatedAt string `json:"created_at"`
	Disabled  bool   `json:"disabled"`
}

// NotificationSettings are the caller's notification settings.
type NotificationSettings struct {
	Prefs           []NotificationPref `json:"prefs"`
	QuietStart      string             `json:"quiet_start"`
	QuietEnd        string             `json:"quiet_end"`
	EmailVerified   bool               `json:"email_verified"`
	EmailDisabled   bool               `json:"email_disabled"`
	EmailDisabledAt *string            `json:"email_disabled_at"`
	Devices         []PushDevice       `json:"devices"`
}

func notificationSettingsFrom(s *notify.Settings) NotificationSettings {
	out := NotificationSettings{
		Prefs: make([]NotificationPref, 0, len(s.Prefs)), QuietStart: s.QuietStart, QuietEnd: s.QuietEnd,
		EmailVerified: s.EmailVerified, EmailDisabled: s.EmailDisabled, EmailDisabledAt: optTime(s.EmailDisabledAt),
		Devices: make([]PushDevice, 0, len(s.Devices)),
	}
	for _, p := range s.Prefs {
		out.Prefs = append(out.Prefs, NotificationPref{Kind: p.Kind, Email: p.Email, Push: p.Push})
	}
	for _, d := range s.Devices {
		out.Devices = append(out.Devices, PushDevice{ID: d.ID, UserAgent: d.UserAgent, CreatedAt: timeJSON(d.CreatedAt), Disabled: d.Disabled})
	}
	return out
}

// NotificationSettingsInput changes them. The read-only fields of the GET
// answer may be sent back as they are (a client that edits what it read)
// and are ignored.
type NotificationSettingsInput struct {
	Prefs           []NotificationPref `json:"prefs"`
	QuietStart      string             `json:"quiet_start"`
	QuietEnd        string             `json:"quiet_end"`
	EmailVerified   json.RawMessage    `json:"email_verified,omitempty"`
	EmailDisabled   json.RawMessage    `json:"email_disabled,omitempty"`
	EmailDisabledAt json.RawMessage    `json:"email_disabled_at,omitempty"`
	Devices         json.RawMessage    `json:"devices,omitempty"`
}

// PushSubscriptionInput is what PushSubscription.toJSON() gives in a
// browser; expirationTime is accepted so that it can be sent as it is.
type PushSubscriptionInput struct {
	Endpoint       string          `json:"endpoint"`
	ExpirationTime json.RawMessage `json:"expirationTime,omitempty"`
	Keys           struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// Created answers a POST that made something with only an id.
type Created struct {
	ID string `json:"id"`
}

// VAPIDKey is the application server key browsers subscribe with.
type VAPIDKey struct {
	Key string `json:"key"`
}
