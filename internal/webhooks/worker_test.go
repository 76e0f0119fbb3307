package webhooks

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"onboard/ent"
	"onboard/schema/schematype"
)

// The body leaves out personal values and the note, keeps the fields'
// names and the personal mark, and names empty optional columns null.
func TestBodyLeavesOutPersonalValues(t *testing.T) {
	seq := int64(42)
	s := func(v string) *string { return &v }
	ev := &ent.CustomerEvent{ID: "evt_1", Type: schematype.EventCustomerUpdated, Sequence: &seq,
		CreatedAt: time.Date(2026, 12, 1, 10, 0, 0, 123456000, time.UTC), TenantID: "ten_1", CustomerID: "cus_1",
		Actor: "usr_1", Note: "Marcus called",
		Changes: []schematype.FieldChange{
			{Field: "person.lastName", Before: s("Jensen"), After: s("Berg"), Personal: true},
			{Field: "externalRef", Before: nil, After: s("R-1")},
		}}
	b, err := Body(ev, "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"evt_1","type":"customer.updated","sequence":42,"createdAt":"2026-12-01T10:00:00.123456Z",` +
		`"tenant":"acme","customerId":"cus_1","subjectId":null,"actor":"usr_1","requestId":null,"reason":null,` +
		`"changes":[{"field":"person.lastName","before":null,"after":null,"personal":true},` +
		`{"field":"externalRef","before":null,"after":"R-1","personal":false}]}`
	if string(b) != want {
		t.Errorf("Body =\n%s\nwant\n%s", b, want)
	}
	ev.Changes = nil
	if b, _ := Body(ev, "acme"); !strings.Contains(string(b), `"changes":[]`) {
		t.Errorf("no changes is not []: %s", b)
	}
	ev.Sequence = nil
	if _, err := Body(ev, "acme"); err == nil {
		t.Error("an unsequenced event has a body")
	}
}

// The n-th retry waits between half and all of min(max, base·2ⁿ⁻¹).
func TestBackoff(t *testing.T) {
	w := &Worker{settings: Settings{BackoffBase: 10 * time.Second, BackoffMax: time.Hour}.WithDefaults()}
	for n, full := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 4: 80 * time.Second,
		9: 2560 * time.Second, 10: time.Hour, 64: time.Hour, 1000: time.Hour} {
		for range 50 {
			if d := w.backoff(n); d < full/2 || d > full {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", n, d, full/2, full)
			}
		}
	}
}

// Errors and excerpts are kept bounded, as valid text, without the URL's
// query or credentials.
func TestKeptTextIsBoundedAndRedacted(t *testing.T) {
	u, _ := url.Parse("https://user:pw@hooks.example.com/in?token=s3cret")
	msg := clean(`Post "https://user:pw@hooks.example.com/in?token=s3cret": EOF`, u)
	if strings.Contains(msg, "s3cret") || strings.Contains(msg, "pw") || !strings.Contains(msg, "https://hooks.example.com/in") {
		t.Errorf("clean = %q", msg)
	}
	long := strings.Repeat("é", 1000) // 2000 bytes
	if e := excerpt([]byte(long)); len(e) > maxExcerpt || !utf8.ValidString(e) || len(e) < maxExcerpt-1 {
		t.Errorf("excerpt: %d bytes, valid %t", len(e), utf8.ValidString(e))
	}
	if e := excerpt([]byte{'o', 'k', 0xff}); !utf8.ValidString(e) {
		t.Errorf("excerpt of invalid UTF-8: %q", e)
	}
	if got := truncate(long, schematype.MaxWebhookErrorLen); len(got) > schematype.MaxWebhookErrorLen || !utf8.ValidString(got) {
		t.Errorf("truncate: %d bytes", len(got))
	}
	if RedactURL(u) != "https://hooks.example.com/in" {
		t.Errorf("RedactURL = %s", RedactURL(u))
	}
}

// An endpoint without types takes every event; one with types, those.
func TestTakes(t *testing.T) {
	if !Takes(nil, "customer.updated") || !Takes([]string{"customer.updated"}, "customer.updated") ||
		Takes([]string{"customer.registered"}, "customer.updated") {
		t.Error("Takes")
	}
}
