package webhooks_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/ent"
	"onboard/internal/webhooks"
)

// receiver is the README's webhook receiver ("Events and webhooks →
// Webhooks"): the README's Go block must be this function, as it is.
func receiver(secret string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		parts := strings.Split(r.Header.Get("Onboard-Signature"), ",") // t=…,v1=…[,v1=…]
		ts, found := strings.CutPrefix(parts[0], "t=")
		t, tErr := strconv.ParseInt(ts, 10, 64)
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "%s.%s", ts, body)
		want, ok := []byte("v1="+hex.EncodeToString(mac.Sum(nil))), false
		for _, sig := range parts[1:] {
			ok = ok || hmac.Equal([]byte(sig), want)
		}
		if err != nil || tErr != nil || !found || !ok || time.Since(time.Unix(t, 0)).Abs() > 5*time.Minute {
			http.Error(w, "bad signature", http.StatusBadRequest)
			return
		}
		// Process body once per Onboard-Event-Id (a delivery can repeat), then answer 2xx fast.
		w.WriteHeader(http.StatusNoContent)
	}
}

// TestReceiverVerifiesSignature drives the README's receiver with what
// the worker sends: a signature by webhooks.Signature verifies, with the
// receiver's secret first or second (a rotation's overlap); a wrong
// secret, a changed body, an old or future timestamp, a missing header,
// an old delivery with a fresh timestamp added do not.
func TestReceiverVerifiesSignature(t *testing.T) {
	secret, err := webhooks.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := webhooks.NewSecret()
	body := []byte(`{"id":"evt_01","type":"customer.registered","sequence":1}`)
	send := func(header string, body []byte) int {
		r := httptest.NewRequest(http.MethodPost, "/hooks/onboard", bytes.NewReader(body))
		if header != "" {
			r.Header.Set(webhooks.SignatureHeader, header)
		}
		w := httptest.NewRecorder()
		receiver(secret).ServeHTTP(w, r)
		return w.Code
	}
	now := time.Now()
	for _, tc := range []struct {
		name   string
		header string
		body   []byte
		want   int
	}{
		{"signed", webhooks.Signature([]string{secret}, now, body), body, http.StatusNoContent},
		{"new secret first, ours second", webhooks.Signature([]string{other, secret}, now, body), body, http.StatusNoContent},
		{"ours first, old second", webhooks.Signature([]string{secret, other}, now, body), body, http.StatusNoContent},
		{"4 minutes old", webhooks.Signature([]string{secret}, now.Add(-4*time.Minute), body), body, http.StatusNoContent},
		{"another secret", webhooks.Signature([]string{other}, now, body), body, http.StatusBadRequest},
		{"changed body", webhooks.Signature([]string{secret}, now, body), append([]byte(" "), body...), http.StatusBadRequest},
		{"6 minutes old", webhooks.Signature([]string{secret}, now.Add(-6*time.Minute), body), body, http.StatusBadRequest},
		{"6 minutes ahead", webhooks.Signature([]string{secret}, now.Add(6*time.Minute), body), body, http.StatusBadRequest},
		{"no header", "", body, http.StatusBadRequest},
		{"no timestamp", strings.SplitN(webhooks.Signature([]string{secret}, now, body), ",", 2)[1], body, http.StatusBadRequest},
		// A captured old delivery replayed with a fresh timestamp appended:
		// the signature is of the old one, which is what must be checked.
		{"old, with a new t appended", webhooks.Signature([]string{secret}, now.Add(-3*time.Hour), body) +
			",t=" + strconv.FormatInt(now.Unix(), 10), body, http.StatusBadRequest},
		{"old, with a new t first", "t=" + strconv.FormatInt(now.Unix(), 10) + "," +
			webhooks.Signature([]string{secret}, now.Add(-3*time.Hour), body), body, http.StatusBadRequest},
	} {
		if got := send(tc.header, tc.body); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestSigningSecretsFollowTheOverlap: the previous secret signs strictly
// before its expiry, never after, and not without one.
func TestSigningSecretsFollowTheOverlap(t *testing.T) {
	key := bytes.Repeat([]byte{7}, webhooks.SecretKeyLen)
	box, err := webhooks.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := box.Seal("whsec_current")
	prev, _ := box.Seal("whsec_previous")
	until := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	ep := entEndpoint(cur, prev, &until)
	for _, tc := range []struct {
		at   time.Time
		want int
	}{{until.Add(-time.Second), 2}, {until, 1}, {until.Add(time.Hour), 1}} {
		got, err := box.SigningSecrets(ep, tc.at)
		if err != nil || len(got) != tc.want || got[0] != "whsec_current" || (tc.want == 2 && got[1] != "whsec_previous") {
			t.Errorf("at %v: %v, %v", tc.at, got, err)
		}
	}
	if got, _ := box.SigningSecrets(entEndpoint(cur, prev, nil), until); len(got) != 1 {
		t.Errorf("a previous secret without expiry signed: %v", got)
	}
	other, _ := webhooks.NewBox(bytes.Repeat([]byte{8}, webhooks.SecretKeyLen))
	if _, err := other.SigningSecrets(ep, until); err == nil {
		t.Error("another key opened the secret")
	}
}

func entEndpoint(secret, previous string, until *time.Time) *ent.WebhookEndpoint {
	return &ent.WebhookEndpoint{Secret: secret, PreviousSecret: previous, PreviousSecretExpiresAt: until}
}

// TestReadmeReceiverIsTheTestedOne fails when the README's Go receiver and
// receiver above part: the README shows the code this file tests.
func TestReadmeReceiverIsTheTestedOne(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	source, err := os.ReadFile("example_receiver_test.go")
	if err != nil {
		t.Fatal(err)
	}
	function := func(text, end string) string {
		start := strings.Index(text, "func receiver(")
		if start < 0 {
			return ""
		}
		stop := strings.Index(text[start:], end)
		if stop < 0 {
			return ""
		}
		return text[start : start+stop]
	}
	want := function(string(source), "\n}\n")
	got := function(string(readme), "\n}\n")
	if want == "" || got != want {
		t.Errorf("the README's receiver is not receiver in example_receiver_test.go:\nREADME:\n%s\ntested:\n%s", got, want)
	}
	if lines := strings.Count(want, "\n") + 1; lines > 20 {
		t.Errorf("the receiver has %d lines; the README promises about 20", lines)
	}
}
