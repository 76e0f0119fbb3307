package server_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/ent"
	"onboard/ent/customerevent"
	"onboard/ent/webhookattempt"
	"onboard/ent/webhookdelivery"
	"onboard/ent/webhookendpointchange"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/internal/webhooks"
)

// The webhook endpoints' management API (issue 15, part C), through the
// real handler with real tokens, on SQLite or PostgreSQL.

const webhookEndpointFields = `id url description eventTypes status disabledReason disabledAt
	previousSecretExpiresAt consecutiveFailures createdBy changes { type actor requestID reason }`

const createWebhookEndpoint = `mutation($input: CreateWebhookEndpointInput!) {
	createWebhookEndpoint(input: $input) { secret endpoint { ` + webhookEndpointFields + ` } } }`

const updateWebhookEndpoint = `mutation($input: UpdateWebhookEndpointInput!) {
	updateWebhookEndpoint(input: $input) { endpoint { ` + webhookEndpointFields + ` } } }`

const rotateWebhookSecret = `mutation($input: RotateWebhookSecretInput!) {
	rotateWebhookSecret(input: $input) { secret endpoint { ` + webhookEndpointFields + ` } } }`

const redeliverEvent = `mutation($input: RedeliverEventInput!) {
	redeliverEvent(input: $input) { delivery { id status attempts nextAttemptAt redelivery eventType
		endpoint { id } event { id type } attemptLog { number } } } }`

const webhookDeliveriesQuery = `query($endpoint: ID!, $status: WebhookDeliveryStatus, $event: ID) {
	webhookDeliveries(endpointId: $endpoint, first: 10, status: $status, eventId: $event) {
		totalCount edges { node { id status redelivery event { id } } } } }`

type webhookEndpointJSON struct {
	ID, URL, Description    string
	EventTypes              []string
	Status                  string
	DisabledReason          *string
	DisabledAt              *time.Time
	PreviousSecretExpiresAt *time.Time
	ConsecutiveFailures     int
	CreatedBy               string
	Changes                 []struct {
		Type, Actor, RequestID string
		Reason                 *string
	}
}

func (ep webhookEndpointJSON) changeTypes() []string {
	out := []string{}
	for _, c := range ep.Changes {
		out = append(out, c.Type)
	}
	return out
}

// webhooksEnv is a tenant acme with the demo catalog, a registration
// token and a webhooks:manage token.
type webhooksEnv struct {
	*registrationEnv
	hooks string // webhooks:manage in acme
}

func newWebhooksEnv(t *testing.T, opts testutil.Options) *webhooksEnv {
	t.Helper()
	e := newRegistrationEnvWith(t, opts)
	return &webhooksEnv{registrationEnv: e, hooks: e.Token([]string{"acme"}, viewer.ScopeWebhooksManage)}
}

func (e *webhooksEnv) do(token, query string, vars map[string]any) *testutil.Response {
	return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: query, Variables: vars})
}

// create makes an endpoint at url and returns it with its secret.
func (e *webhooksEnv) create(t *testing.T, input map[string]any) (webhookEndpointJSON, string) {
	t.Helper()
	var got struct {
		CreateWebhookEndpoint struct {
			Secret   string
			Endpoint webhookEndpointJSON
		}
	}
	e.do(e.hooks, createWebhookEndpoint, map[string]any{"input": input}).Into(t, &got)
	return got.CreateWebhookEndpoint.Endpoint, got.CreateWebhookEndpoint.Secret
}

func (e *webhooksEnv) update(t *testing.T, input map[string]any) webhookEndpointJSON {
	t.Helper()
	var got struct {
		UpdateWebhookEndpoint struct{ Endpoint webhookEndpointJSON }
	}
	e.do(e.hooks, updateWebhookEndpoint, map[string]any{"input": input}).Into(t, &got)
	return got.UpdateWebhookEndpoint.Endpoint
}

func (e *webhooksEnv) rotate(t *testing.T, input map[string]any) (webhookEndpointJSON, string) {
	t.Helper()
	var got struct {
		RotateWebhookSecret struct {
			Secret   string
			Endpoint webhookEndpointJSON
		}
	}
	e.do(e.hooks, rotateWebhookSecret, map[string]any{"input": input}).Into(t, &got)
	return got.RotateWebhookSecret.Endpoint, got.RotateWebhookSecret.Secret
}

// row reads an endpoint straight from the database.
func (e *webhooksEnv) row(t *testing.T, id string) *ent.WebhookEndpoint {
	t.Helper()
	ep, err := e.Client().WebhookEndpoint.Get(e.As(e.tenantID), id)
	if err != nil {
		t.Fatalf("endpoint %s: %v", id, err)
	}
	return ep
}

// registeredEvent registers a customer and returns its registration event.
func (e *webhooksEnv) registeredEvent(t *testing.T, n int) string {
	t.Helper()
	in := testutil.Fixture(t, "finhub-individual.json")
	hostileReplaceStrings(in, "marcus.jensen@", fmt.Sprintf("hook%d@", n))
	var reg struct{ RegisterIndividual struct{ ID string } }
	e.register(in).Into(t, &reg)
	ev, err := e.Client().CustomerEvent.Query().
		Where(customerevent.CustomerID(reg.RegisterIndividual.ID), customerevent.Type("customer.registered")).
		Only(e.As(e.tenantID))
	if err != nil {
		t.Fatalf("registration event: %v", err)
	}
	return ev.ID
}

