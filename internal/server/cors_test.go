package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"onboard/internal/server"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// corsEnv is the real handler with CORS_ALLOWED_ORIGINS set to origins.
func corsEnv(t *testing.T, origins string) (*testutil.Env, http.Handler) {
	t.Helper()
	env := testutil.New(t)
	cors, err := server.NewCORS(origins)
	if err != nil {
		t.Fatal(err)
	}
	return env, server.New(server.Options{
		DB: env.DB, Auth: env.Auth, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), CORS: cors,
	})
}

func preflight(h http.Handler, origin string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	r.Header.Set("Origin", origin)
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-tenant-id,idempotency-key,x-request-id")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// corsHeaders are the CORS response headers w carries.
func corsHeaders(w *httptest.ResponseRecorder) []string {
	var got []string
	for k := range w.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			got = append(got, k)
		}
	}
	return got
}

// headerList splits a comma-separated header value, lower-cased.
func headerList(v string) map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split(v, ",") {
		m[strings.ToLower(strings.TrimSpace(s))] = true
	}
	return m
}

// A browser's preflight carries no token: an allowed origin gets 204 with
// what it may send and read; another origin gets a 403 in the API's error
// shape and no CORS header. Before CORS this was 401 MISSING_TOKEN.
func TestCORSPreflight(t *testing.T) {
	_, h := corsEnv(t, "https://app.example.com, http://localhost:5173")

	w := preflight(h, "https://app.example.com")
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Fatalf("allowed origin: %d %s", w.Code, w.Body)
	}
	hd := w.Header()
	if got := hd.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("Allow-Origin %q", got)
	}
	methods := headerList(hd.Get("Access-Control-Allow-Methods"))
	if !methods["get"] || !methods["post"] || len(methods) != 2 {
		t.Errorf("Allow-Methods %q", hd.Get("Access-Control-Allow-Methods"))
	}
	allowed := headerList(hd.Get("Access-Control-Allow-Headers"))
	for _, want := range []string{"Authorization", "X-Tenant-ID", "Idempotency-Key", "Content-Type", "X-Request-ID",
		"X-Forwarded-From", "platform", "deviceId"} {
		if !allowed[strings.ToLower(want)] {
			t.Errorf("Allow-Headers %q lacks %s", hd.Get("Access-Control-Allow-Headers"), want)
		}
	}
	if hd.Get("Access-Control-Max-Age") != "600" || !headerList(strings.Join(hd.Values("Vary"), ","))["origin"] {
		t.Errorf("Max-Age %q, Vary %q", hd.Get("Access-Control-Max-Age"), hd.Values("Vary"))
	}
	if hd.Get("Access-Control-Allow-Credentials") != "" {
		t.Error("credentials allowed: no cookie is read, none should be sent")
	}

	for _, origin := range []string{"https://evil.example.com", "https://app.example.com.evil.com", "http://app.example.com", "null"} {
		w := preflight(h, origin)
		var body struct {
			Data   any
			Errors []testutil.Error
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != http.StatusForbidden || len(body.Errors) != 1 {
			t.Fatalf("%s: %d %s", origin, w.Code, w.Body)
		}
		e := body.Errors[0]
		if e.Code() != "FORBIDDEN" || e.Reason() != "ORIGIN_NOT_ALLOWED" ||
			e.Extensions["requestId"] != w.Header().Get("X-Request-ID") || strings.Contains(e.Message, origin) {
			t.Errorf("%s: %s", origin, w.Body)
		}
		if got := corsHeaders(w); len(got) > 0 {
			t.Errorf("%s: refused preflight carries %v", origin, got)
		}
	}

	// Without CORS_ALLOWED_ORIGINS no origin is allowed, and the preflight
	// is refused as clearly, not with 401.
	_, none := corsEnv(t, "")
	if w := preflight(none, "https://app.example.com"); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "ORIGIN_NOT_ALLOWED") {
		t.Errorf("no CORS configured: %d %s", w.Code, w.Body)
	}
}

