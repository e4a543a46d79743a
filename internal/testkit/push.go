package testkit

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/push"
)

// PushEndpoint is a push service for tests, with one browser subscribed
// to it: it checks the VAPID signature (RFC 8292) of every push, decrypts
// the payload (RFC 8291, aes128gcm per RFC 8188) with the browser's keys,
// and keeps what arrived. It is written from the RFCs with the standard
// library only, so that it checks the sender instead of sharing its code.
type PushEndpoint struct {
	srv  *httptest.Server
	path string
	key  *ecdh.PrivateKey // the browser's key pair (p256dh)
	auth []byte           // the browser's auth secret

	mu       sync.Mutex
	pushes   []Push
	refused  []error // why pushes were refused (401, 400)
	answers  []int   // status codes to answer with next, before checking
	vapidKey string  // when set, the application server key to require
}

// Push is one push as the endpoint received and decrypted it.
type Push struct {
	Topic   string
	TTL     int
	Urgency string
	Payload []byte
	Subject string // the VAPID JWT's sub
}

// NewPushEndpoint starts a push endpoint for one subscription; it stops at
// the end of the test.
func NewPushEndpoint(t testing.TB) *PushEndpoint {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := &PushEndpoint{key: key, auth: make([]byte, 16), path: "/push/" + rand.Text()}
	rand.Read(e.auth)
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

// Subscription is what the browser's PushSubscription.toJSON() gives:
// the endpoint URL and the keys, base64url without padding.
func (e *PushEndpoint) Subscription() push.Subscription {
	return push.Subscription{
		Endpoint: e.srv.URL + e.path,
		P256dh:   base64.RawURLEncoding.EncodeToString(e.key.PublicKey().Bytes()),
		Auth:     base64.RawURLEncoding.EncodeToString(e.auth),
	}
}

// RequireKey makes the endpoint refuse pushes not signed with the VAPID
// key k (base64url), as a push service does for a subscription made with
// that applicationServerKey.
func (e *PushEndpoint) RequireKey(k string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vapidKey = strings.TrimRight(k, "=")
}

// Answer makes the endpoint answer the next n pushes with status (410
// for a subscription that is gone, 500 for a push service in trouble)
// without keeping them.
func (e *PushEndpoint) Answer(status, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for range n {
		e.answers = append(e.answers, status)
	}
}

// Pushes returns the pushes received so far, oldest first.
func (e *PushEndpoint) Pushes() []Push {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Push(nil), e.pushes...)
}

// Refused returns why pushes were refused (a bad signature, a payload
// that did not decrypt), oldest first.
func (e *PushEndpoint) Refused() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.refused...)
}

func (e *PushEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != e.path {
		http.NotFound(w, r)
		return
	}
	e.mu.Lock()
	if len(e.answers) > 0 {
		code := e.answers[0]
		e.answers = e.answers[1:]
		e.mu.Unlock()
		http.Error(w, http.StatusText(code), code)
		return
	}
	want := e.vapidKey
	e.mu.Unlock()
	p, status, err := e.receive(r, want)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.refused = append(e.refused, err)
		http.Error(w, err.Error(), status)
		return
	}
	e.pushes = append(e.pushes, p)
	w.Header().Set("Location", e.srv.URL+"/message/"+strconv.Itoa(len(e.pushes)))
	w.WriteHeader(http.StatusCreated)
}

func (e *PushEndpoint) receive(r *http.Request, wantKey string) (Push, int, error) {
	p := Push{Topic: r.Header.Get("Topic"), Urgency: r.Header.Get("Urgency")}
	ttl, err := strconv.Atoi(r.Header.Get("TTL"))
	if err != nil || ttl < 0 {
		return p, http.StatusBadRequest, fmt.Errorf("TTL header %q", r.Header.Get("TTL"))
	}
	p.TTL = ttl
	if len(p.Topic) > 32 || strings.Trim(p.Topic, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return p, http.StatusBadRequest, fmt.Errorf("topic %q is not at most 32 base64url characters", p.Topic)
	}
	origin := "http://" + r.Host
	sub, key, err := checkVAPID(r.Header.Get("Authorization"), origin, time.Now())
	if err != nil {
		return p, http.StatusUnauthorized, err
	}
	if wantKey != "" && key != wantKey {
		return p, http.StatusForbidden, fmt.Errorf("signed with VAPID key %s, the subscription was made for %s", key, wantKey)
	}
	p.Subject = sub
	if ce := r.Header.Get("Content-Encoding"); ce != "aes128gcm" {
		return p, http.StatusUnsupportedMediaType, fmt.Errorf("Content-Encoding %q", ce)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8192))
	if err != nil {
		return p, http.StatusBadRequest, err
	}
	if p.Payload, err = e.decrypt(body); err != nil {
		return p, http.StatusBadRequest, err
	}
	return p, 0, nil
}

