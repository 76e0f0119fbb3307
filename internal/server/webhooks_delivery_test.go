package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/ent"
	"onboard/ent/customerevent"
	"onboard/ent/privacy"
	"onboard/ent/webhookattempt"
	"onboard/ent/webhookdelivery"
	"onboard/ent/webhookendpointchange"
	"onboard/internal/database"
	"onboard/internal/events"
	"onboard/internal/history"
	"onboard/internal/observe"
	"onboard/internal/onboarding"
	"onboard/internal/server"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/internal/webhooks"
	"onboard/schema/schematype"
)

// The delivery tests run the server's event work (sequencer and webhook
// worker, testutil's StartDelivery) against a real receiver on the
// loopback interface, and read what happened from the receiver and from
// the database: every attempt, the delivery's state, the endpoint's run of
// failures and log.

// deliverySettings are quick retries for tests: the real backoff is
// seconds to an hour.
func deliverySettings() (events.Settings, webhooks.Settings) {
	return events.Settings{PollInterval: 50 * time.Millisecond},
		webhooks.Settings{AllowLoopback: true, BackoffBase: 50 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
			Timeout: 2 * time.Second, PollInterval: 50 * time.Millisecond, RetryFor: time.Hour, DisableAfter: 100}
}

// deliveryEnv is an env running its delivery, with a tenant "acme".
func deliveryEnv(t *testing.T, edit func(*testutil.Options)) (*testutil.Env, string) {
	t.Helper()
	ev, wh := deliverySettings()
	opts := testutil.Options{Events: ev, Webhooks: wh, StartDelivery: true}
	if edit != nil {
		edit(&opts)
	}
	env := testutil.NewWith(t, opts)
	return env, env.Tenant("acme")
}

// received is one request as the receiver saw it.
type received struct {
	Header http.Header
	Body   []byte
	Status int // what the receiver answered
}

// receiver is a webhook endpoint's server: it answers each request with
// answer(n) (n counts from 1) and keeps what it saw.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int, r *http.Request) int
}

