package server_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/auth"
	"onboard/internal/catalog"
	"onboard/internal/database"
	"onboard/internal/demo"
	"onboard/internal/server"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// secret stands for a password in request bodies: no answer may repeat it.
const secret = "Hunter2-Secret-Passw0rd"

// transportEnv is the service on a real TCP listener, its http.Server
// configured as production configures it (ReadTimeout = REQUEST_TIMEOUT).
type transportEnv struct {
	*testutil.Env
	url, addr string
	logs      *testutil.SyncBuffer
	// reader may read tenant "acme"; operator may create tenants.
	reader, operator string
}

func newTransportEnv(t *testing.T, maxBody int64, timeout time.Duration) *transportEnv {
	t.Helper()
	env := testutil.New(t)
	env.Tenant("acme")
	logs := &testutil.SyncBuffer{}
	srv := httptest.NewUnstartedServer(server.New(server.Options{
		DB:             env.DB,
		Auth:           env.Auth,
		Logger:         slog.New(slog.NewJSONHandler(logs, nil)),
		Introspection:  true,
		MaxBodyBytes:   maxBody,
		RequestTimeout: timeout,
	}))
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Config.ReadTimeout = timeout
	srv.Config.WriteTimeout = timeout + 5*time.Second
	srv.Start()
	t.Cleanup(srv.Close)
	return &transportEnv{
		Env: env, url: srv.URL, addr: srv.Listener.Addr().String(), logs: logs,
		reader:   env.Token([]string{"acme"}, testutil.AllScopes...),
		operator: env.Token([]string{viewer.AllTenants}, viewer.ScopeTenantsAdmin),
	}
}

// answer is a response read off the wire.
type answer struct {
	status int
	header http.Header
	raw    string
	body   testutil.Response
}

// refusal checks a documented refusal: status, code, reason, a requestId
// equal to X-Request-ID, and nothing of the request body, no socket address
// and no Go error text in the answer.
func (a answer) refusal(t *testing.T, status int, code, reason string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.raw)
	}
	if len(a.body.Errors) != 1 {
		t.Fatalf("want one error, got %s", a.raw)
	}
	e := a.body.Errors[0]
	if e.Code() != code || e.Reason() != reason {
		t.Fatalf("got %s/%s, want %s/%s: %s", e.Code(), e.Reason(), code, reason, a.raw)
	}
	if id, _ := e.Extensions["requestId"].(string); id == "" || id != a.header.Get("X-Request-ID") {
		t.Fatalf("requestId %q, X-Request-ID %q", id, a.header.Get("X-Request-ID"))
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	a.clean(t)
}

// clean checks that the answer repeats nothing of the request and no
// socket address or driver text.
func (a answer) clean(t *testing.T) {
	t.Helper()
	for _, leak := range []string{secret, "127.0.0.1", "tcp", "dial", "pq:", "sql:", "sqlite", "body:"} {
		if strings.Contains(a.raw, leak) {
			t.Fatalf("the answer holds %q: %s", leak, a.raw)
		}
	}
}

func readAnswer(t *testing.T, resp *http.Response) answer {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &a.body); err != nil {
			t.Fatalf("the answer is not JSON (%d): %s", resp.StatusCode, b)
		}
	}
	return a
}

// send makes one request with an HTTP client.
func (e *transportEnv) send(t *testing.T, method, target string, header http.Header, body string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return readAnswer(t, resp)
}