// checkVAPID checks an RFC 8292 Authorization header ("vapid t=JWT, k=key")
// and returns the JWT's sub and the key.
func checkVAPID(header, origin string, now time.Time) (sub, key string, err error) {
	rest, ok := strings.CutPrefix(header, "vapid ")
	if !ok {
		return "", "", fmt.Errorf("authorization %q is not vapid", header)
	}
	var token string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			token = v
		case "k":
			key = strings.TrimRight(v, "=")
		}
	}
	pub, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return "", "", fmt.Errorf("vapid k: %w", err)
	}
	ecKey, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pub)
	if err != nil {
		return "", "", fmt.Errorf("vapid k: %w", err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", "", fmt.Errorf("vapid t is not a JWT: %q", token)
	}
	var head struct{ Alg, Typ string }
	if err := decodeJWTPart(parts[0], &head); err != nil || head.Alg != "ES256" {
		return "", "", fmt.Errorf("JWT header %+v: %v", head, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return "", "", fmt.Errorf("JWT signature is not 64 bytes of base64url (%v)", err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(ecKey, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return "", "", errors.New("JWT signature does not verify with k")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := decodeJWTPart(parts[1], &claims); err != nil {
		return "", "", fmt.Errorf("JWT claims: %w", err)
	}
	switch exp := time.Unix(claims.Exp, 0); {
	case claims.Aud != origin:
		return "", "", fmt.Errorf("JWT aud %q, want %q", claims.Aud, origin)
	case !exp.After(now) || exp.After(now.Add(24*time.Hour)):
		// RFC 8292 section 2: at most 24 hours ahead.
		return "", "", fmt.Errorf("JWT exp %s is not within the next 24 hours", exp)
	case claims.Sub == "":
		return "", "", errors.New("JWT has no sub")
	}
	return claims.Sub, key, nil
}

func decodeJWTPart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// decrypt undoes RFC 8291: the header is salt (16), record size (4), key
// id length (1) and the application server's one-time public key; the
// records follow.
func (e *PushEndpoint) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, rs, idLen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idLen || rs < 18 {
		return nil, fmt.Errorf("bad aes128gcm header (rs %d, idlen %d)", rs, idLen)
	}
	asPublic := body[21 : 21+idLen]
	records := body[21+idLen:]
	asKey, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, fmt.Errorf("key id is not a P-256 point: %w", err)
	}
	secret, err := e.key.ECDH(asKey)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), e.key.PublicKey().Bytes()...), asPublic...)
	prkKey, err := hkdf.Extract(sha256.New, secret, e.auth)
	if err != nil {
		return nil, err
	}
	ikm, err := hkdf.Expand(sha256.New, prkKey, string(info), 32)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	var out []byte
	for seq := uint64(0); len(records) > 0; seq++ {
		n := min(int(rs), len(records))
		last := n == len(records)
		// The nonce of record seq is the base nonce XOR seq (RFC 8188 2.3).
		iv := bytes.Clone(nonce)
		for i := range 8 {
			iv[11-i] ^= byte(seq >> (8 * i))
		}
		plain, err := gcm.Open(nil, iv, records[:n], nil)
		if err != nil {
			return nil, fmt.Errorf("record %d does not decrypt: %w", seq, err)
		}
		records = records[n:]
		plain = bytes.TrimRight(plain, "\x00")
		if len(plain) == 0 {
			return nil, fmt.Errorf("record %d has no padding delimiter", seq)
		}
		delim := plain[len(plain)-1]
		if (last && delim != 2) || (!last && delim != 1) {
			return nil, fmt.Errorf("record %d ends with delimiter %d", seq, delim)
		}
		out = append(out, plain[:len(plain)-1]...)
	}
	return out, nil
}
