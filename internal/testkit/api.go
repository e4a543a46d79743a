package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// PostJSON sends v as JSON to url, with the bearer token when it is not
// "", and returns the status and the body.
func PostJSON(t testing.TB, url, token string, v any) (int, string) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// APIToken logs in through the API of the Noaber at base and returns the
// bearer token.
func APIToken(t testing.TB, base, email, password string) string {
	t.Helper()
	status, body := PostJSON(t, base+"/api/v1/tokens", "", map[string]any{"email": email, "password": password})
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("token for %s: %d %s", email, status, body)
	}
	var v struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Token == "" {
		t.Fatalf("token answer %s: %v", body, err)
	}
	return v.Token
}
