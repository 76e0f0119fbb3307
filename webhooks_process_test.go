package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"onboard/internal/testutil"
)

// Two real server processes on one PostgreSQL database share the
// sequencer (the advisory lock) and the delivery queue (FOR UPDATE SKIP
// LOCKED, leases): every event reaches the receiver exactly once, signed,
// whichever process took the request, and also when one of them is
// stopped with deliveries in flight.

// hookProcess is one `onboard serve` child process.
type hookProcess struct {
	name string
	base string
	cmd  *exec.Cmd
	logs *testutil.SyncBuffer
	done chan error // the process's exit, once
}

func startHookProcess(t *testing.T, name string, vars map[string]string) *hookProcess {
	t.Helper()
	addr := freePort(t)
	env := []string{"ADDR=" + addr, "DATA_DIR=" + t.TempDir()}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	p := &hookProcess{name: name, base: "http://" + addr, cmd: onboardProcess(t, "serve", env...),
		logs: &testutil.SyncBuffer{}, done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(p.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not become ready: %s", name, p.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and wants exit status 0 within within.
func (p *hookProcess) stop(t *testing.T, within time.Duration) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("%s exited with %v after SIGTERM: %s", p.name, err, p.logs)
		}
	case <-time.After(within):
		t.Errorf("%s did not exit within %s of SIGTERM: %s", p.name, within, p.logs)
	}
}

// gql posts query to the process and decodes data into out, failing the
// test on any GraphQL error.
func (p *hookProcess) gql(t *testing.T, token, tenant, query string, vars map[string]any, out any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, p.base+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if tenant != "" {
		req.Header.Set("X-Tenant-ID", tenant)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s: %v", p.name, err)
		return
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
		t.Errorf("%s: %d %s", p.name, resp.StatusCode, raw)
		return
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Errorf("%s: decoding %s: %v", p.name, r.Data, err)
		}
	}
}

// processToken mints a token with the token command.
func processToken(t *testing.T, tenant, scopes string) string {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), []string{"token", "--tenant", tenant, "--scope", scopes},
		env(map[string]string{"JWT_SECRET": testutil.Secret, "DATA_DIR": t.TempDir()}), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out.String())
}