func newReceiver(t *testing.T, answer func(n int, r *http.Request) int) *receiver {
	t.Helper()
	rc := &receiver{answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	n := len(rc.got) + 1
	rc.got = append(rc.got, received{Header: r.Header.Clone(), Body: body})
	rc.mu.Unlock()
	status := http.StatusOK
	if rc.answer != nil {
		status = rc.answer(n, r)
	}
	rc.mu.Lock()
	rc.got[n-1].Status = status
	rc.mu.Unlock()
	if status >= 300 && status < 400 {
		w.Header().Set("Location", "/elsewhere")
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, "answer %d", n)
}

// requests returns a copy of what the receiver saw so far.
func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// accepted counts, by event id, the requests answered 2xx.
func (rc *receiver) accepted() map[string]int {
	n := map[string]int{}
	for _, r := range rc.requests() {
		if r.Status >= 200 && r.Status < 300 {
			n[r.Header.Get(webhooks.EventIDHeader)]++
		}
	}
	return n
}

// createEndpoint makes an endpoint of the tenant tenantKey to url the way
// a user does: the createWebhookEndpoint mutation with a webhooks:manage
// token. It returns the endpoint's id and the signing secret its payload
// carries (shown once, as to a user).
func createEndpoint(t testing.TB, env *testutil.Env, tenantKey, url string, types ...string) (string, string) {
	t.Helper()
	input := map[string]any{"url": url}
	if len(types) > 0 {
		input["eventTypes"] = types
	}
	var got struct {
		CreateWebhookEndpoint struct {
			Secret   string
			Endpoint struct{ ID string }
		}
	}
	env.Do(testutil.Request{Token: env.Token([]string{tenantKey}, viewer.ScopeWebhooksManage), TenantKey: tenantKey,
		Query: createWebhookEndpoint, Variables: map[string]any{"input": input}}).Into(t, &got)
	ep := got.CreateWebhookEndpoint
	if ep.Endpoint.ID == "" || ep.Secret == "" {
		t.Fatalf("createWebhookEndpoint(%s) returned no endpoint or no secret", url)
	}
	return ep.Endpoint.ID, ep.Secret
}

// insertEndpointForTest writes an enabled endpoint of tenantID to url
// straight into the database, sealed with key, for the setups the API
// rightly refuses (a loopback URL while loopback is not allowed), and
// returns its id and secret.
func insertEndpointForTest(t testing.TB, env *testutil.Env, key []byte, tenantID, url string, types ...string) (string, string) {
	t.Helper()
	box, err := webhooks.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	secret := "whsec_" + testutil.RandomHex(24)
	sealed, err := box.Seal(secret)
	if err != nil {
		t.Fatal(err)
	}
	ep := env.Client().WebhookEndpoint.Create().SetURL(url).SetSecret(sealed).SetEventTypes(types).
		SetCreatedBy("test").SaveX(env.As(tenantID))
	return ep.ID, secret
}

// newBareCustomer writes a customer of tenantID directly, to append events
// to without a registration.
func newBareCustomer(t testing.TB, env *testutil.Env, tenantID string) string {
	t.Helper()
	return env.Client().Customer.Create().SetType(schematype.CustomerTypeOrganization).
		SetName("Events Ltd").SaveX(env.As(tenantID)).ID
}

// appendEvents commits n events of customerID, one transaction each, the
// way a change does: history.Append in the change's transaction, which
// wakes wake once it commits (the server's wakeSequencer middleware does
// the same for requests). It returns the events' ids.
func appendEvents(t testing.TB, env *testutil.Env, tenantID, customerID string, n int, wake func()) []string {
	t.Helper()
	ctx := history.WithCommitted(env.As(tenantID), wake)
	var ids []string
	for i := range n {
		tx, err := env.Client().Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := history.Append(ctx, tx, history.Event{CustomerID: customerID, Type: schematype.EventCustomerUpdated,
			Changes: []schematype.FieldChange{{Field: "externalRef", After: history.Text(strconv.Itoa(i))}}}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for _, ev := range env.Client().CustomerEvent.Query().Where(customerevent.CustomerID(customerID)).
		Order(ent.Desc(customerevent.FieldID)).Limit(n).AllX(env.As(tenantID)) {
		ids = append(ids, ev.ID)
	}
	return ids
}

// all reads across tenants, as the assertions do.
func all() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// waitUntil polls cond until it holds or the deadline passes (then the
// test fails with what).
func waitUntil(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// deliveryOf is the one delivery of eventID.
func deliveryOf(t testing.TB, env *testutil.Env, eventID string) *ent.WebhookDelivery {
	t.Helper()
	ds := env.Client().WebhookDelivery.Query().Where(webhookdelivery.EventID(eventID)).AllX(all())
	if len(ds) != 1 {
		t.Fatalf("event %s has %d deliveries, want 1", eventID, len(ds))
	}
	return ds[0]
}

// attemptsOf are the attempts of delivery id, in order.
func attemptsOf(env *testutil.Env, id string) []*ent.WebhookAttempt {
	return env.Client().WebhookAttempt.Query().Where(webhookattempt.DeliveryID(id)).
		Order(ent.Asc(webhookattempt.FieldNumber)).AllX(all())
}

// checkSignature verifies the Onboard-Signature header of r with secret
// as a receiver would: t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>.
func checkSignature(t *testing.T, r received, secret string) {
	t.Helper()
	sig := r.Header.Get(webhooks.SignatureHeader)
	var ts string
	var v1 []string
	for _, part := range strings.Split(sig, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = append(v1, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)) > time.Minute {
		t.Errorf("signature timestamp %q is not a recent unix time", ts)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(r.Body)
	want := hex.EncodeToString(mac.Sum(nil))
	if len(v1) != 1 || !hmac.Equal([]byte(v1[0]), []byte(want)) {
		t.Errorf("%s = %q, want one v1=%s", webhooks.SignatureHeader, sig, want)
	}
}

// bodyKeys are the event body's keys, in the agreed order.
var bodyKeys = []string{"id", "type", "sequence", "createdAt", "tenant", "customerId", "subjectId", "actor",
	"requestId", "reason", "changes"}

// keysInOrder returns the keys of a JSON object in the order they come.
func keysInOrder(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("body is not an object: %s", body)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

type eventBody struct {
	ID         string  `json:"id"`
	Type       string  `json:"type"`
	Sequence   int64   `json:"sequence"`
	CreatedAt  string  `json:"createdAt"`
	Tenant     string  `json:"tenant"`
	CustomerID string  `json:"customerId"`
	SubjectID  *string `json:"subjectId"`
	Actor      *string `json:"actor"`
	RequestID  *string `json:"requestId"`
	Reason     *string `json:"reason"`
	Changes    []struct {
		Field    string  `json:"field"`
		Before   *string `json:"before"`
		After    *string `json:"after"`
		Personal bool    `json:"personal"`
	} `json:"changes"`
}

// A registration and a decision reach the tenant's endpoint signed with
// its secret, with the agreed headers and body, personal values left out.
func TestWebhookDeliversSignedEvents(t *testing.T) {
	ev, wh := deliverySettings()
	wh.SecretKey = []byte(testutil.RandomHex(16))
	e := &decisionEnv{registrationEnv: newRegistrationEnvWith(t, testutil.Options{Events: ev, Webhooks: wh, StartDelivery: true})}
	e.decider = e.Token([]string{"acme"}, "customers:decide", "customers:read")
	rc := newReceiver(t, nil)
	_, secret := createEndpoint(t, e.Env, "acme", rc.URL+"/hooks?token=abc")

	id := e.newCustomer(t)
	r, rid := e.decide(onboarding.ActionReview, id, map[string]any{"reasonCode": "DOCUMENTS_RECEIVED", "note": "marcus called"})
	if len(r.Errors) > 0 {
		t.Fatalf("review: %s", r.Raw)
	}
	byType := func() map[string]received {
		m := map[string]received{}
		for _, r := range rc.requests() {
			m[r.Header.Get(webhooks.EventTypeHeader)] = r
		}
		return m
	}
	waitUntil(t, 10*time.Second, "the registration and the review reach the receiver", func() bool {
		m := byType()
		_, reg := m[schematype.EventCustomerRegistered]
		_, moved := m[schematype.EventCustomerStatusChanged]
		return reg && moved
	})
	for typ, r := range byType() {
		checkSignature(t, r, secret)
		for h, want := range map[string]string{"Content-Type": "application/json", "User-Agent": webhooks.UserAgent} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", typ, h, got, want)
			}
		}
		if got := keysInOrder(t, r.Body); !slices.Equal(got, bodyKeys) {
			t.Errorf("%s: body keys %v, want %v", typ, got, bodyKeys)
		}
		var b eventBody
		if err := json.Unmarshal(r.Body, &b); err != nil {
			t.Fatal(err)
		}
		stored := e.Client().CustomerEvent.GetX(all(), b.ID)
		d := deliveryOf(t, e.Env, b.ID)
		switch {
		case r.Header.Get(webhooks.EventIDHeader) != b.ID:
			t.Errorf("%s: event id header %q, body %q", typ, r.Header.Get(webhooks.EventIDHeader), b.ID)
		case r.Header.Get(webhooks.DeliveryIDHeader) != d.ID:
			t.Errorf("%s: delivery id header %q, want %q", typ, r.Header.Get(webhooks.DeliveryIDHeader), d.ID)
		case b.Type != typ || b.Tenant != "acme" || b.CustomerID != id:
			t.Errorf("%s: body %s", typ, r.Body)
		case stored.Sequence == nil || b.Sequence != *stored.Sequence:
			t.Errorf("%s: sequence %d, stored %v", typ, b.Sequence, stored.Sequence)
		case b.CreatedAt != stored.CreatedAt.UTC().Format(time.RFC3339Nano):
			t.Errorf("%s: createdAt %s, stored %s", typ, b.CreatedAt, stored.CreatedAt)
		case b.Actor == nil || *b.Actor != "test" || b.RequestID == nil || *b.RequestID != stored.RequestID:
			t.Errorf("%s: actor/requestId %v/%v", typ, b.Actor, b.RequestID)
		case len(b.Changes) == 0:
			t.Errorf("%s: no changes: %s", typ, r.Body)
		}
		for _, c := range b.Changes {
			if c.Personal && (c.Before != nil || c.After != nil) {
				t.Errorf("%s: personal field %s carries a value", typ, c.Field)
			}
		}
		if typ == schematype.EventCustomerStatusChanged {
			if b.RequestID == nil || *b.RequestID != rid || b.Reason == nil || *b.Reason != "DOCUMENTS_RECEIVED" {
				t.Errorf("the review's body: %s", r.Body)
			}
		}
		if strings.Contains(string(r.Body), "marcus") || strings.Contains(string(r.Body), `"note"`) {
			t.Errorf("%s: personal data in the body: %s", typ, r.Body)
		}
	}
}

// A receiver that answers 500 twice and then 200 gets the event on the
// third attempt; each attempt is recorded with its status and latency,
// and the endpoint's run of failures is reset by the success.
func TestWebhookRetriesUntilAccepted(t *testing.T) {
	env, tenantID := deliveryEnv(t, nil)
	rc := newReceiver(t, func(n int, _ *http.Request) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	epID, _ := createEndpoint(t, env, "acme", rc.URL)
	// An endpoint of another type, and one of another tenant, get nothing.
	otherType, _ := createEndpoint(t, env, "acme", rc.URL, schematype.EventCustomerRegistered)
	env.Tenant("globex")
	otherTenant, _ := createEndpoint(t, env, "globex", rc.URL)
	evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)[0]

	waitUntil(t, 10*time.Second, "the delivery succeeds", func() bool {
		return env.Client().WebhookDelivery.Query().
			Where(webhookdelivery.EventID(evID), webhookdelivery.StatusEQ(webhookdelivery.StatusSUCCEEDED)).ExistX(all())
	})
	d := deliveryOf(t, env, evID)
	if n := env.Client().WebhookDelivery.Query().Where(webhookdelivery.EndpointIDIn(otherType, otherTenant)).CountX(all()); n != 0 {
		t.Errorf("%d deliveries to endpoints that do not take the event", n)
	}
	if d.EndpointID != epID || d.EventType != schematype.EventCustomerUpdated || d.TenantID != tenantID {
		t.Errorf("delivery: %+v", d)
	}
	if d.Attempts != 3 || d.LastStatusCode == nil || *d.LastStatusCode != 200 || d.DeliveredAt == nil ||
		d.NextAttemptAt != nil || d.LeasedUntil != nil {
		t.Errorf("delivery after success: %+v", d)
	}
	as := attemptsOf(env, d.ID)
	if len(as) != 3 {
		t.Fatalf("%d attempts, want 3", len(as))
	}
	for i, want := range []struct {
		outcome webhookattempt.Outcome
		status  int
	}{{webhookattempt.OutcomeHTTP_ERROR, 500}, {webhookattempt.OutcomeHTTP_ERROR, 500}, {webhookattempt.OutcomeSUCCEEDED, 200}} {
		a := as[i]
		if a.Number != i+1 || a.Outcome != want.outcome || a.StatusCode == nil || *a.StatusCode != want.status ||
			a.LatencyMs < 0 || a.EndpointID != epID || a.EventID != evID || a.ResponseExcerpt != fmt.Sprintf("answer %d", i+1) {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
		if i > 0 && !a.StartedAt.After(as[i-1].StartedAt.Add(25*time.Millisecond)) {
			t.Errorf("attempt %d came %s after the one before: no backoff", i+1, a.StartedAt.Sub(as[i-1].StartedAt))
		}
	}
	if len(rc.requests()) != 3 {
		t.Errorf("the receiver saw %d requests, want 3", len(rc.requests()))
	}
	if ep := env.Client().WebhookEndpoint.GetX(all(), epID); ep.ConsecutiveFailures != 0 || ep.Status != "ENABLED" {
		t.Errorf("endpoint after the success: %d failures, %s", ep.ConsecutiveFailures, ep.Status)
	}

	// The tenant's operator sees the same story through the API.
	var log struct {
		WebhookDeliveries struct {
			Edges []struct {
				Node struct {
					Status     string
					Attempts   int
					AttemptLog []struct {
						Number     int
						StatusCode *int
						LatencyMs  int
						Outcome    string
					}
				}
			}
		}
	}
	env.Do(testutil.Request{Token: env.Token([]string{"acme"}, viewer.ScopeWebhooksManage), TenantKey: "acme",
		Query: `query($endpoint: ID!) { webhookDeliveries(endpointId: $endpoint, first: 10) { edges { node {
			status attempts attemptLog { number statusCode latencyMs outcome } } } } }`,
		Variables: map[string]any{"endpoint": epID}}).Into(t, &log)
	if n := len(log.WebhookDeliveries.Edges); n != 1 {
		t.Fatalf("webhookDeliveries: %d deliveries, want 1", n)
	}
	node := log.WebhookDeliveries.Edges[0].Node
	if node.Status != "SUCCEEDED" || node.Attempts != 3 || len(node.AttemptLog) != 3 {
		t.Fatalf("webhookDeliveries: %+v", node)
	}
	for i, want := range []struct {
		status  int
		outcome string
	}{{500, "HTTP_ERROR"}, {500, "HTTP_ERROR"}, {200, "SUCCEEDED"}} {
		a := node.AttemptLog[i]
		if a.Number != i+1 || a.StatusCode == nil || *a.StatusCode != want.status || a.Outcome != want.outcome || a.LatencyMs < 0 {
			t.Errorf("attemptLog[%d] = %+v, want number %d, status %d, %s", i, a, i+1, want.status, want.outcome)
		}
	}
}

// deliveryKey is the secret key env's delivery seals with.
func deliveryKey(env *testutil.Env) []byte { return env.Delivery.Webhooks.Settings.SecretKey }

// A redirect is the receiver's answer, a failure, and is not followed; a
// receiver slower than the timeout is a TIMEOUT.
func TestWebhookRedirectAndTimeoutFail(t *testing.T) {
	env, tenantID := deliveryEnv(t, func(o *testutil.Options) { o.Webhooks.Timeout = 300 * time.Millisecond })
	var elsewhere sync.WaitGroup
	redirect := newReceiver(t, func(_ int, r *http.Request) int {
		if r.URL.Path == "/elsewhere" {
			elsewhere.Add(1) // never expected
		}
		return http.StatusFound
	})
	slow := newReceiver(t, func(_ int, r *http.Request) int {
		select { // answer after the worker gave up, or when it hangs up
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
		return http.StatusOK
	})
	redirectID, _ := createEndpoint(t, env, "acme", redirect.URL+"/in", schematype.EventCustomerUpdated)
	slowID, _ := createEndpoint(t, env, "acme", slow.URL, schematype.EventCustomerUpdated)
	evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)[0]

	first := func(epID string) *ent.WebhookAttempt {
		as := env.Client().WebhookAttempt.Query().
			Where(webhookattempt.EndpointID(epID), webhookattempt.EventID(evID), webhookattempt.Number(1)).AllX(all())
		if len(as) == 0 {
			return nil
		}
		return as[0]
	}
	waitUntil(t, 10*time.Second, "both endpoints have an attempt", func() bool { return first(redirectID) != nil && first(slowID) != nil })
	if a := first(redirectID); a.Outcome != webhookattempt.OutcomeHTTP_ERROR || a.StatusCode == nil || *a.StatusCode != 302 {
		t.Errorf("redirect attempt: %+v", a)
	}
	for _, r := range redirect.requests() {
		if r.Status != http.StatusFound || !strings.HasPrefix(r.Header.Get("User-Agent"), "Onboard-Webhooks") {
			t.Errorf("the redirect was followed: %+v", r)
		}
	}
	a := first(slowID)
	if a.Outcome != webhookattempt.OutcomeTIMEOUT || a.StatusCode != nil || a.LatencyMs < 250 || a.LatencyMs > 2000 {
		t.Errorf("slow attempt: %+v", a)
	}
	if strings.Contains(a.Error, slow.URL) {
		t.Errorf("the error names the URL: %s", a.Error)
	}
	for _, id := range []string{redirectID, slowID} {
		d := env.Client().WebhookDelivery.Query().Where(webhookdelivery.EndpointID(id)).OnlyX(all())
		if d.Status != webhookdelivery.StatusPENDING || d.NextAttemptAt == nil {
			t.Errorf("a failed delivery is not retried: %+v", d)
		}
	}
}

// With loopback not allowed, a receiver on 127.0.0.1 is never reached:
// the https one is refused by the dialer after resolution, the http one
// before dialling (only https in production). Both are BLOCKED_ADDRESS.
func TestWebhookBlockedAddress(t *testing.T) {
	env, tenantID := deliveryEnv(t, func(o *testutil.Options) { o.Webhooks.AllowLoopback = false })
	key := deliveryKey(env)
	var hits sync.Map
	tlsRC := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Store("tls", true) }))
	t.Cleanup(tlsRC.Close)
	plain := newReceiver(t, nil)
	// A name, not an address: the check holds after DNS resolution.
	httpsURL := strings.Replace(tlsRC.URL, "127.0.0.1", "localhost", 1) + "/hook?token=secret-token"
	// The API refuses loopback URLs while loopback is not allowed (see
	// TestWebhookEndpointLoopback): only a direct insert can make the
	// endpoint whose delivery the worker must refuse.
	tlsID, _ := insertEndpointForTest(t, env, key, tenantID, httpsURL)
	plainID, _ := insertEndpointForTest(t, env, key, tenantID, plain.URL)
	evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)[0]

	for _, id := range []string{tlsID, plainID} {
		var as []*ent.WebhookAttempt
		waitUntil(t, 10*time.Second, "an attempt to "+id, func() bool {
			as = env.Client().WebhookAttempt.Query().Where(webhookattempt.EndpointID(id), webhookattempt.EventID(evID)).AllX(all())
			return len(as) > 0
		})
		if a := as[0]; a.Outcome != webhookattempt.OutcomeBLOCKED_ADDRESS || a.StatusCode != nil || a.Error == "" ||
			strings.Contains(a.Error, "secret-token") {
			t.Errorf("attempt to %s: %+v", id, a)
		}
	}
	if _, hit := hits.Load("tls"); hit || len(plain.requests()) > 0 {
		t.Errorf("a blocked receiver was reached")
	}
}

// An endpoint whose attempts fail DisableAfter times in a row is disabled
// with the reason in its log; it is sent nothing more, and new events get
// no deliveries to it.
func TestWebhookEndpointDisabledAfterFailures(t *testing.T) {
	env, tenantID := deliveryEnv(t, func(o *testutil.Options) {
		o.Webhooks.DisableAfter = 3
		o.Webhooks.DisableFailingFor = time.Millisecond // disabled by the count alone
	})
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusInternalServerError })
	epID, _ := createEndpoint(t, env, "acme", rc.URL)
	cus := newBareCustomer(t, env, tenantID)
	evID := appendEvents(t, env, tenantID, cus, 1, env.Delivery.Sequencer.Wake)[0]

	waitUntil(t, 10*time.Second, "the endpoint is disabled", func() bool {
		return env.Client().WebhookEndpoint.GetX(all(), epID).Status == "DISABLED"
	})
	ep := env.Client().WebhookEndpoint.GetX(all(), epID)
	want := "3 consecutive failed attempts; last: HTTP 500"
	if ep.DisabledReason != want || ep.DisabledAt == nil || ep.ConsecutiveFailures != 3 {
		t.Errorf("disabled endpoint: reason %q at %v, %d failures; want %q", ep.DisabledReason, ep.DisabledAt, ep.ConsecutiveFailures, want)
	}
	// The log: CREATED by the mutation, then DISABLED by the worker (no actor).
	changes := env.Client().WebhookEndpointChange.Query().Where(webhookendpointchange.EndpointID(epID)).
		Order(ent.Asc(webhookendpointchange.FieldID)).AllX(all())
	if len(changes) != 2 || changes[0].Type != webhookendpointchange.TypeCREATED || changes[1].Type != webhookendpointchange.TypeDISABLED ||
		changes[1].Reason != want || changes[1].Actor != "" || changes[1].TenantID != tenantID {
		t.Errorf("endpoint log: %+v", changes)
	}
	// And through the API, as the tenant's operator reads it.
	var listed struct {
		WebhookEndpoints struct {
			Edges []struct {
				Node struct {
					ID, Status     string
					DisabledReason *string
					Changes        []struct {
						Type   string
						Reason *string
					}
				}
			}
		}
	}
	env.Do(testutil.Request{Token: env.Token([]string{"acme"}, viewer.ScopeWebhooksManage), TenantKey: "acme",
		Query: `{ webhookEndpoints(first: 10) { edges { node { id status disabledReason changes { type reason } } } } }`}).Into(t, &listed)
	if n := len(listed.WebhookEndpoints.Edges); n != 1 {
		t.Fatalf("webhookEndpoints: %d endpoints, want 1", n)
	}
	node := listed.WebhookEndpoints.Edges[0].Node
	var disabled []string
	for _, c := range node.Changes {
		if c.Type == "DISABLED" && c.Reason != nil {
			disabled = append(disabled, *c.Reason)
		}
	}
	if node.ID != epID || node.Status != "DISABLED" || node.DisabledReason == nil || *node.DisabledReason != want ||
		len(node.Changes) != 2 || !slices.Equal(disabled, []string{want}) {
		t.Errorf("webhookEndpoints: %+v", node)
	}

	// A new event is sequenced without a delivery to the disabled
	// endpoint, and the pending one is not attempted again: after a
	// window of several backoffs and polls, still three attempts.
	later := appendEvents(t, env, tenantID, cus, 1, env.Delivery.Sequencer.Wake)[0]
	waitUntil(t, 10*time.Second, "the new event is sequenced", func() bool {
		return env.Client().CustomerEvent.GetX(all(), later).Sequence != nil
	})
	if n := env.Client().WebhookDelivery.Query().Where(webhookdelivery.EventID(later)).CountX(all()); n != 0 {
		t.Errorf("a disabled endpoint got %d new deliveries", n)
	}
	time.Sleep(500 * time.Millisecond) // an observation window, not a synchronisation
	d := deliveryOf(t, env, evID)
	if n := len(rc.requests()); n != 3 || d.Attempts != 3 || d.Status != webhookdelivery.StatusPENDING {
		t.Errorf("after disabling: %d requests, delivery %+v", n, d)
	}
}

