// Package mail renders Noaber's e-mails in the reader's language and sends
// them over SMTP. Mails are never sent inside a request: the change that
// causes one enqueues it in its own transaction (Enqueue), and a job worker
// sends it (RegisterSender), retrying temporary failures.
package mail

// Message is one e-mail to one recipient.
type Message struct {
	// ID is the Message-ID, "<unique@domain>". A retry of the same message
	// must carry the same ID, so that a receiving server or a reader's
	// client can recognise a duplicate; the send job sets it from the
	// job's id when it is empty.
	ID      string            `json:"id,omitempty"`
	To      string            `json:"to"`
	Subject string            `json:"subject"`
	Text    string            `json:"text"`
	HTML    string            `json:"html,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	// Kind and UserID say what the mail is and whom it is for, so the
	// sender's Hooks can act on the outcome (notification e-mails set
	// them: internal/notify counts failures per address). They are not
	// sent.
	Kind   string `json:"kind,omitempty"`
	UserID string `json:"user_id,omitempty"`
}