var webhookSafeID = regexp.MustCompile(`^evt_[0-9A-Za-z]+$`)

// sequence gives event id the sequence n, as the sequencer would: by raw
// SQL, the outbox's rows being append-only through ent.
func sequence(t *testing.T, env *testutil.Env, id string, n int64) {
	t.Helper()
	if !webhookSafeID.MatchString(id) {
		t.Fatalf("unexpected event id %q", id)
	}
	if _, err := env.DB.SQL.Exec(fmt.Sprintf(`UPDATE customer_events SET sequence = %d WHERE id = '%s'`, n, id)); err != nil {
		t.Fatalf("sequencing %s: %v", id, err)
	}
}

// wantProblems checks that r failed with exactly the problems want, as
// field → reason.
func wantProblems(t *testing.T, r *testutil.Response, code string, want map[string]string) {
	t.Helper()
	if r.Status != 200 || len(r.Errors) == 0 {
		t.Fatalf("want errors, got %d %s", r.Status, r.Raw)
	}
	got := map[string]string{}
	for _, e := range r.Errors {
		if e.Code() != code {
			t.Errorf("%s: code %s, want %s (%s)", e.Field(), e.Code(), code, e.Message)
		}
		got[e.Field()] = e.Reason()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems %v, want %v (%s)", got, want, r.Raw)
	}
}

// TestWebhookEndpointCreate: the secret comes once, sealed in the
// database (not the plaintext; the box opens it back), and no field of
// the API reads it again; event types are kept once each; the log has
// the creation by the token's subject.
func TestWebhookEndpointCreate(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{})
	ep, secret := e.create(t, map[string]any{"url": "HTTPS://Hooks.Example.com/onboard?x=1",
		"eventTypes":  []any{"customer.registered", "consent.accepted", "customer.registered"},
		"description": "  CRM sync  "})
	if !strings.HasPrefix(secret, webhooks.SecretPrefix) || len(secret) < len(webhooks.SecretPrefix)+40 {
		t.Errorf("secret %q", secret)
	}
	if ep.URL != "https://hooks.example.com/onboard?x=1" || ep.Description != "CRM sync" || ep.Status != "ENABLED" ||
		!slices.Equal(ep.EventTypes, []string{"customer.registered", "consent.accepted"}) || ep.CreatedBy != "test" {
		t.Errorf("endpoint %+v", ep)
	}
	if len(ep.Changes) != 1 || ep.Changes[0].Type != "CREATED" || ep.Changes[0].Actor != "test" || ep.Changes[0].RequestID == "" {
		t.Errorf("changes %+v", ep.Changes)
	}
	row := e.row(t, ep.ID)
	if row.Secret == secret || strings.Contains(row.Secret, secret) || strings.Contains(row.Secret, strings.TrimPrefix(secret, webhooks.SecretPrefix)) {
		t.Fatalf("the secret is stored in clear")
	}
	box := e.Delivery.Webhooks.Box
	if opened, err := box.Open(row.Secret); err != nil || opened != secret {
		t.Errorf("Open = %q, %v", opened, err)
	}
	// A second endpoint has a secret of its own.
	_, other := e.create(t, map[string]any{"url": "https://hooks.example.com/other"})
	if other == secret {
		t.Error("two endpoints got the same secret")
	}
	// No field reads the secret back.
	for _, q := range []string{`{ webhookEndpoints(first: 5) { edges { node { secret } } } }`,
		`{ webhookEndpoints(first: 5) { edges { node { previousSecret } } } }`} {
		r := e.do(e.hooks, q, nil)
		if len(r.Errors) == 0 || strings.Contains(r.Raw, secret) {
			t.Errorf("%s: %s", q, r.Raw)
		}
	}
	r := e.do(e.hooks, `{ webhookEndpoints(first: 5) { totalCount edges { node { id url eventTypes } } } }`, nil)
	if strings.Contains(r.Raw, secret) || strings.Contains(r.Raw, row.Secret) {
		t.Error("the list answers the secret")
	}
	var list struct {
		WebhookEndpoints struct {
			TotalCount int
			Edges      []struct{ Node webhookEndpointJSON }
		}
	}
	r.Into(t, &list)
	if list.WebhookEndpoints.TotalCount != 2 || list.WebhookEndpoints.Edges[1].Node.ID != ep.ID ||
		len(list.WebhookEndpoints.Edges[0].Node.EventTypes) != 0 {
		t.Errorf("newest first, every type for the second: %+v", list)
	}
	if strings.Contains(e.Logs(), secret) {
		t.Error("the log holds the secret")
	}
}