// A delivery that keeps failing is FAILED once RetryFor has passed since
// its event, and is not tried again.
func TestWebhookRetryForExceededFails(t *testing.T) {
	env, tenantID := deliveryEnv(t, func(o *testutil.Options) { o.Webhooks.RetryFor = 400 * time.Millisecond })
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusServiceUnavailable })
	createEndpoint(t, env, "acme", rc.URL)
	evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)[0]

	waitUntil(t, 10*time.Second, "the delivery fails", func() bool {
		return env.Client().WebhookDelivery.Query().
			Where(webhookdelivery.EventID(evID), webhookdelivery.StatusEQ(webhookdelivery.StatusFAILED)).ExistX(all())
	})
	d := deliveryOf(t, env, evID)
	as := attemptsOf(env, d.ID)
	ev := env.Client().CustomerEvent.GetX(all(), evID)
	last := as[len(as)-1]
	if d.Attempts < 2 || d.Attempts != len(as) || d.NextAttemptAt != nil || d.DeliveredAt != nil ||
		last.StartedAt.Before(ev.SequencedAt.Add(400*time.Millisecond)) {
		t.Errorf("failed delivery: %+v, %d attempts, last at %s after sequencing", d, len(as), last.StartedAt.Sub(*ev.SequencedAt))
	}
	time.Sleep(300 * time.Millisecond) // an observation window, not a synchronisation
	if n := len(rc.requests()); n != d.Attempts {
		t.Errorf("the receiver saw %d requests after the delivery failed at %d attempts", n, d.Attempts)
	}
}

