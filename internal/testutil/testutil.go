// Package testutil runs the real HTTP handler against a fresh database for
// end-to-end tests: embedded SQLite by default, PostgreSQL (a schema of its
// own, dropped afterwards) when TEST_DATABASE_URL is set.
package testutil

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"onboard/ent"
	"onboard/internal/auth"
	"onboard/internal/catalog"
	"onboard/internal/database"
	"onboard/internal/events"
	"onboard/internal/server"
	"onboard/internal/viewer"
	"onboard/internal/webhooks"
)

// Secret signs the tests' tokens.
const Secret = "test-secret-test-secret-test-secret-0123456789"

// Options adjust an Env.
type Options struct {
	Auth auth.Config
	// WrapDriver wraps the ent driver (statement counting).
	WrapDriver func(dialect.Driver) dialect.Driver
	// TrustProxy takes client addresses from X-Forwarded-For.
	TrustProxy bool
	// NoIntrospection serves as production does by default: without
	// GraphQL introspection.
	NoIntrospection bool
	// DatabaseURL, when set, is the database used as it is, instead of
	// SQLite or a schema in TEST_DATABASE_URL (a test's private cluster),
	// and ReadURL its read replica (DATABASE_READ_URL).
	DatabaseURL, ReadURL string
	// HashConcurrency is the server's hashing slots (0: its default).
	HashConcurrency int
	// Events and Webhooks configure the event work (zero fields: the
	// defaults; Webhooks.SecretKey: a random key of the test's).
	Events   events.Settings
	Webhooks webhooks.Settings
	// StartDelivery runs the sequencer, the hub and the webhook worker for
	// the test's life, as a server does; off, events stay unsequenced and
	// nothing is delivered (the statement counts of other tests stay
	// their own).
	StartDelivery bool
}

// Env is a running service on a fresh database.
type Env struct {
	t       testing.TB
	DB      *database.DB
	Handler http.Handler
	Auth    *auth.Authenticator
	// Delivery is the server's event work, running when StartDelivery.
	Delivery *server.Delivery
	logs     *SyncBuffer
}

// New starts an Env with default options.
func New(t testing.TB) *Env { return NewWith(t, Options{}) }

// NewWith starts an Env.
func NewWith(t testing.TB, opts Options) *Env {
	t.Helper()
	cfg := database.Config{DataDir: t.TempDir(), MaxConns: 8}
	if base := os.Getenv("TEST_DATABASE_URL"); opts.DatabaseURL != "" {
		cfg.URL, cfg.ReadURL = opts.DatabaseURL, opts.ReadURL
	} else if base != "" {
		cfg.URL = FreshSchema(t, base)
	}
	db, err := database.Open(cfg, opts.WrapDriver)
	if err != nil {
		t.Fatalf("opening database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	ac := opts.Auth
	if len(ac.Secret) == 0 && len(ac.PublicKeyPEM) == 0 {
		ac.Secret = []byte(Secret)
	}
	authn, err := auth.New(ac, db.Client)
	if err != nil {
		t.Fatalf("auth: %v", err)
	}
	logs := &SyncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	if len(opts.Webhooks.SecretKey) == 0 {
		opts.Webhooks.SecretKey = make([]byte, webhooks.SecretKeyLen)
		_, _ = rand.Read(opts.Webhooks.SecretKey)
	}
	delivery, err := server.NewDelivery(db, opts.Events, opts.Webhooks, nil, logger)
	if err != nil {
		t.Fatalf("delivery: %v", err)
	}
	e := &Env{t: t, DB: db, Auth: authn, Delivery: delivery, logs: logs}
	e.Handler = server.New(server.Options{
		DB:            db,
		Auth:          authn,
		Logger:        logger,
		Introspection: !opts.NoIntrospection,
		TrustProxy:    opts.TrustProxy,
		Delivery:      delivery,

		HashConcurrency: opts.HashConcurrency,
	})
	if opts.StartDelivery {
		delivery.Start()
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := delivery.Stop(ctx); err != nil {
				t.Errorf("stopping delivery: %v", err)
			}
		})
	}
	return e
}