// TestWebhookEndpointValidation: every problem of a create is reported at
// once, each on its field, and nothing is written; the URL rules hold
// without WEBHOOK_ALLOW_LOOPBACK (production).
func TestWebhookEndpointValidation(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{})
	r := e.do(e.hooks, createWebhookEndpoint, map[string]any{"input": map[string]any{
		"url":         "http://hooks.example.com/onboard",
		"eventTypes":  []any{"customer.registered", "customer.deleted", "consent.accepted", "nope"},
		"description": strings.Repeat("d", 501)}})
	wantProblems(t, r, "BAD_USER_INPUT", map[string]string{"url": "HTTPS_REQUIRED", "eventTypes.1": "INVALID_VALUE",
		"eventTypes.3": "INVALID_VALUE", "description": "TOO_LONG"})
	tooMany := make([]any, 21)
	for i := range tooMany {
		tooMany[i] = "customer.registered"
	}
	for _, tc := range []struct {
		url, reason string
		types       []any
	}{
		{"https://user:secret@hooks.example.com/", "INVALID_URL", nil},
		{"https://:secret@hooks.example.com/", "INVALID_URL", nil},
		{"https://10.1.2.3/hook", "ADDRESS_NOT_ALLOWED", nil},
		{"https://192.168.0.10:8443/hook", "ADDRESS_NOT_ALLOWED", nil},
		{"https://169.254.169.254/latest/meta-data/", "ADDRESS_NOT_ALLOWED", nil},
		{"https://[fd00:ec2::254]/", "ADDRESS_NOT_ALLOWED", nil},
		{"https://[::ffff:10.0.0.1]/", "ADDRESS_NOT_ALLOWED", nil},
		{"https://127.0.0.1/hook", "ADDRESS_NOT_ALLOWED", nil},
		{"https://localhost/hook", "ADDRESS_NOT_ALLOWED", nil},
		{"http://127.0.0.1/hook", "ADDRESS_NOT_ALLOWED", nil},
		{"https://0.0.0.0/", "ADDRESS_NOT_ALLOWED", nil},
		{"https://2130706433/", "INVALID_URL", nil},
		{"https://0x7f.1/", "INVALID_URL", nil},
		{"https://intranet/hook", "INVALID_URL", nil},
		{"https://hooks.example.com/#top", "INVALID_URL", nil},
		{"ftp://hooks.example.com/", "INVALID_URL", nil},
		{"/relative/hook", "INVALID_URL", nil},
		{"hooks.example.com/hook", "INVALID_URL", nil},
		{"https://hooks.example.com:99999/", "INVALID_URL", nil},
		{"https://hooks.example.com/" + strings.Repeat("a", 2048), "TOO_LONG", nil},
		{"   ", "REQUIRED", nil},
		{"https://hooks.example.com/\u200b", "INVISIBLE_CHARACTER", nil},
	} {
		r := e.do(e.hooks, createWebhookEndpoint, map[string]any{"input": map[string]any{"url": tc.url}})
		wantProblems(t, r, "BAD_USER_INPUT", map[string]string{"url": tc.reason})
		if strings.Contains(r.Raw, "secret@") {
			t.Errorf("%s: the answer repeats the URL", tc.url)
		}
	}
	r = e.do(e.hooks, createWebhookEndpoint, map[string]any{"input": map[string]any{"url": "https://hooks.example.com/", "eventTypes": tooMany}})
	wantProblems(t, r, "BAD_USER_INPUT", map[string]string{"eventTypes": "TOO_MANY"})
	if n := e.Client().WebhookEndpoint.Query().CountX(e.As(e.tenantID)); n != 0 {
		t.Errorf("%d endpoints written by refused requests", n)
	}
	if n := e.Client().WebhookEndpointChange.Query().CountX(e.As(e.tenantID)); n != 0 {
		t.Errorf("%d log entries written by refused requests", n)
	}
	// A public IP literal is an address like any other.
	e.create(t, map[string]any{"url": "https://93.184.216.34/hook"})
}

// TestWebhookEndpointLoopback: with WEBHOOK_ALLOW_LOOPBACK (development,
// tests) loopback URLs are taken, over http too; nothing else relaxes.
func TestWebhookEndpointLoopback(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{Webhooks: webhooks.Settings{AllowLoopback: true}})
	for _, u := range []string{"http://127.0.0.1:9999/hook", "http://localhost:9999/hook", "http://[::1]:9/hook", "https://127.0.0.1/h"} {
		if ep, _ := e.create(t, map[string]any{"url": u}); ep.ID == "" {
			t.Errorf("%s refused", u)
		}
	}
	for u, reason := range map[string]string{"http://hooks.example.com/": "HTTPS_REQUIRED", "https://10.0.0.1/": "ADDRESS_NOT_ALLOWED",
		"http://10.0.0.1/": "ADDRESS_NOT_ALLOWED", "https://169.254.169.254/": "ADDRESS_NOT_ALLOWED"} {
		wantProblems(t, e.do(e.hooks, createWebhookEndpoint, map[string]any{"input": map[string]any{"url": u}}),
			"BAD_USER_INPUT", map[string]string{"url": reason})
	}
}