// startDelivery runs a second server's event work over db, stopped when
// the test ends.
func startDelivery(t *testing.T, db *database.DB, key []byte, metrics *observe.Metrics, edit func(*webhooks.Settings)) *server.Delivery {
	t.Helper()
	ev, wh := deliverySettings()
	wh.SecretKey = key
	if edit != nil {
		edit(&wh)
	}
	d, err := server.NewDelivery(db, ev, wh, metrics, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.Stop(ctx); err != nil {
			t.Errorf("stopping a delivery: %v", err)
		}
	})
	return d
}

// Events committed while their receiver is down, then a restart of the
// server's delivery: the new one delivers every event, each once. The
// receiver answers quickly, so no lease runs out mid-send and nothing is
// sent twice.
func TestWebhookRestartLosesNothing(t *testing.T) {
	env, tenantID := deliveryEnv(t, nil)
	var up sync.Mutex
	down := true
	rc := newReceiver(t, func(int, *http.Request) int {
		up.Lock()
		defer up.Unlock()
		if down {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	key := deliveryKey(env)
	createEndpoint(t, env, "acme", rc.URL)
	const n = 20
	ids := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), n, env.Delivery.Sequencer.Wake)
	waitUntil(t, 10*time.Second, "every delivery has failed once", func() bool {
		return env.Client().WebhookDelivery.Query().Where(webhookdelivery.AttemptsGTE(1)).CountX(all()) == n
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.Delivery.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	stopped := len(rc.requests())
	up.Lock()
	down = false
	up.Unlock()
	if len(rc.accepted()) != 0 {
		t.Fatal("an event was accepted while the receiver was down")
	}

	startDelivery(t, env.DB, key, nil, nil)
	waitUntil(t, 20*time.Second, "every event is accepted after the restart", func() bool {
		return len(rc.accepted()) == n
	})
	waitUntil(t, 10*time.Second, "every delivery is SUCCEEDED", func() bool {
		return env.Client().WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusSUCCEEDED)).CountX(all()) == n
	})
	got := rc.accepted()
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("event %s accepted %d times, want once", id, got[id])
		}
	}
	if stopped == len(rc.requests()) {
		t.Error("nothing was sent after the restart")
	}
}