// FreshSchema creates a schema of its own in the PostgreSQL database at
// base, drops it when the test ends, and returns a URL that uses it.
func FreshSchema(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("connecting to TEST_DATABASE_URL: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "t_" + RandomHex(8)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("dropping schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parsing TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// RandomHex returns n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Logs returns what the service logged so far.
func (e *Env) Logs() string { return e.logs.String() }

// Token mints a token granting tenants and scopes for an hour.
func (e *Env) Token(tenants []string, scopes ...string) string {
	e.t.Helper()
	s, err := e.Auth.Mint(auth.TokenRequest{Subject: "test", Tenants: tenants, Scopes: scopes, TTL: time.Hour})
	if err != nil {
		e.t.Fatalf("minting token: %v", err)
	}
	return s
}

// AllScopes are every scope but tenants:admin.
var AllScopes = []string{
	viewer.ScopeCustomersRegister, viewer.ScopeCustomersRead, viewer.ScopeCustomersManage,
	viewer.ScopePIIRead, viewer.ScopeCatalogWrite, viewer.ScopeCustomersDecide,
	viewer.ScopeCustomersVerify, viewer.ScopeCustomersSessions,
}

// Tenant creates a tenant with the standard roles and returns its id. It
// then resolves its key as a first request would (the server remembers
// keys, see auth.Authenticator.TenantID), so that the statements of the
// test's own requests do not depend on which of them came first.
func (e *Env) Tenant(key string) string {
	e.t.Helper()
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{
		Subject: "test", Tenants: []string{viewer.AllTenants}, Scopes: []string{viewer.ScopeTenantsAdmin},
	})
	t, err := catalog.CreateTenant(ctx, e.DB.Client, catalog.TenantInput{Key: key, Name: key})
	if err != nil {
		e.t.Fatalf("creating tenant %s: %v", key, err)
	}
	if _, err := e.Auth.TenantID(ctx, key); err != nil {
		e.t.Fatalf("resolving tenant %s: %v", key, err)
	}
	return t.ID
}

// As returns a context acting inside tenantID, for seeding rows directly.
func (e *Env) As(tenantID string) context.Context {
	return viewer.ForTenant(context.Background(), tenantID)
}

// Client is the ent client (seeding and assertions).
func (e *Env) Client() *ent.Client { return e.DB.Client }

// Request is one GraphQL request.
type Request struct {
	Token     string
	TenantKey string
	Query     string
	Variables map[string]any
	Header    http.Header
}

// Response is a decoded GraphQL response.
type Response struct {
	Status int
	Header http.Header
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	Raw    string
}

// Error is one errors[] entry.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code returns extensions.code.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Reason returns extensions.reason.
func (e Error) Reason() string { s, _ := e.Extensions["reason"].(string); return s }

// Field returns extensions.field joined with dots ("a.b.0.c").
func (e Error) Field() string {
	f, _ := e.Extensions["field"].([]any)
	parts := make([]string, len(f))
	for i, p := range f {
		b, _ := json.Marshal(p)
		parts[i] = strings.Trim(string(b), `"`)
	}
	return strings.Join(parts, ".")
}

// HTTP is req as the POST a client sends to /graphql.
func (req Request) HTTP() *http.Request {
	body, _ := json.Marshal(map[string]any{"query": req.Query, "variables": req.Variables})
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if req.Token != "" {
		r.Header.Set("Authorization", "Bearer "+req.Token)
	}
	if req.TenantKey != "" {
		r.Header.Set("X-Tenant-ID", req.TenantKey)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	return r
}

// Do sends req through the real HTTP handler.
func (e *Env) Do(req Request) *Response {
	e.t.Helper()
	r := req.HTTP()
	w := httptest.NewRecorder()
	e.Handler.ServeHTTP(w, r)
	resp := &Response{Status: w.Code, Header: w.Header(), Raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), resp); err != nil {
		e.t.Fatalf("response is not JSON (%d): %s", w.Code, w.Body.String())
	}
	return resp
}

// Into decodes the response data into v, failing the test on errors.
func (r *Response) Into(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %s", r.Raw)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decoding data: %v (%s)", err, r.Raw)
	}
}

// Fixture reads testdata/name from the module root.
func Fixture(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ModuleRoot(t), "testdata", name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding fixture: %v", err)
	}
	return v
}

// Dig walks a decoded JSON value along path: keys for objects, ints for
// arrays; nil where the path leads nowhere.
func Dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k < 0 || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// ModuleRoot finds the directory holding go.mod.
func ModuleRoot(t testing.TB) string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers (a logger).
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