// TestWebhookEndpointUpdate: each kind of change is one entry (UPDATED,
// DISABLED, ENABLED) in the same transaction; a change to what is
// already there writes nothing; enabling resets the run of failures.
func TestWebhookEndpointUpdate(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{})
	ep, _ := e.create(t, map[string]any{"url": "https://hooks.example.com/a", "description": "first"})
	entries := func() int { return e.Client().WebhookEndpointChange.Query().CountX(e.As(e.tenantID)) }

	got := e.update(t, map[string]any{"endpointId": ep.ID, "description": "second", "eventTypes": []any{"customer.updated"}})
	if got.Description != "second" || !slices.Equal(got.EventTypes, []string{"customer.updated"}) ||
		!slices.Equal(got.changeTypes(), []string{"UPDATED", "CREATED"}) {
		t.Errorf("after an update: %+v", got)
	}
	// The same values again, and a bare reason: nothing changes.
	got = e.update(t, map[string]any{"endpointId": ep.ID, "description": "second", "eventTypes": []any{"customer.updated"},
		"url": "https://hooks.example.com/a", "enabled": true, "reason": "no-op"})
	if len(got.Changes) != 2 || entries() != 2 {
		t.Errorf("a change to the same values wrote an entry: %v", got.changeTypes())
	}
	// An empty list: every type; an empty description clears it.
	got = e.update(t, map[string]any{"endpointId": ep.ID, "eventTypes": []any{}, "description": ""})
	if len(got.EventTypes) != 0 || got.Description != "" || len(got.Changes) != 3 {
		t.Errorf("clearing: %+v", got)
	}

	got = e.update(t, map[string]any{"endpointId": ep.ID, "enabled": false, "reason": "maintenance window"})
	if got.Status != "DISABLED" || got.DisabledReason == nil || *got.DisabledReason != "maintenance window" || got.DisabledAt == nil ||
		got.Changes[0].Type != "DISABLED" || got.Changes[0].Reason == nil || *got.Changes[0].Reason != "maintenance window" {
		t.Errorf("disabled: %+v", got)
	}
	if got = e.update(t, map[string]any{"endpointId": ep.ID, "enabled": false}); len(got.Changes) != 4 {
		t.Errorf("disabling a disabled endpoint wrote an entry: %v", got.changeTypes())
	}
	// The worker's run of failures, then the tenant enables it.
	if err := e.Client().WebhookEndpoint.UpdateOneID(ep.ID).SetConsecutiveFailures(7).Exec(e.As(e.tenantID)); err != nil {
		t.Fatal(err)
	}
	got = e.update(t, map[string]any{"endpointId": ep.ID, "enabled": true})
	if got.Status != "ENABLED" || got.ConsecutiveFailures != 0 || (got.DisabledReason != nil && *got.DisabledReason != "") || got.DisabledAt != nil ||
		got.Changes[0].Type != "ENABLED" {
		t.Errorf("enabled: %+v", got)
	}
	// A URL change and a disabling at once: two entries; no reason: who.
	got = e.update(t, map[string]any{"endpointId": ep.ID, "url": "https://hooks.example.com/b", "enabled": false})
	if got.URL != "https://hooks.example.com/b" || got.Status != "DISABLED" || got.DisabledReason == nil ||
		*got.DisabledReason != "disabled by test" || !slices.Equal(got.changeTypes()[:2], []string{"DISABLED", "UPDATED"}) {
		t.Errorf("url and disabling: %+v", got)
	}
	var page struct {
		UpdateWebhookEndpoint struct {
			Endpoint struct{ Changes []struct{ Type string } }
		}
	}
	e.do(e.hooks, `mutation($id: ID!) { updateWebhookEndpoint(input: {endpointId: $id}) { endpoint { changes(first: 2) { type } } } }`,
		map[string]any{"id": ep.ID}).Into(t, &page)
	if len(page.UpdateWebhookEndpoint.Endpoint.Changes) != 2 {
		t.Errorf("changes(first: 2): %+v", page)
	}

	// Refused: every problem at once, nothing changed.
	before := entries()
	r := e.do(e.hooks, updateWebhookEndpoint, map[string]any{"input": map[string]any{"endpointId": ep.ID,
		"url": "https://10.0.0.1/", "eventTypes": []any{"bogus"}, "reason": strings.Repeat("r", 501)}})
	wantProblems(t, r, "BAD_USER_INPUT", map[string]string{"url": "ADDRESS_NOT_ALLOWED", "eventTypes.0": "INVALID_VALUE", "reason": "TOO_LONG"})
	if row := e.row(t, ep.ID); row.URL != "https://hooks.example.com/b" || entries() != before {
		t.Errorf("a refused update changed the endpoint: %s, %d entries", row.URL, entries())
	}
	for _, id := range []string{"whe_01JZZZZZZZZZZZZZZZZZZZZZZZ", "nonsense", ""} {
		wantProblems(t, e.do(e.hooks, updateWebhookEndpoint, map[string]any{"input": map[string]any{"endpointId": id, "enabled": true}}),
			"NOT_FOUND", map[string]string{"endpointId": "NOT_FOUND"})
	}
}