// raw writes head (the request line and headers, without the blank line),
// then the chunks of body, and reads the answer; the whole exchange is
// bounded by a few seconds.
func (e *transportEnv) raw(t *testing.T, head string, body ...string) answer {
	t.Helper()
	conn, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, head+"\r\n"); err != nil {
		t.Fatal(err)
	}
	for _, b := range body {
		// The server may answer (and close) before it has read it all.
		if _, err := io.WriteString(conn, b); err != nil {
			break
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	return readAnswer(t, resp)
}

func (e *transportEnv) headers(token, contentType string, kv ...string) http.Header {
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	if token == e.reader {
		h.Set("X-Tenant-ID", "acme")
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

const (
	tenantQuery = `{"query":"{ tenant { name } }","variables":{"password":"` + secret + `"}}`
	viaGET      = `mutation { createTenant(input: {key: "viaget", name: "` + secret + `"}) { tenant { id } } }`
)

// TestGraphQLTransportRefusals sends /graphql every method, content type
// and body shape a client (or another site's form) can send: each is
// answered normally or refused with the documented status, code and
// reason, never echoing the body.
func TestGraphQLTransportRefusals(t *testing.T) {
	e := newTransportEnv(t, 64<<10, 10*time.Second)
	deep := `{"query":"{ tenant { name } }","variables":{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `},"p":"` + secret + `"}`
	get := func(params ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		return "/graphql?" + v.Encode()
	}
	cases := []struct {
		name        string
		method      string
		target      string
		token       string // e.reader (with X-Tenant-ID acme) unless set
		contentType string
		header      []string
		body        string
		status      int
		code        string // "" for a success
		reason      string
		allow       string
	}{
		// Methods: GET and POST (OPTIONS and HEAD belong to the transport).
		{name: "POST json", method: "POST", contentType: "application/json", body: tenantQuery, status: 200},
		{name: "GET query", method: "GET", target: get("query", "{ tenant { name } }"), status: 200},
		{name: "PUT", method: "PUT", contentType: "application/json", body: tenantQuery, status: 405, code: "BAD_USER_INPUT", reason: "METHOD_NOT_ALLOWED", allow: "GET, POST"},
		{name: "DELETE", method: "DELETE", status: 405, code: "BAD_USER_INPUT", reason: "METHOD_NOT_ALLOWED", allow: "GET, POST"},
		{name: "PATCH", method: "PATCH", contentType: "application/json", body: tenantQuery, status: 405, code: "BAD_USER_INPUT", reason: "METHOD_NOT_ALLOWED", allow: "GET, POST"},
		{name: "PROPFIND", method: "PROPFIND", status: 405, code: "BAD_USER_INPUT", reason: "METHOD_NOT_ALLOWED", allow: "GET, POST"},
		{name: "PUT without a token", method: "PUT", token: "-", status: 405, code: "BAD_USER_INPUT", reason: "METHOD_NOT_ALLOWED", allow: "GET, POST"},
		// GET runs queries only: a mutation over GET (a link, an <img>) never runs.
		{name: "GET mutation", method: "GET", token: "operator", target: get("query", viaGET), status: 405, code: "BAD_USER_INPUT", reason: "MUTATION_OVER_GET", allow: "POST"},
		{name: "GET mutation by operationName", method: "GET", token: "operator", target: get("query", "query Q { __typename } "+viaGET[:8]+" M "+viaGET[9:], "operationName", "M"), status: 405, code: "BAD_USER_INPUT", reason: "MUTATION_OVER_GET", allow: "POST"},
		{name: "GET variables not JSON", method: "GET", target: get("query", "{ tenant { name } }", "variables", secret), status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "GET variables not an object", method: "GET", target: get("query", "{ tenant { name } }", "variables", `["`+secret+`"]`), status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "GET extensions not JSON", method: "GET", target: get("query", "{ tenant { name } }", "extensions", secret), status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "GET bad escape", method: "GET", target: "/graphql?query=%zz" + secret, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_QUERY_STRING"},
		// POST takes application/json only: the types a cross-site form
		// can send without a preflight never reach GraphQL.
		{name: "charset utf-8", method: "POST", contentType: "application/json; charset=utf-8", body: tenantQuery, status: 200},
		{name: "type in capitals", method: "POST", contentType: "Application/JSON; Charset=UTF-8", body: tenantQuery, status: 200},
		{name: "upgrade h2c ignored", method: "POST", contentType: "application/json", header: []string{"Upgrade", "h2c"}, body: tenantQuery, status: 200},
		{name: "text/plain", method: "POST", contentType: "text/plain", body: tenantQuery, status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "form", method: "POST", contentType: "application/x-www-form-urlencoded", body: "query=" + url.QueryEscape("{ tenant { name } }") + "&p=" + secret, status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "multipart", method: "POST", contentType: "multipart/form-data; boundary=xyz", body: "--xyz\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" + tenantQuery + "\r\n--xyz--\r\n", status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "application/graphql", method: "POST", contentType: "application/graphql", body: "{ tenant { name } }", status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "no content type", method: "POST", body: tenantQuery, status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "graphql-response+json is not a body type", method: "POST", contentType: "application/graphql-response+json", body: tenantQuery, status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "another charset", method: "POST", contentType: "application/json; charset=iso-8859-1", body: tenantQuery, status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "malformed type", method: "POST", contentType: "application/json;;=", body: tenantQuery, status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "text/plain without a token", method: "POST", token: "-", contentType: "text/plain", body: tenantQuery, status: 415, code: "BAD_USER_INPUT", reason: "UNSUPPORTED_MEDIA_TYPE"},
		// Bodies: JSON objects only, and never repeated back.
		{name: "truncated JSON", method: "POST", contentType: "application/json", body: `{"query":"{ tenant { name } }","variables":{"password":"` + secret + `"`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "trailing comma", method: "POST", contentType: "application/json", body: `{"query":"{ tenant { name } }","variables":{"password":"` + secret + `"},}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "trailing data", method: "POST", contentType: "application/json", body: tenantQuery + ` {"password":"` + secret + `"}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "query a number", method: "POST", contentType: "application/json", body: `{"query":1,"variables":{"password":"` + secret + `"}}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "query twice, once a number", method: "POST", contentType: "application/json", body: `{"query":1,"query":"{ tenant { name } }","p":"` + secret + `"}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "QUERY in capitals a number", method: "POST", contentType: "application/json", body: `{"QUERY":1,"p":"` + secret + `"}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "variables a string", method: "POST", contentType: "application/json", body: `{"query":"{ tenant { name } }","variables":"` + secret + `"}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "variables an array", method: "POST", contentType: "application/json", body: `{"query":"{ tenant { name } }","variables":["` + secret + `"]}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "operationName an object", method: "POST", contentType: "application/json", body: `{"query":"{ tenant { name } }","operationName":{"p":"` + secret + `"}}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "extensions a number", method: "POST", contentType: "application/json", body: `{"query":"{ tenant { name } }","extensions":1,"p":"` + secret + `"}`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "nested too deep", method: "POST", contentType: "application/json", body: deep, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "a string", method: "POST", contentType: "application/json", body: `"` + secret + `"`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "null", method: "POST", contentType: "application/json", body: `null`, status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "empty", method: "POST", contentType: "application/json", body: "", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "blank", method: "POST", contentType: "application/json", body: " \r\n\t ", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_JSON"},
		{name: "batch", method: "POST", contentType: "application/json", body: `[` + tenantQuery + `]`, status: 400, code: "BAD_USER_INPUT", reason: "BATCH_NOT_SUPPORTED"},
		{name: "declared too large", method: "POST", contentType: "application/json", body: `{"query":"{ tenant { name } }","variables":{"p":"` + strings.Repeat(secret, 4000) + `"}}`, status: 413, code: "BAD_USER_INPUT", reason: "BODY_TOO_LARGE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			token := e.reader
			switch tc.token {
			case "-":
				token = ""
			case "operator":
				token = e.operator
			}
			target := tc.target
			if target == "" {
				target = "/graphql"
			}
			a := e.send(t, tc.method, target, e.headers(token, tc.contentType, tc.header...), tc.body)
			if tc.allow != "" && a.header.Get("Allow") != tc.allow {
				t.Errorf("Allow %q, want %q", a.header.Get("Allow"), tc.allow)
			}
			if tc.code == "" {
				if a.status != tc.status || len(a.body.Errors) > 0 || !strings.Contains(string(a.body.Data), `"name":"acme"`) {
					t.Fatalf("want %d with the tenant, got %d: %s", tc.status, a.status, a.raw)
				}
				return
			}
			a.refusal(t, tc.status, tc.code, tc.reason)
		})
	}
	t.Run("HEAD", func(t *testing.T) {
		a := e.send(t, "HEAD", "/graphql", e.headers(e.reader, ""), "")
		if a.status != 405 || a.header.Get("Allow") != "GET, POST" {
			t.Fatalf("HEAD: %d, Allow %q", a.status, a.header.Get("Allow"))
		}
	})
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	if n := e.Client().Tenant.Query().Where(tenant.Key("viaget")).CountX(ctx); n != 0 {
		t.Errorf("a mutation over GET created %d tenants", n)
	}
}

// TestGraphQLChunkedBodyOverTheLimit sends a body without Content-Length
// (chunked) that grows past MAX_BODY_BYTES: 413, not a 200 carrying the
// reader's error.
func TestGraphQLChunkedBodyOverTheLimit(t *testing.T) {
	e := newTransportEnv(t, 4<<10, 10*time.Second)
	head := "POST /graphql HTTP/1.1\r\nHost: onboard\r\nAuthorization: Bearer " + e.reader +
		"\r\nX-Tenant-ID: acme\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
	chunk := func(s string) string { return strconv.FormatInt(int64(len(s)), 16) + "\r\n" + s + "\r\n" }
	body := []string{chunk(`{"query":"{ tenant { name } }","variables":{"p":"`)}
	for i := 0; i < 8; i++ {
		body = append(body, chunk(strings.Repeat(secret, 40)))
	}
	body = append(body, chunk(`"}}`), "0\r\n\r\n")
	e.raw(t, head, body...).refusal(t, 413, "BAD_USER_INPUT", "BODY_TOO_LARGE")

	// Under the limit, the same framing is served.
	small := e.raw(t, head, chunk(`{"query":"{ tenant`), chunk(` { name } }"}`), "0\r\n\r\n")
	if small.status != 200 || !strings.Contains(small.raw, `"name":"acme"`) {
		t.Fatalf("a small chunked body: %d %s", small.status, small.raw)
	}
}

// TestGraphQLBodyThatStalls sends part of a body and then nothing: the
// request ends at REQUEST_TIMEOUT with 408, not with a 200 whose message
// names the sockets.
func TestGraphQLBodyThatStalls(t *testing.T) {
	const timeout = time.Second
	e := newTransportEnv(t, 64<<10, timeout)
	auth := "Authorization: Bearer " + e.reader + "\r\nX-Tenant-ID: acme\r\nContent-Type: application/json\r\n"
	for _, tc := range []struct{ name, head, body string }{
		{"with a length", "POST /graphql HTTP/1.1\r\nHost: onboard\r\n" + auth + "Content-Length: 200\r\n", `{"query":"{ tenant { name } }","variables":{"p":"` + secret},
		{"chunked", "POST /graphql HTTP/1.1\r\nHost: onboard\r\n" + auth + "Transfer-Encoding: chunked\r\n", "10\r\n" + `{"query":"{ ten`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			e.raw(t, tc.head, tc.body).refusal(t, 408, "BAD_USER_INPUT", "BODY_TIMEOUT")
			if d := time.Since(start); d < timeout/2 || d > timeout+2*time.Second {
				t.Fatalf("answered after %v with a %v timeout", d, timeout)
			}
		})
	}
	if logs := e.logs.String(); strings.Contains(logs, secret) {
		t.Fatalf("the log holds the body: %s", logs)
	}
}

// outageEnv is the service on a database the test takes down and brings
// back. PostgreSQL sits behind a TCP proxy: down closes it (the pool's
// connections are cut, new ones refused) and up listens again on the same
// port. SQLite is closed, and up reopens the same file (a restart).
type outageEnv struct {
	t        *testing.T
	cfg      database.Config
	proxy    *tcpProxy
	db       *database.DB
	authn    *auth.Authenticator
	handler  http.Handler
	logs     *testutil.SyncBuffer
	tenantID string
}

func newOutageEnv(t *testing.T) *outageEnv {
	t.Helper()
	e := &outageEnv{t: t, cfg: database.Config{DataDir: t.TempDir(), MaxConns: 4}, logs: &testutil.SyncBuffer{}}
	if base := os.Getenv("TEST_DATABASE_URL"); base != "" {
		u, err := url.Parse(testutil.FreshSchema(t, base))
		if err != nil {
			t.Fatal(err)
		}
		e.proxy = &tcpProxy{target: u.Host, conns: map[net.Conn]bool{}}
		e.proxy.start(t)
		t.Cleanup(e.proxy.stop)
		u.Host = e.proxy.addr
		q := u.Query()
		q.Set("application_name", "onboard_"+q.Get("search_path")) // names the pool's sessions
		u.RawQuery = q.Encode()
		e.cfg.URL = u.String()
	}
	e.open()
	if err := e.db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	op := viewer.NewContext(context.Background(), &viewer.Viewer{
		Subject: "test", Tenants: []string{viewer.AllTenants}, Scopes: []string{viewer.ScopeTenantsAdmin}})
	tn, err := catalog.CreateTenant(op, e.db.Client, catalog.TenantInput{Key: "acme", Name: "acme"})
	if err != nil {
		t.Fatalf("creating the tenant: %v", err)
	}
	e.tenantID = tn.ID
	if err := demo.SeedCatalog(viewer.ForTenant(context.Background(), tn.ID), e.db.Client); err != nil {
		t.Fatalf("seeding the catalog: %v", err)
	}
	return e
}

// open connects to the database and builds the service on it.
func (e *outageEnv) open() {
	db, err := database.Open(e.cfg, nil)
	if err != nil {
		e.t.Fatalf("opening the database: %v", err)
	}
	e.t.Cleanup(func() { db.Close() })
	authn, err := auth.New(auth.Config{Secret: []byte(testutil.Secret)}, db.Client)
	if err != nil {
		e.t.Fatal(err)
	}
	e.db, e.authn = db, authn
	e.handler = server.New(server.Options{DB: db, Auth: authn, Logger: slog.New(slog.NewJSONHandler(e.logs, nil))})
}

func (e *outageEnv) down() {
	if e.proxy != nil {
		e.proxy.stop()
		return
	}
	e.db.Close()
}

func (e *outageEnv) up() {
	if e.proxy != nil {
		e.proxy.start(e.t)
		return
	}
	e.open()
}

func (e *outageEnv) token(tenants []string, scopes ...string) string {
	s, err := e.authn.Mint(auth.TokenRequest{Subject: "test", Tenants: tenants, Scopes: scopes, TTL: time.Hour})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// do posts query through the whole handler.
func (e *outageEnv) do(token, tenantKey, query string, vars map[string]any, header ...string) answer {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	if tenantKey != "" {
		r.Header.Set("X-Tenant-ID", tenantKey)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, r)
	return readAnswer(e.t, w.Result())
}

// TestDatabaseOutageAnswers503 takes the database away: every request that
// needs it answers 503 UNAVAILABLE with Retry-After, whether the tenant
// lookup or a resolver met the outage, with no driver text or address in
// the answer or the log. Once the database is back, a registration retried
// with the same Idempotency-Key runs normally, once.
func TestDatabaseOutageAnswers503(t *testing.T) {
	e := newOutageEnv(t)
	registrar := e.token([]string{"acme"}, viewer.ScopeCustomersRegister, viewer.ScopeCustomersRead)
	operator := e.token([]string{viewer.AllTenants}, viewer.ScopeTenantsAdmin)
	input := testutil.Fixture(t, "finhub-individual.json")
	const key = "outage-retry-1"
	if a := e.do(registrar, "acme", `{ tenant { name } }`, nil); a.status != 200 {
		t.Fatalf("before the outage: %d %s", a.status, a.raw)
	}

	e.down()
	for _, tc := range []struct {
		name, token, tenant, query string
		vars                       map[string]any
		header                     []string
	}{
		{"tenant lookup", registrar, "acme", `{ tenant { name } }`, nil, nil},
		{"resolver", operator, "", `mutation { createTenant(input: {key: "beta", name: "Beta"}) { tenant { id } } }`, nil, nil},
		{"registration", registrar, "acme", registerIndividual, map[string]any{"input": input}, []string{"Idempotency-Key", key}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := e.do(tc.token, tc.tenant, tc.query, tc.vars, tc.header...)
			a.refusal(t, 503, "UNAVAILABLE", "DATABASE_UNAVAILABLE")
			if ra := a.header.Get("Retry-After"); ra != "5" {
				t.Fatalf("Retry-After %q", ra)
			}
			if e.proxy != nil && strings.Contains(a.raw, e.proxy.port()) {
				t.Fatalf("the answer names the database's port: %s", a.raw)
			}
		})
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "database unavailable") {
		t.Errorf("the outage is not logged: %s", logs)
	}
	for _, leak := range []string{"dial tcp", fixturePassword} {
		if strings.Contains(logs, leak) {
			t.Errorf("the log holds %q: %s", leak, logs)
		}
	}
	if e.proxy != nil && strings.Contains(logs, e.proxy.addr) {
		t.Errorf("the log names the database's address: %s", logs)
	}

	e.up()
	var first, again registered
	e.do(registrar, "acme", registerIndividual, map[string]any{"input": input}, "Idempotency-Key", key).into(t, &first)
	e.do(registrar, "acme", registerIndividual, map[string]any{"input": input}, "Idempotency-Key", key).into(t, &again)
	if first.RegisterIndividual.IdempotentReplay || !again.RegisterIndividual.IdempotentReplay ||
		first.RegisterIndividual.ID == "" || again.RegisterIndividual.ID != first.RegisterIndividual.ID {
		t.Fatalf("after the outage: first %+v, again %+v", first.RegisterIndividual, again.RegisterIndividual)
	}
	if n := e.db.Client.Customer.Query().CountX(viewer.ForTenant(context.Background(), e.tenantID)); n != 1 {
		t.Fatalf("%d customers after the retries, want 1", n)
	}
}

func (a answer) into(t *testing.T, v any) {
	t.Helper()
	if a.status != 200 || len(a.body.Errors) > 0 {
		t.Fatalf("unexpected answer %d: %s", a.status, a.raw)
	}
	if err := json.Unmarshal(a.body.Data, v); err != nil {
		t.Fatalf("decoding data: %v (%s)", err, a.raw)
	}
}

// tcpProxy forwards TCP connections to target until stopped.
type tcpProxy struct {
	target, addr string
	mu           sync.Mutex
	ln           net.Listener
	conns        map[net.Conn]bool
}

func (p *tcpProxy) port() string {
	_, port, _ := net.SplitHostPort(p.addr)
	return port
}

// start listens on addr (a free port the first time, the same port after a
// stop) and forwards what it accepts.
func (p *tcpProxy) start(t *testing.T) {
	t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go p.serve(ln)
}

func (p *tcpProxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.ln != ln { // stopped meanwhile
			p.mu.Unlock()
			c.Close()
			up.Close()
			return
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

// stop refuses new connections and cuts the open ones.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// terminateSessions ends every PostgreSQL session of the server's pool
// from another connection (to base), as a failover or an administrator
// does.
func (e *outageEnv) terminateSessions(base string) {
	e.t.Helper()
	admin, err := sql.Open("postgres", base)
	if err != nil {
		e.t.Fatal(err)
	}
	defer admin.Close()
	u, _ := url.Parse(e.cfg.URL)
	var killed int
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		u.Query().Get("application_name")).Scan(&killed); err != nil || killed == 0 {
		e.t.Fatalf("terminated %d sessions: %v", killed, err)
	}
}

// TestTerminatedSessionsReconnect kills the pool's PostgreSQL sessions
// (what a failover or an administrator does) while the server stays up:
// the next requests reconnect and succeed rather than failing.
func TestTerminatedSessionsReconnect(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("PostgreSQL only (TEST_DATABASE_URL)")
	}
	e := newOutageEnv(t)
	reader := e.token([]string{"acme"}, viewer.ScopeCustomersRead)
	const query = `{ tenant { name } customers(first: 5) { totalCount } }`
	if a := e.do(reader, "acme", query, nil); a.status != 200 {
		t.Fatalf("before: %d %s", a.status, a.raw)
	}
	e.terminateSessions(base)
	for i := 0; i < 3; i++ {
		if a := e.do(reader, "acme", query, nil); a.status != 200 || len(a.body.Errors) > 0 {
			t.Fatalf("request %d after the sessions were killed: %d %s", i, a.status, a.raw)
		}
	}
}

// TestTerminatedSessionsDoNotRepeatWrites: a write outside a transaction
// (createFeature's INSERT … RETURNING) on a session the server ended is
// not run again behind the client's back (it may have committed before the
// session ended, and a repeat would answer CONFLICT for a create that
// succeeded): it answers UNAVAILABLE, and the client's own retry creates
// the feature, once.
func TestTerminatedSessionsDoNotRepeatWrites(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("PostgreSQL only (TEST_DATABASE_URL)")
	}
	e := newOutageEnv(t)
	writer := e.token([]string{"acme"}, viewer.ScopeCatalogWrite, viewer.ScopeCustomersRead)
	const create = `mutation { createFeature(input: {code: "RETRIED", name: "Retried"}) { feature { code } } }`
	if a := e.do(writer, "acme", `{ tenant { name } }`, nil); a.status != 200 {
		t.Fatalf("before: %d %s", a.status, a.raw)
	}
	e.terminateSessions(base)
	if a := e.do(writer, "acme", create, nil); a.status != http.StatusServiceUnavailable || len(a.body.Errors) != 1 || a.body.Errors[0].Code() != "UNAVAILABLE" {
		t.Fatalf("a write on an ended session: %d %s, want 503 UNAVAILABLE", a.status, a.raw)
	}
	if a := e.do(writer, "acme", create, nil); a.status != 200 || len(a.body.Errors) > 0 {
		t.Fatalf("the client's retry: %d %s", a.status, a.raw)
	}
	a := e.do(writer, "acme", `{ features(first: 100, where: {code: "RETRIED"}) { totalCount } }`, nil)
	if !strings.Contains(a.raw, `"totalCount":1`) {
		t.Fatalf("features RETRIED: %s, want one", a.raw)
	}
}