// Two servers' workers on one PostgreSQL database share the queue: every
// event reaches the receiver exactly once.
func TestWebhookTwoWorkersDeliverEachEventOnce(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("two servers sharing a queue need PostgreSQL (TEST_DATABASE_URL): SQLite is one process's, and FOR UPDATE SKIP LOCKED is what is tested")
	}
	url := testutil.FreshSchema(t, base)
	env, tenantID := deliveryEnv(t, func(o *testutil.Options) { o.DatabaseURL = url })
	key := deliveryKey(env)
	db2, err := database.Open(database.Config{URL: url, MaxConns: 8}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	second := startDelivery(t, db2, key, nil, nil)

	rc := newReceiver(t, func(int, *http.Request) int {
		time.Sleep(2 * time.Millisecond) // long enough for both workers to be sending at once
		return http.StatusOK
	})
	createEndpoint(t, env, "acme", rc.URL)
	const n = 50
	cus := newBareCustomer(t, env, tenantID)
	// Half the commits wake one server's sequencer, half the other's.
	ids := appendEvents(t, env, tenantID, cus, n/2, env.Delivery.Sequencer.Wake)
	ids = append(ids, appendEvents(t, env, tenantID, cus, n/2, second.Sequencer.Wake)...)

	waitUntil(t, 20*time.Second, "every event is accepted", func() bool { return len(rc.accepted()) == n })
	waitUntil(t, 10*time.Second, "every delivery is SUCCEEDED", func() bool {
		return env.Client().WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusSUCCEEDED)).CountX(all()) == n
	})
	got := rc.accepted()
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("event %s accepted %d times, want once", id, got[id])
		}
	}
	if len(rc.requests()) != n {
		t.Errorf("the receiver saw %d requests for %d events", len(rc.requests()), n)
	}
	if a := env.Client().WebhookAttempt.Query().CountX(all()); a != n {
		t.Errorf("%d attempts recorded for %d deliveries", a, n)
	}
}