// TestWebhookSecretRotation: the old secret signs beside the new one for
// the overlap, then alone the new one does; 0 ends the old one at once;
// the overlap is bounded.
func TestWebhookSecretRotation(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{})
	box := e.Delivery.Webhooks.Box
	ep, first := e.create(t, map[string]any{"url": "https://hooks.example.com/r"})
	if secrets, err := box.SigningSecrets(e.row(t, ep.ID), time.Now()); err != nil || !slices.Equal(secrets, []string{first}) {
		t.Fatalf("before rotation: %v, %v", secrets, err)
	}
	start := time.Now()
	got, second := e.rotate(t, map[string]any{"endpointId": ep.ID, "overlapSeconds": 3600})
	if second == first || !strings.HasPrefix(second, webhooks.SecretPrefix) || got.PreviousSecretExpiresAt == nil ||
		got.PreviousSecretExpiresAt.Before(start.Add(time.Hour-time.Second)) || got.PreviousSecretExpiresAt.After(time.Now().Add(time.Hour+time.Second)) ||
		got.Changes[0].Type != "SECRET_ROTATED" {
		t.Fatalf("rotated: %+v", got)
	}
	row := e.row(t, ep.ID)
	secrets, err := box.SigningSecrets(row, time.Now())
	if err != nil || !slices.Equal(secrets, []string{second, first}) {
		t.Errorf("during the overlap: %v, %v", secrets, err)
	}
	// A receiver holding either secret verifies the signature.
	body := []byte(`{"id":"evt_1"}`)
	sig := webhooks.Signature(secrets, time.Now(), body)
	for _, s := range []string{first, second} {
		if !verifySignature(sig, s, body, time.Now()) {
			t.Errorf("a receiver with one of the secrets cannot verify %s", sig)
		}
	}
	if secrets, _ := box.SigningSecrets(row, row.PreviousSecretExpiresAt.Add(time.Second)); !slices.Equal(secrets, []string{second}) {
		t.Errorf("after the overlap: %v", secrets)
	}
	// The default overlap is a day.
	got, third := e.rotate(t, map[string]any{"endpointId": ep.ID})
	if got.PreviousSecretExpiresAt == nil || got.PreviousSecretExpiresAt.Before(time.Now().Add(24*time.Hour-time.Minute)) {
		t.Errorf("default overlap: %+v", got.PreviousSecretExpiresAt)
	}
	if secrets, _ := box.SigningSecrets(e.row(t, ep.ID), time.Now()); !slices.Equal(secrets, []string{third, second}) {
		t.Errorf("a second rotation keeps the last two: %v", secrets)
	}
	// 0: the old secret stops at once.
	got, fourth := e.rotate(t, map[string]any{"endpointId": ep.ID, "overlapSeconds": 0})
	if got.PreviousSecretExpiresAt != nil {
		t.Errorf("overlap 0 left a previous secret until %v", got.PreviousSecretExpiresAt)
	}
	if secrets, _ := box.SigningSecrets(e.row(t, ep.ID), time.Now()); !slices.Equal(secrets, []string{fourth}) {
		t.Errorf("after overlap 0: %v", secrets)
	}
	for _, n := range []int{-1, 604801} {
		wantProblems(t, e.do(e.hooks, rotateWebhookSecret, map[string]any{"input": map[string]any{"endpointId": ep.ID, "overlapSeconds": n}}),
			"BAD_USER_INPUT", map[string]string{"overlapSeconds": "OUT_OF_RANGE"})
	}
	if got, _ := e.rotate(t, map[string]any{"endpointId": ep.ID, "overlapSeconds": 604800}); got.PreviousSecretExpiresAt == nil {
		t.Error("the longest overlap was refused")
	}
	n := e.Client().WebhookEndpointChange.Query().Where(webhookendpointchange.TypeEQ("SECRET_ROTATED")).CountX(e.As(e.tenantID))
	if n != 4 {
		t.Errorf("%d SECRET_ROTATED entries, want 4", n)
	}
}

// verifySignature is what a receiver does with one secret (the README's
// receiver is internal/webhooks/example_receiver_test.go): some v1 of
// the header is the HMAC of "t.body".
func verifySignature(header, secret string, body []byte, now time.Time) bool {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if ts != strconv.FormatInt(now.Unix(), 10) {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))
	return slices.ContainsFunc(sigs, func(s string) bool { return hmac.Equal([]byte(s), []byte(want)) })
}