// hookReceiver counts the deliveries it accepts by Onboard-Event-Id and
// checks each signature with the endpoint's secret, as a customer's
// receiver would. hold delays each answer (a slow receiver keeps attempts
// in flight).
type hookReceiver struct {
	*httptest.Server
	secret   atomic.Value // string
	hold     atomic.Int64 // nanoseconds
	inFlight atomic.Int64
	mu       sync.Mutex
	byEvent  map[string]int
	customer map[string]string // event id → customerId of customer.registered events
	badSigs  []string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{byEvent: map[string]int{}, customer: map[string]string{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *hookReceiver) serve(w http.ResponseWriter, r *http.Request) {
	rc.inFlight.Add(1)
	defer rc.inFlight.Add(-1)
	body, _ := io.ReadAll(r.Body)
	if d := time.Duration(rc.hold.Load()); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	id := r.Header.Get("Onboard-Event-Id")
	var ev struct{ ID, Type, CustomerID string }
	_ = json.Unmarshal(body, &ev)
	secret, _ := rc.secret.Load().(string)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if !validSignature(r.Header.Get("Onboard-Signature"), secret, body) || ev.ID != id {
		rc.badSigs = append(rc.badSigs, id)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.byEvent[id]++
	if ev.Type == "customer.registered" {
		rc.customer[id] = ev.CustomerID
	}
	w.WriteHeader(http.StatusNoContent)
}

// validSignature checks t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>.
func validSignature(header, secret string, body []byte) bool {
	var ts, v1 string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute || secret == "" {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return hmac.Equal([]byte(v1), []byte(hex.EncodeToString(mac.Sum(nil))))
}

// snapshot returns the customers whose registration arrived, the
// accepted deliveries by event id and the event ids whose signature was
// bad.
func (rc *hookReceiver) snapshot() (map[string]bool, map[string]int, []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	cus := map[string]bool{}
	for _, c := range rc.customer {
		cus[c] = true
	}
	counts := map[string]int{}
	for k, v := range rc.byEvent {
		counts[k] = v
	}
	return cus, counts, append([]string(nil), rc.badSigs...)
}

const processRegister = `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`

// registerThrough registers n customers through the processes ps (round robin),
// four at a time, and returns their ids.
func registerThrough(t *testing.T, token, tag string, n int, ps ...*hookProcess) []string {
	t.Helper()
	var (
		mu  sync.Mutex
		ids []string
		wg  sync.WaitGroup
		sem = make(chan struct{}, 4)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			// FinHub's body, with the tenant's default category and an
			// e-mail of its own (the login e-mail is unique per tenant).
			email := fmt.Sprintf("%s-%d@example.com", tag, i)
			input := testutil.Fixture(t, "finhub-individual.json")
			delete(input, "customerCategory")
			input["email"] = email
			ic := input["individualCustomer"].(map[string]any)
			delete(ic, "categorization")
			ic["person"].(map[string]any)["email"] = email
			ic["person"].(map[string]any)["contacts"] = []any{map[string]any{"type": "EMAIL", "value": email, "isPrimary": true}}
			ic["user"].(map[string]any)["email"] = email
			ic["user"].(map[string]any)["username"] = email
			var got struct{ RegisterIndividual struct{ ID string } }
			ps[i%len(ps)].gql(t, token, "acme", processRegister, map[string]any{"input": input}, &got)
			if got.RegisterIndividual.ID != "" {
				mu.Lock()
				ids = append(ids, got.RegisterIndividual.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(ids) != n {
		t.Fatalf("%d of %d registrations succeeded", len(ids), n)
	}
	return ids
}

// waitArrived waits (bounded) until every customer in ids has had its
// registration event accepted by the receiver.
func (rc *hookReceiver) waitArrived(t *testing.T, ids []string, within time.Duration, ps ...*hookProcess) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got, _, _ := rc.snapshot()
		missing := 0
		for _, id := range ids {
			if !got[id] {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			var logs strings.Builder
			for _, p := range ps {
				fmt.Fprintf(&logs, "\n--- %s:\n%s", p.name, p.logs)
			}
			t.Fatalf("after %s, %d of %d registrations have not arrived%s", within, missing, len(ids), logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkExactlyOnce asserts the receiver accepted each event once, with no
// bad signature, and that in SQL every event has one SUCCEEDED delivery
// made in one attempt.
func (rc *hookReceiver) checkExactlyOnce(t *testing.T, db *sql.DB) {
	t.Helper()
	// The receiver answers before the worker records the answer: wait
	// (bounded) until every event's delivery is recorded as ended.
	var events, deliveries, succeeded, oneAttempt, attempts int
	deadline := time.Now().Add(30 * time.Second)
	for {
		row := db.QueryRow(`SELECT (SELECT count(*) FROM customer_events),
			(SELECT count(*) FROM webhook_deliveries),
			(SELECT count(*) FROM webhook_deliveries WHERE status = 'SUCCEEDED'),
			(SELECT count(*) FROM webhook_deliveries WHERE attempts = 1),
			(SELECT count(*) FROM webhook_attempts)`)
		if err := row.Scan(&events, &deliveries, &succeeded, &oneAttempt, &attempts); err != nil {
			t.Fatal(err)
		}
		if (deliveries == events && succeeded == events) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, counts, bad := rc.snapshot()
	if len(bad) > 0 {
		t.Errorf("%d deliveries with a bad signature: %v", len(bad), bad)
	}
	for id, n := range counts {
		if n != 1 {
			t.Errorf("event %s accepted %d times, want once", id, n)
		}
	}
	if events != len(counts) || deliveries != events || succeeded != events || oneAttempt != events || attempts != events {
		t.Errorf("%d events, %d received; %d deliveries, %d SUCCEEDED, %d in one attempt; %d attempts recorded",
			events, len(counts), deliveries, succeeded, oneAttempt, attempts)
	}
}

func TestWebhooksTwoProcessesDeliverEachEventOnce(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("two server processes on one database need PostgreSQL (TEST_DATABASE_URL): a SQLite file is one process's")
	}
	dbURL := testutil.FreshSchema(t, base)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	const shutdownTimeout = 10 * time.Second
	vars := map[string]string{
		"ONBOARD_ENV":            "production",
		"DATABASE_URL":           dbURL,
		"WEBHOOK_SECRET_KEY":     base64.StdEncoding.EncodeToString(key),
		"WEBHOOK_ALLOW_LOOPBACK": "true",
		"EVENTS_POLL_INTERVAL":   "100ms",
		"WEBHOOK_WORKERS":        "4",
		"SHUTDOWN_TIMEOUT":       shutdownTimeout.String(),
	}
	// The first migrates the schema; the second starts on it.
	p1 := startHookProcess(t, "process 1", vars)
	p2 := startHookProcess(t, "process 2", vars)
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	operator := processToken(t, "*", "tenants:admin")
	p1.gql(t, operator, "", `mutation { createTenant(input: {key: "acme", name: "Acme"}) { tenant { id } } }`, nil, nil)
	token := processToken(t, "acme", "customers:register catalog:write webhooks:manage")
	p1.gql(t, token, "acme", `mutation { createCategory(input: {code: "RETAIL", name: "Retail",
		customerType: INDIVIDUAL, isDefault: true}) { category { id } } }`, nil, nil)
	rc := newHookReceiver(t)
	var created struct {
		CreateWebhookEndpoint struct {
			Secret   string
			Endpoint struct{ ID string }
		}
	}
	p1.gql(t, token, "acme", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
		secret endpoint { id } } }`, map[string]any{"input": map[string]any{"url": rc.URL + "/hooks"}}, &created)
	if created.CreateWebhookEndpoint.Secret == "" {
		t.Fatal("createWebhookEndpoint returned no secret")
	}
	rc.secret.Store(created.CreateWebhookEndpoint.Secret)

	// Thirty registrations spread across both processes, concurrently.
	first := registerThrough(t, token, "first", 30, p1, p2)
	rc.waitArrived(t, first, 60*time.Second, p1, p2)
	rc.checkExactlyOnce(t, db)

	// A slow receiver keeps attempts in flight; process 2 is stopped while
	// they are, and the registrations go on at process 1.
	rc.hold.Store(int64(300 * time.Millisecond))
	second := registerThrough(t, token, "second", 10, p1, p2)
	deadline := time.Now().Add(30 * time.Second)
	for rc.inFlight.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no delivery in flight to stop process 2 during")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("SIGTERM to process 2 with %d deliveries in flight", rc.inFlight.Load())
	p2.stop(t, shutdownTimeout+5*time.Second)
	third := registerThrough(t, token, "third", 10, p1)
	rc.waitArrived(t, append(second, third...), 90*time.Second, p1, p2)
	// Process 2 drained its attempts in flight (within SHUTDOWN_TIMEOUT)
	// and recorded them; nothing was left leased to be sent again.
	rc.checkExactlyOnce(t, db)
	p1.stop(t, shutdownTimeout+5*time.Second)
}