// Stopping the server waits for the attempt in flight: answered within
// the drain window, it is recorded as SUCCEEDED; cut short by the window's
// end, it is recorded as a TIMEOUT "server shutting down" and is due
// again.
func TestWebhookShutdownDrainsAttemptsInFlight(t *testing.T) {
	for _, tc := range []struct {
		name    string
		window  time.Duration
		outcome webhookattempt.Outcome
	}{
		{"answered within the window", 5 * time.Second, webhookattempt.OutcomeSUCCEEDED},
		{"cut short", 200 * time.Millisecond, webhookattempt.OutcomeTIMEOUT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, tenantID := deliveryEnv(t, nil)
			arrived, release := make(chan struct{}, 1), make(chan struct{})
			rc := newReceiver(t, func(_ int, r *http.Request) int {
				arrived <- struct{}{}
				select {
				case <-release:
					return http.StatusOK
				case <-r.Context().Done():
					return http.StatusServiceUnavailable // the worker hung up
				}
			})
			createEndpoint(t, env, "acme", rc.URL)
			evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)[0]
			select {
			case <-arrived:
			case <-time.After(10 * time.Second):
				t.Fatal("the attempt did not arrive")
			}
			ctx, cancel := context.WithTimeout(context.Background(), tc.window)
			defer cancel()
			stopped := make(chan error, 1)
			go func() { stopped <- env.Delivery.Stop(ctx) }()
			if tc.outcome == webhookattempt.OutcomeSUCCEEDED {
				select {
				case err := <-stopped:
					t.Fatalf("Stop returned (%v) with an attempt in flight", err)
				case <-time.After(100 * time.Millisecond): // Stop is waiting: answer now
				}
				close(release)
				if err := <-stopped; err != nil {
					t.Fatalf("Stop: %v", err)
				}
			} else {
				if err := <-stopped; err == nil {
					t.Fatal("Stop did not report the attempt it cut short")
				}
				defer close(release)
			}
			d := deliveryOf(t, env, evID)
			as := attemptsOf(env, d.ID)
			if len(as) != 1 || as[0].Outcome != tc.outcome {
				t.Fatalf("attempts after Stop: %+v\n%s", as, env.Logs())
			}
			switch tc.outcome {
			case webhookattempt.OutcomeSUCCEEDED:
				if d.Status != webhookdelivery.StatusSUCCEEDED {
					t.Errorf("delivery: %+v", d)
				}
			default:
				if as[0].Error != "server shutting down" || d.Status != webhookdelivery.StatusPENDING || d.NextAttemptAt == nil || d.LeasedUntil != nil {
					t.Errorf("cut short: attempt %+v, delivery %+v", as[0], d)
				}
				if ep := env.Client().WebhookEndpoint.Query().OnlyX(all()); ep.ConsecutiveFailures != 0 {
					t.Errorf("the shutdown counted against the endpoint: %d failures", ep.ConsecutiveFailures)
				}
			}
		})
	}
}