// TestWebhookRedeliver: a sequenced event of the tenant is sent again as
// a new pending delivery, logged; an unsequenced one is CONFLICT, another
// tenant's NOT_FOUND, a disabled endpoint CONFLICT.
func TestWebhookRedeliver(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{})
	ep, _ := e.create(t, map[string]any{"url": "https://hooks.example.com/d", "eventTypes": []any{"consent.accepted"}})
	evt := e.registeredEvent(t, 1)
	redeliver := func(event, endpoint string) *testutil.Response {
		return e.do(e.hooks, redeliverEvent, map[string]any{"input": map[string]any{"eventId": event, "endpointId": endpoint}})
	}
	wantProblems(t, redeliver(evt, ep.ID), "CONFLICT", map[string]string{"eventId": "EVENT_NOT_SEQUENCED"})
	sequence(t, e.Env, evt, 1)

	var got struct {
		RedeliverEvent struct {
			Delivery struct {
				ID, Status, EventType string
				Attempts              int
				NextAttemptAt         *time.Time
				Redelivery            bool
				Endpoint, Event       struct{ ID string }
				AttemptLog            []struct{ Number int }
			}
		}
	}
	redeliver(evt, ep.ID).Into(t, &got)
	d := got.RedeliverEvent.Delivery
	if d.Status != "PENDING" || !d.Redelivery || d.NextAttemptAt == nil || d.NextAttemptAt.After(time.Now().Add(time.Second)) ||
		d.Endpoint.ID != ep.ID || d.Event.ID != evt || d.EventType != "customer.registered" || d.Attempts != 0 || len(d.AttemptLog) != 0 {
		t.Errorf("delivery %+v", d)
	}
	row, err := e.Client().WebhookDelivery.Get(e.As(e.tenantID), d.ID)
	if err != nil || row.Status != webhookdelivery.StatusPENDING || !row.Redelivery || row.LeasedUntil != nil {
		t.Errorf("delivery row %+v, %v", row, err)
	}
	entry, err := e.Client().WebhookEndpointChange.Query().Where(webhookendpointchange.TypeEQ("REDELIVERY_REQUESTED")).Only(e.As(e.tenantID))
	if err != nil || !strings.Contains(entry.Reason, evt) || !strings.Contains(entry.Reason, d.ID) || entry.Actor != "test" {
		t.Errorf("entry %+v, %v", entry, err)
	}
	// A second redelivery is a delivery of its own.
	redeliver(evt, ep.ID).Into(t, &got)
	if got.RedeliverEvent.Delivery.ID == d.ID {
		t.Error("a second redelivery reused the first")
	}

	// The delivery log: newest first, filtered by status and event.
	var list struct {
		WebhookDeliveries struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID, Status string
					Redelivery bool
				}
			}
		}
	}
	e.do(e.hooks, webhookDeliveriesQuery, map[string]any{"endpoint": ep.ID}).Into(t, &list)
	if list.WebhookDeliveries.TotalCount != 2 || list.WebhookDeliveries.Edges[1].Node.ID != d.ID {
		t.Errorf("deliveries %+v", list)
	}
	e.do(e.hooks, webhookDeliveriesQuery, map[string]any{"endpoint": ep.ID, "status": "SUCCEEDED"}).Into(t, &list)
	if list.WebhookDeliveries.TotalCount != 0 {
		t.Errorf("SUCCEEDED deliveries %+v", list)
	}
	e.do(e.hooks, webhookDeliveriesQuery, map[string]any{"endpoint": ep.ID, "status": "PENDING", "event": evt}).Into(t, &list)
	if list.WebhookDeliveries.TotalCount != 2 {
		t.Errorf("the event's PENDING deliveries %+v", list)
	}

	// Another tenant's event does not exist for acme.
	otherEvent := e.rivalEvent(t)
	sequence(t, e.Env, otherEvent, 2)
	wantProblems(t, redeliver(otherEvent, ep.ID), "NOT_FOUND", map[string]string{"eventId": "NOT_FOUND"})
	wantProblems(t, redeliver("evt_01JZZZZZZZZZZZZZZZZZZZZZZZ", ep.ID), "NOT_FOUND", map[string]string{"eventId": "NOT_FOUND"})
	wantProblems(t, redeliver(evt, "whe_01JZZZZZZZZZZZZZZZZZZZZZZZ"), "NOT_FOUND", map[string]string{"endpointId": "NOT_FOUND"})

	e.update(t, map[string]any{"endpointId": ep.ID, "enabled": false})
	wantProblems(t, redeliver(evt, ep.ID), "CONFLICT", map[string]string{"endpointId": "ENDPOINT_DISABLED"})
	if n := e.Client().WebhookDelivery.Query().CountX(e.As(e.tenantID)); n != 2 {
		t.Errorf("%d deliveries, want the two redeliveries", n)
	}
}

// rivalEvent registers a customer in a tenant rival (made with its own
// catalog) and returns its registration event.
func (e *webhooksEnv) rivalEvent(t *testing.T) string {
	t.Helper()
	rival := e.Tenant("rival")
	if err := demo.SeedCatalog(e.As(rival), e.Client()); err != nil {
		t.Fatal(err)
	}
	var reg struct{ RegisterIndividual struct{ ID string } }
	e.Do(testutil.Request{Token: e.Token([]string{"rival"}, "customers:register", "customers:read"), TenantKey: "rival",
		Query: registerIndividual, Variables: map[string]any{"input": testutil.Fixture(t, "finhub-individual.json")}}).Into(t, &reg)
	ev, err := e.Client().CustomerEvent.Query().Where(customerevent.CustomerID(reg.RegisterIndividual.ID)).First(e.As(rival))
	if err != nil {
		t.Fatal(err)
	}
	return ev.ID
}

