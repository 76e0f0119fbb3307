package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"onboard/internal/auth"
	"onboard/internal/catalog"
	"onboard/internal/database"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/internal/webhooks"
)

// TestSubscriptionReceivesAnotherProcessesEvent: two real server
// processes on one PostgreSQL database; a subscription on the second
// receives the registration made through the first, with only the
// database between them: the servers' own sequencers number the events
// (taking turns under the advisory lock) and the second's hub finds them
// by polling (EVENTS_POLL_INTERVAL).
func TestSubscriptionReceivesAnotherProcessesEvent(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set: two servers share a PostgreSQL database (SQLite is one process's)")
	}
	dbURL := testutil.FreshSchema(t, base)
	seedTenant(t, dbURL, "acme")

	key := make([]byte, webhooks.SecretKeyLen)
	_, _ = rand.Read(key)
	var addrs []string
	var cmds []*exec.Cmd
	for i := range 2 {
		addr := freePort(t)
		cmd := onboardProcess(t, "serve", "ADDR="+addr, "DATABASE_URL="+dbURL, "DATA_DIR="+t.TempDir(),
			"ONBOARD_ENV=production", "WEBHOOK_SECRET_KEY="+base64.StdEncoding.EncodeToString(key),
			"EVENTS_POLL_INTERVAL=50ms")
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stopProcess(t, cmd, i, &logs) })
		waitHealthy(t, addr, &logs)
		addrs, cmds = append(addrs, addr), append(cmds, cmd)
	}
	authn, err := auth.New(auth.Config{Secret: []byte(testutil.Secret)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	token, err := authn.Mint(auth.TokenRequest{Subject: "test", Tenants: []string{"acme"}, TTL: time.Hour,
		Scopes: []string{viewer.ScopeEventsRead, viewer.ScopeCustomersRegister}})
	if err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	c, _, err := websocket.Dial(ctx, "ws://"+addrs[1]+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func(m map[string]any) {
		b, _ := json.Marshal(m)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	read := func() map[string]any {
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("reading: %v", err)
			}
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			if m["type"] == "ping" {
				send(map[string]any{"type": "pong"})
				continue
			}
			return m
		}
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token, "X-Tenant-ID": "acme"}})
	if m := read(); m["type"] != "connection_ack" {
		t.Fatalf("got %v, want connection_ack", m)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { customerEvents(types: ["customer.registered"]) { type customer { id } } }`}})
	// Events come on a channel so that the test can register again when
	// none came: the subscribe message has no answer telling that process
	// 2's hub holds the subscription, and a registration sequenced before
	// it began is rightly not streamed.
	nexts := make(chan string, 16)
	var readErr error
	go func() {
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				readErr = err
				close(nexts)
				return
			}
			if strings.Contains(string(b), `"type":"ping"`) {
				_ = c.Write(ctx, websocket.MessageText, []byte(`{"type":"pong"}`))
				continue
			}
			nexts <- string(b)
		}
	}()
	registered := map[string]bool{}
	for i := range 5 {
		id := registerOn(t, addrs[0], token, i)
		registered[id] = true
		select {
		case msg, ok := <-nexts:
			if !ok {
				t.Fatal("the connection to process 2 ended")
			}
			var m struct {
				Type    string
				Payload struct {
					Data struct {
						CustomerEvents struct {
							Type     string
							Customer struct{ ID string }
						}
					}
				}
			}
			_ = json.Unmarshal([]byte(msg), &m)
			if ev := m.Payload.Data.CustomerEvents; m.Type != "next" || ev.Type != "customer.registered" || !registered[ev.Customer.ID] {
				t.Fatalf("process 2 streamed %s, want a registration of %v", msg, registered)
			}
			// SIGTERM ends process 2's subscriptions (complete) and closes
			// the connection normally, without waiting for the client.
			if err := cmds[1].Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			for msg := range nexts {
				if !strings.Contains(msg, `"complete"`) {
					t.Errorf("at shutdown: %s", msg)
				}
			}
			if websocket.CloseStatus(readErr) != websocket.StatusNormalClosure {
				t.Fatalf("process 2 closed the connection with %v, want 1000", readErr)
			}
			return
		case <-time.After(5 * time.Second):
		}
	}
	t.Fatalf("process 2 streamed none of the registrations made on process 1 (%d)", len(registered))
}

// registerOn registers a FinHub individual (e-mails of its own, n) through
// the server at addr and returns its id.
func registerOn(t *testing.T, addr, token string, n int) string {
	t.Helper()
	in := testutil.Fixture(t, "finhub-individual.json")
	b, _ := json.Marshal(in)
	b = bytes.ReplaceAll(b, []byte("marcus.jensen@"), []byte("process"+strconv.Itoa(n)+"@"))
	body := []byte(`{"query":"mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }","variables":{"input":` + string(b) + `}}`)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Tenant-ID", "acme")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reg struct {
		Data struct{ RegisterIndividual struct{ ID string } }
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &reg); err != nil || reg.Data.RegisterIndividual.ID == "" {
		t.Fatalf("registration on process 1: %d %s", resp.StatusCode, raw)
	}
	return reg.Data.RegisterIndividual.ID
}

// seedTenant creates tenant key with the demo catalog in the database at
// dbURL, migrating it first.
func seedTenant(t *testing.T, dbURL, key string) {
	t.Helper()
	db, err := database.Open(database.Config{URL: dbURL, DataDir: t.TempDir(), MaxConns: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin := viewer.NewContext(ctx, &viewer.Viewer{Subject: "test", Tenants: []string{viewer.AllTenants}, Scopes: []string{viewer.ScopeTenantsAdmin}})
	tn, err := catalog.CreateTenant(admin, db.Client, catalog.TenantInput{Key: key, Name: key})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedCatalog(viewer.ForTenant(ctx, tn.ID), db.Client); err != nil {
		t.Fatal(err)
	}
}

// stopProcess ends a server with SIGTERM, as an orchestrator does, and
// fails the test if it does not exit cleanly in time.
func stopProcess(t *testing.T, cmd *exec.Cmd, i int, logs *bytes.Buffer) {
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("process %d: %v\n%s", i+1, err, logs)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Errorf("process %d did not stop\n%s", i+1, logs)
	}
}