// A real cross-origin request from an allowed origin is served with the
// headers that let the page read the answer (and X-Request-ID, Retry-After),
// errors included; from another origin it is served without any CORS
// header, so the browser keeps the answer from the page.
func TestCORSRequests(t *testing.T) {
	env, h := corsEnv(t, "https://App.Example.com:443/") // canonicalized
	env.Tenant("acme")
	token := env.Token([]string{"acme"}, viewer.ScopeCustomersRead)
	do := func(origin, token, contentType string) *httptest.ResponseRecorder {
		r := testutil.Request{Token: token, TenantKey: "acme", Query: `{ tenant { key } }`}.HTTP()
		r.Header.Set("Content-Type", contentType)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		r.Header.Set("X-Request-ID", "cors-1")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	w := do("https://app.example.com", token, "application/json")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"key":"acme"`) {
		t.Fatalf("allowed origin: %d %s", w.Code, w.Body)
	}
	if w.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" || w.Header().Get("X-Request-ID") != "cors-1" {
		t.Errorf("headers %v", w.Header())
	}
	if exposed := headerList(w.Header().Get("Access-Control-Expose-Headers")); !exposed["x-request-id"] || !exposed["retry-after"] {
		t.Errorf("Expose-Headers %q", w.Header().Get("Access-Control-Expose-Headers"))
	}
	// A refusal is readable too: the page can show its code and requestId.
	for _, tc := range []struct {
		token, contentType string
		status             int
	}{{"", "application/json", http.StatusUnauthorized}, {token, "text/plain", http.StatusUnsupportedMediaType}} {
		w := do("https://app.example.com", tc.token, tc.contentType)
		if w.Code != tc.status || w.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Errorf("refusal %d: %d %v", tc.status, w.Code, w.Header())
		}
	}

	// Another origin, and no origin at all (curl, servers): served, without
	// CORS headers.
	for _, origin := range []string{"https://evil.example.com", ""} {
		w := do(origin, token, "application/json")
		if w.Code != http.StatusOK || len(corsHeaders(w)) > 0 {
			t.Errorf("origin %q: %d %v", origin, w.Code, corsHeaders(w))
		}
	}

	// The playground and the probes are not under CORS: the page embeds a
	// development token that no other origin may read.
	r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	r.Header.Set("Origin", "https://app.example.com")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if len(corsHeaders(w)) > 0 {
		t.Errorf("/healthz carries %v", corsHeaders(w))
	}
}

// "*" allows every origin, answered as "*": no credentials are ever
// allowed, so it is the same as listing them all.
func TestCORSAnyOrigin(t *testing.T) {
	_, h := corsEnv(t, "*")
	w := preflight(h, "https://anywhere.example")
	if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != "*" ||
		w.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
}

// CORS_ALLOWED_ORIGINS holds exact origins: anything else stops the start
// with an error naming the entry.
func TestCORSConfiguration(t *testing.T) {
	for _, ok := range []string{"", " , ", "https://app.example.com", "http://localhost:3000,http://127.0.0.1:5173",
		"https://APP.example.com:443/", "http://[::1]:8080", "*"} {
		if _, err := server.NewCORS(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, tc := range []struct{ raw, names string }{
		{"app.example.com", `"app.example.com"`},
		{"https://app.example.com/path", `"https://app.example.com/path"`},
		{"https://ok.example.com, https://*.example.com", `"https://*.example.com"`},
		{"null", `"null"`},
		{"file://", `"file://"`},
		{"ftp://app.example.com", `"ftp://app.example.com"`},
		{"https://app.example.com?x=1", `"https://app.example.com?x=1"`},
		{"https://user@app.example.com", `"https://user@app.example.com"`},
		{"https://app.example.com#top", `"https://app.example.com#top"`},
		{"https://bücher.example", `"https://bücher.example"`},
		{"https://app.example.com:99999", `"https://app.example.com:99999"`},
		{"*, https://app.example.com", `"*"`},
	} {
		_, err := server.NewCORS(tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.names) || !strings.Contains(err.Error(), "CORS_ALLOWED_ORIGINS") {
			t.Errorf("%q: %v", tc.raw, err)
		}
	}
}

// TestCORSRefusalIsLoggedWithItsCode: the access log and the metrics read
// a refusal's code from the request's holder, so a refused preflight must
// be recorded as FORBIDDEN, not as an answer without errors.
func TestCORSRefusalIsLoggedWithItsCode(t *testing.T) {
	env := testutil.New(t)
	cors, err := server.NewCORS("https://app.example.com")
	if err != nil {
		t.Fatal(err)
	}
	var logs testutil.SyncBuffer
	h := server.New(server.Options{DB: env.DB, Auth: env.Auth, Logger: slog.New(slog.NewJSONHandler(&logs, nil)), CORS: cors})
	if w := preflight(h, "https://evil.example.com"); w.Code != http.StatusForbidden {
		t.Fatalf("status %d", w.Code)
	}
	if !strings.Contains(logs.String(), `"errorCodes":["FORBIDDEN"]`) {
		t.Fatalf("the refusal is not logged with its code: %s", logs.String())
	}
}