// TestWebhookTenantIsolation: another tenant, holding webhooks:manage,
// can neither read, update, rotate, redeliver to, nor list the
// deliveries of acme's endpoint: each is NOT_FOUND, and nothing changes.
func TestWebhookTenantIsolation(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{})
	ep, _ := e.create(t, map[string]any{"url": "https://hooks.example.com/secret-acme-hook"})
	evt := e.registeredEvent(t, 1)
	sequence(t, e.Env, evt, 1)
	e.Tenant("rival")
	rival := e.Token([]string{"rival"}, viewer.ScopeWebhooksManage, viewer.ScopeCustomersRead)
	as := func(query string, vars map[string]any) *testutil.Response {
		return e.Do(testutil.Request{Token: rival, TenantKey: "rival", Query: query, Variables: vars})
	}
	wantProblems(t, as(updateWebhookEndpoint, map[string]any{"input": map[string]any{"endpointId": ep.ID, "enabled": false}}),
		"NOT_FOUND", map[string]string{"endpointId": "NOT_FOUND"})
	wantProblems(t, as(rotateWebhookSecret, map[string]any{"input": map[string]any{"endpointId": ep.ID}}),
		"NOT_FOUND", map[string]string{"endpointId": "NOT_FOUND"})
	wantProblems(t, as(redeliverEvent, map[string]any{"input": map[string]any{"eventId": evt, "endpointId": ep.ID}}),
		"NOT_FOUND", map[string]string{"eventId": "NOT_FOUND"})
	r := as(webhookDeliveriesQuery, map[string]any{"endpoint": ep.ID})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" || r.Errors[0].Field() != "endpointId" {
		t.Errorf("rival's deliveries of acme's endpoint: %s", r.Raw)
	}
	r = as(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": ep.ID})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("rival's node(acme's endpoint): %s", r.Raw)
	}
	r = as(`{ webhookEndpoints(first: 10) { totalCount edges { node { id } } } }`, nil)
	if len(r.Errors) != 0 || !strings.Contains(r.Raw, `"totalCount":0`) {
		t.Errorf("rival's list: %s", r.Raw)
	}
	row := e.row(t, ep.ID)
	if row.Status != "ENABLED" || row.PreviousSecret != "" || e.Client().WebhookEndpointChange.Query().CountX(e.As(e.tenantID)) != 1 ||
		e.Client().WebhookDelivery.Query().CountX(e.As(e.tenantID)) != 0 {
		t.Errorf("the rival changed acme's endpoint: %+v", row)
	}
	if strings.Contains(r.Raw, "secret-acme-hook") {
		t.Error("the rival read acme's URL")
	}
}

// TestWebhooksNeedTheScope: without webhooks:manage (every other scope
// held) each operation, and node(id:) of an endpoint, is FORBIDDEN /
// MISSING_SCOPE and writes nothing.
func TestWebhooksNeedTheScope(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{})
	ep, _ := e.create(t, map[string]any{"url": "https://hooks.example.com/s"})
	others := e.Token([]string{"acme"}, append(slices.Clone(testutil.AllScopes), viewer.ScopeEventsRead)...)
	for name, c := range map[string]struct {
		query string
		vars  map[string]any
	}{
		"create":     {createWebhookEndpoint, map[string]any{"input": map[string]any{"url": "https://hooks.example.com/x"}}},
		"update":     {updateWebhookEndpoint, map[string]any{"input": map[string]any{"endpointId": ep.ID, "enabled": false}}},
		"rotate":     {rotateWebhookSecret, map[string]any{"input": map[string]any{"endpointId": ep.ID}}},
		"redeliver":  {redeliverEvent, map[string]any{"input": map[string]any{"eventId": "evt_01JZZZZZZZZZZZZZZZZZZZZZZZ", "endpointId": ep.ID}}},
		"endpoints":  {`{ webhookEndpoints(first: 5) { edges { node { id } } } }`, nil},
		"deliveries": {webhookDeliveriesQuery, map[string]any{"endpoint": ep.ID}},
		// node asks only customers:read, which the token holds.
		"node": {`query($id: ID!) { node(id: $id) { id ... on WebhookEndpoint { url } } }`, map[string]any{"id": ep.ID}},
	} {
		r := e.do(others, c.query, c.vars)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Reason() != "MISSING_SCOPE" {
			t.Errorf("%s without webhooks:manage: %s", name, r.Raw)
		}
	}
	both := e.Token([]string{"acme"}, viewer.ScopeWebhooksManage, viewer.ScopeCustomersRead)
	if r := e.do(both, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": ep.ID}); len(r.Errors) != 0 {
		t.Errorf("node with webhooks:manage: %s", r.Raw)
	}
	row := e.row(t, ep.ID)
	if row.Status != "ENABLED" || row.PreviousSecret != "" || e.Client().WebhookEndpoint.Query().CountX(e.As(e.tenantID)) != 1 {
		t.Errorf("a refused request wrote: %+v", row)
	}
}