// The worker's metrics: attempts by outcome, their duration, the time
// from commit to the receiver's 2xx, and the pending deliveries.
func TestWebhookMetrics(t *testing.T) {
	// The env's own delivery does not run: a second one with its metrics
	// does, with the key the API seals with.
	env := testutil.NewWith(t, testutil.Options{Webhooks: webhooks.Settings{AllowLoopback: true}})
	tenantID := env.Tenant("acme")
	metrics := observe.NewMetrics(nil)
	d := startDelivery(t, env.DB, deliveryKey(env), metrics, nil)
	rc := newReceiver(t, func(n int, _ *http.Request) int {
		if n == 1 {
			return http.StatusBadGateway
		}
		return http.StatusOK
	})
	createEndpoint(t, env, "acme", rc.URL)
	evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, d.Sequencer.Wake)[0]
	waitUntil(t, 10*time.Second, "the delivery succeeds", func() bool {
		return env.Client().WebhookDelivery.Query().
			Where(webhookdelivery.EventID(evID), webhookdelivery.StatusEQ(webhookdelivery.StatusSUCCEEDED)).ExistX(all())
	})
	fams := scrape(t, metrics.Handler())
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"onboard_webhook_attempts_total", []string{"outcome", "HTTP_ERROR"}, 1},
		{"onboard_webhook_attempts_total", []string{"outcome", "SUCCEEDED"}, 1},
		{"onboard_webhook_attempt_duration_seconds", nil, 2},
		{"onboard_webhook_delivery_latency_seconds", nil, 1},
	} {
		if got := sample(fams, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if fams["onboard_webhook_queue_depth"] == nil {
		t.Error("no onboard_webhook_queue_depth")
	}
}

// Without WEBHOOK_SECRET_KEY the worker says so once and sends nothing:
// deliveries are made and wait for a server that can sign them.
func TestWebhookWorkerWithoutKeySendsNothing(t *testing.T) {
	// The API seals with the env's key; the worker started below has none.
	env := testutil.NewWith(t, testutil.Options{Webhooks: webhooks.Settings{AllowLoopback: true}})
	tenantID := env.Tenant("acme")
	rc := newReceiver(t, nil)
	createEndpoint(t, env, "acme", rc.URL)
	ev, wh := deliverySettings()
	logs := &testutil.SyncBuffer{}
	d, err := server.NewDelivery(env.DB, ev, wh, nil, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	d.Start()
	defer d.Stop(context.Background())
	evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, d.Sequencer.Wake)[0]
	waitUntil(t, 10*time.Second, "the delivery is made", func() bool {
		return env.Client().WebhookDelivery.Query().Where(webhookdelivery.EventID(evID)).ExistX(all())
	})
	time.Sleep(300 * time.Millisecond) // an observation window, not a synchronisation
	if n := len(rc.requests()); n != 0 || deliveryOf(t, env, evID).Attempts != 0 {
		t.Errorf("without a key: %d requests, %d attempts", n, deliveryOf(t, env, evID).Attempts)
	}
	if n := strings.Count(logs.String(), "WEBHOOK_SECRET_KEY is not set"); n != 1 {
		t.Errorf("the missing key is logged %d times, want once: %s", n, logs.String())
	}
}
