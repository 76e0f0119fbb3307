package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/internal/catalog"
	"onboard/internal/config"
	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// testServer is `onboard serve` running in-process through run.
type testServer struct {
	base           string // http://127.0.0.1:port
	token          string // the token printed on stdout ("" when none is)
	stdout, stderr *testutil.SyncBuffer
	stop           func()
}

// printedToken finds the development token: a JWT alone on its line.
var printedToken = regexp.MustCompile(`(?m)^(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$`)

// startServer runs serve with vars over DATA_DIR and DATABASE_URL from vars
// (by default a temporary directory and, when TEST_DATABASE_URL is set, a
// fresh PostgreSQL schema), waits until it listens, and stops it when the
// test ends (or at s.stop()).
func startServer(t *testing.T, vars map[string]string) *testServer {
	t.Helper()
	addr := freePort(t)
	m := map[string]string{"ADDR": addr, "DATA_DIR": t.TempDir()}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		m["DATABASE_URL"] = testutil.FreshSchema(t, u)
	}
	for k, v := range vars {
		m[k] = v
	}
	s := &testServer{base: "http://" + addr, stdout: &testutil.SyncBuffer{}, stderr: &testutil.SyncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, []string{"serve"}, env(m), s.stdout, s.stderr) }()
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("serve: %v\nstderr: %s", err, s.stderr)
			}
		})
	}
	t.Cleanup(s.stop)
	deadline := time.Now().Add(60 * time.Second)
	// Development prints its welcome on stdout after the "listening" log.
	ready := func() bool {
		if !strings.Contains(s.stderr.String(), `"msg":"listening"`) {
			return false
		}
		out := s.stdout.String()
		return m["ONBOARD_ENV"] == "production" || strings.Contains(out, "Open ") || strings.Contains(out, "POST ")
	}
	for !ready() {
		if time.Now().After(deadline) {
			t.Fatalf("server did not start; stderr: %s", s.stderr)
		}
		select {
		case err := <-errc:
			errc <- err
			t.Fatalf("serve stopped: %v\nstderr: %s", err, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if m := printedToken.FindStringSubmatch(s.stdout.String()); m != nil {
		s.token = m[1]
	}
	return s
}

// graphql posts query with token to the demo tenant.
func (s *testServer) graphql(t *testing.T, token, query string) (status int, body string) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, s.base+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Tenant-ID", demo.TenantKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func TestDevelopmentStartSeedsTheDemoAndPrintsAToken(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, map[string]string{"DATA_DIR": dir}) // no JWT_SECRET: generated in DATA_DIR
	out := s.stdout.String()
	if s.token == "" {
		t.Fatalf("no token on stdout:\n%s", out)
	}
	if !strings.Contains(out, "Open "+s.base+"/ ") {
		t.Errorf("stdout does not say which URL to open:\n%s", out)
	}
	secret, err := os.ReadFile(filepath.Join(dir, "jwt-secret"))
	if err != nil || len(bytes.TrimSpace(secret)) < 32 {
		t.Fatalf("development secret: %v", err)
	}
	sec := string(bytes.TrimSpace(secret))
	if strings.Contains(out, sec) || strings.Contains(s.stderr.String(), sec) {
		t.Fatal("the signing secret was printed or logged")
	}

	// The token acts in the seeded demo tenant with every scope: it reads
	// (customers:read) and writes the catalog (catalog:write).
	status, body := s.graphql(t, s.token, `{ tenant { key } roles { code } }`)
	if status != 200 || !strings.Contains(body, `"key":"`+demo.TenantKey+`"`) || !strings.Contains(body, `"ACCOUNT_OWNER"`) {
		t.Fatalf("the demo tenant with the printed token: %d %s", status, body)
	}
	status, body = s.graphql(t, s.token, `mutation { createRole(input: {code: "AUDITOR", name: "Auditor"}) { role { code } } }`)
	if status != 200 || !strings.Contains(body, `"AUDITOR"`) {
		t.Fatalf("catalog:write with the printed token: %d %s", status, body)
	}

	// The page opens with the headers filled in and the examples in tabs.
	resp, err := http.Get(s.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`"Bearer ` + s.token + `"`, `"X-Tenant-ID":"` + demo.TenantKey + `"`, "mutation RegisterIndividual(", "query Customers"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// A restart over the same data directory and database seeds nothing twice,
// and the first start's token still works (the secret is kept in DATA_DIR).
func TestDevelopmentRestartKeepsTheDemoAndItsToken(t *testing.T) {
	vars := map[string]string{"DATA_DIR": t.TempDir()}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		vars["DATABASE_URL"] = testutil.FreshSchema(t, u)
	}
	first := startServer(t, vars)
	first.stop()
	second := startServer(t, vars)
	status, body := second.graphql(t, first.token, `{ roles { code } }`)
	var got struct {
		Data struct{ Roles []struct{ Code string } }
	}
	if err := json.Unmarshal([]byte(body), &got); status != 200 || err != nil {
		t.Fatalf("the first token after a restart: %d %s", status, body)
	}
	if len(got.Data.Roles) != len(catalog.StandardRoles) {
		t.Fatalf("after a restart the demo tenant has %d roles, want %d: %s", len(got.Data.Roles), len(catalog.StandardRoles), body)
	}
}

func TestProductionNeitherSeedsNorPrints(t *testing.T) {
	s := startServer(t, map[string]string{"ONBOARD_ENV": "production", "JWT_SECRET": testutil.Secret})
	if out := s.stdout.String(); out != "" {
		t.Fatalf("production printed: %q", out)
	}
	var tok bytes.Buffer
	err := run(context.Background(), []string{"token", "--tenant", "*", "--scope", "tenants:admin customers:read"},
		env(map[string]string{"JWT_SECRET": testutil.Secret, "DATA_DIR": t.TempDir()}), &tok, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	status, body := s.graphql(t, strings.TrimSpace(tok.String()), `{ tenant { key } }`)
	if status != http.StatusForbidden || !strings.Contains(body, "UNKNOWN_TENANT") {
		t.Fatalf("production knows the demo tenant: %d %s", status, body)
	}
	resp, err := http.Get(s.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("production serves the playground: %d", resp.StatusCode)
	}
}

// The printed URL is one a browser opens: wildcard listen addresses become
// localhost.
func TestWelcomeNamesABrowsableURL(t *testing.T) {
	for addr, want := range map[string]string{
		"[::]:8080":      "http://localhost:8080/",
		"0.0.0.0:8080":   "http://localhost:8080/",
		"127.0.0.1:9000": "http://127.0.0.1:9000/",
		"[::1]:8080":     "http://[::1]:8080/",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		printWelcome(&out, config.Config{Playground: true}, tcp, "tok")
		if !strings.Contains(out.String(), "Open "+want+" ") || !strings.Contains(out.String(), "\ntok\n") {
			t.Errorf("%s: %q", addr, out.String())
		}
	}
	var out bytes.Buffer
	tcp, _ := net.ResolveTCPAddr("tcp", "[::]:8080")
	printWelcome(&out, config.Config{}, tcp, "")
	if got := out.String(); got != "POST GraphQL to http://localhost:8080/graphql with X-Tenant-ID: "+demo.TenantKey+".\n" {
		t.Errorf("without the playground or a token: %q", got)
	}
}