// TestWebhooksNotConfigured: a server without WEBHOOK_SECRET_KEY cannot
// keep secrets: creating and rotating are UNAVAILABLE, naming the
// variable; the rest works.
func TestWebhooksNotConfigured(t *testing.T) {
	e := newWebhooksEnv(t, testutil.Options{})
	ep, _ := e.create(t, map[string]any{"url": "https://hooks.example.com/n"})
	e.Delivery.Webhooks.Box = nil
	for _, r := range []*testutil.Response{
		e.do(e.hooks, createWebhookEndpoint, map[string]any{"input": map[string]any{"url": "https://hooks.example.com/m"}}),
		e.do(e.hooks, rotateWebhookSecret, map[string]any{"input": map[string]any{"endpointId": ep.ID}}),
	} {
		if len(r.Errors) != 1 || r.Errors[0].Code() != "UNAVAILABLE" || r.Errors[0].Reason() != "WEBHOOKS_NOT_CONFIGURED" ||
			!strings.Contains(r.Errors[0].Message, "WEBHOOK_SECRET_KEY") {
			t.Errorf("without a key: %s", r.Raw)
		}
	}
	if got := e.update(t, map[string]any{"endpointId": ep.ID, "enabled": false}); got.Status != "DISABLED" {
		t.Errorf("update without a key: %+v", got)
	}
}

// TestWebhookLogStatementsAreFlat: an endpoint's log and a delivery's
// attempts are read for the whole page at once: the statements of a page
// do not grow with its size.
func TestWebhookLogStatementsAreFlat(t *testing.T) {
	counter := &sqlCounter{}
	e := newWebhooksEnv(t, testutil.Options{WrapDriver: counter.Wrap})
	var first webhookEndpointJSON
	for i := range 12 {
		ep, _ := e.create(t, map[string]any{"url": fmt.Sprintf("https://hooks.example.com/%d", i)})
		e.update(t, map[string]any{"endpointId": ep.ID, "description": "changed"})
		e.update(t, map[string]any{"endpointId": ep.ID, "enabled": false})
		if i == 0 {
			first = ep
		}
	}
	evt := e.registeredEvent(t, 1)
	ctx := e.As(e.tenantID)
	for i := range 12 {
		d := e.Client().WebhookDelivery.Create().SetEndpointID(first.ID).SetEventID(evt).SetEventType("customer.registered").
			SetAttempts(2).SaveX(ctx)
		for n := 1; n <= 2; n++ {
			e.Client().WebhookAttempt.Create().SetDeliveryID(d.ID).SetEndpointID(first.ID).SetEventID(evt).SetNumber(n).
				SetStartedAt(time.Now()).SetLatencyMs(10 + i).SetOutcome(webhookattempt.OutcomeHTTP_ERROR).SetStatusCode(500).SaveX(ctx)
		}
	}
	measure := func(query string, vars map[string]any, check func(json.RawMessage)) int64 {
		counter.Reset()
		r := e.do(e.hooks, query, vars)
		n := counter.Count()
		if len(r.Errors) > 0 {
			t.Fatalf("%s", r.Raw)
		}
		check(r.Data)
		return n
	}
	endpoints := `query($n: Int!) { webhookEndpoints(first: $n) { edges { node { id changes(first: 5) { type } } } } }`
	count := map[int]int64{}
	for _, n := range []int{2, 12} {
		count[n] = measure(endpoints, map[string]any{"n": n}, func(data json.RawMessage) {
			var d struct {
				WebhookEndpoints struct {
					Edges []struct{ Node webhookEndpointJSON }
				}
			}
			_ = json.Unmarshal(data, &d)
			if len(d.WebhookEndpoints.Edges) != n {
				t.Fatalf("%d endpoints, want %d", len(d.WebhookEndpoints.Edges), n)
			}
			for _, edge := range d.WebhookEndpoints.Edges {
				if !slices.Equal(edge.Node.changeTypes(), []string{"DISABLED", "UPDATED", "CREATED"}) {
					t.Fatalf("changes %v", edge.Node.changeTypes())
				}
			}
		})
	}
	if count[2] != count[12] {
		t.Errorf("endpoints with their logs: %d statements for 2, %d for 12", count[2], count[12])
	}
	deliveries := `query($id: ID!, $n: Int!) { webhookDeliveries(endpointId: $id, first: $n) { edges { node { id attemptLog { number statusCode outcome } } } } }`
	for _, n := range []int{2, 12} {
		count[n] = measure(deliveries, map[string]any{"id": first.ID, "n": n}, func(data json.RawMessage) {
			var d struct {
				WebhookDeliveries struct {
					Edges []struct {
						Node struct {
							AttemptLog []struct {
								Number, StatusCode int
								Outcome            string
							}
						}
					}
				}
			}
			_ = json.Unmarshal(data, &d)
			if len(d.WebhookDeliveries.Edges) != n {
				t.Fatalf("%d deliveries, want %d", len(d.WebhookDeliveries.Edges), n)
			}
			for _, edge := range d.WebhookDeliveries.Edges {
				if a := edge.Node.AttemptLog; len(a) != 2 || a[0].Number != 1 || a[1].Number != 2 || a[0].StatusCode != 500 || a[0].Outcome != "HTTP_ERROR" {
					t.Fatalf("attempts %+v", a)
				}
			}
		})
	}
	if count[2] != count[12] {
		t.Errorf("deliveries with their attempts: %d statements for 2, %d for 12", count[2], count[12])
	}
}
