package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/internal/config"
	"onboard/internal/testutil"
)

// TestMain lets a test start this binary as the real `onboard` process
// (signals included): with ONBOARD_TEST_MAIN set it runs main instead.
func TestMain(m *testing.M) {
	if os.Getenv("ONBOARD_TEST_MAIN") == "1" {
		os.Args = append([]string{"onboard"}, strings.Fields(os.Getenv("ONBOARD_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// onboardProcess prepares the test binary to run as `onboard args...`.
func onboardProcess(t *testing.T, args string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "ONBOARD_TEST_MAIN=1", "ONBOARD_TEST_ARGS="+args, "JWT_SECRET="+testutil.Secret)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestSIGTERMFinishesInFlightRequest(t *testing.T) {
	addr := freePort(t)
	env := []string{"ADDR=" + addr, "DATA_DIR=" + t.TempDir()}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		env = append(env, "DATABASE_URL="+testutil.FreshSchema(t, u))
	}
	cmd := onboardProcess(t, "serve", env...)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() //nolint:errcheck
	waitHealthy(t, addr, &logs)

	token := mint(t)
	// Start a request whose body arrives slowly, so it is in flight when
	// the signal comes.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	if _, err := pw.Write([]byte(`{"query":"{ __ty`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := pw.Write([]byte(`pename }"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	r := <-done
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"__typename":"Query"`) {
		t.Fatalf("in-flight request: %d %q %v\nlogs: %s", r.status, r.body, r.err, logs.String())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("process exit: %v\nlogs: %s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "draining") {
		t.Fatalf("no drain in logs: %s", logs.String())
	}
	// New connections are refused after shutdown.
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("server still accepts requests")
	}
}

func waitHealthy(t *testing.T, addr string, logs *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("server did not become ready; logs: %s", logs.String())
}

func mint(t *testing.T) string {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), []string{"token", "--tenant", "*", "--scope", "tenants:admin"},
		env(map[string]string{"JWT_SECRET": testutil.Secret, "DATA_DIR": t.TempDir()}), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out.String())
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestTwoMigrationsAtOnceBothSucceed(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set: the advisory lock is PostgreSQL's")
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	name := "onboard_migrate_" + testutil.RandomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("dropping database: %v", err)
		}
		admin.Close()
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 2 {
		cmd := onboardProcess(t, "migrate", "DATABASE_URL="+u.String())
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmds, outs = append(cmds, cmd), append(outs, &out)
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("migrate %d: %v\n%s", i, err, outs[i])
		}
	}
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('customers', 'tenants', 'feature_relations')`).Scan(&tables); err != nil || tables != 3 {
		t.Fatalf("tables after migration: %d %v", tables, err)
	}
}

func TestProductionRefusesToStartWithoutSigningKey(t *testing.T) {
	err := run(context.Background(), nil, env(map[string]string{"ONBOARD_ENV": "production", "DATA_DIR": t.TempDir()}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "JWT_SECRET") {
		t.Fatalf("production without a key: %v", err)
	}
}

func TestStartupLogMasksSecrets(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var logs testutil.SyncBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, nil, env(map[string]string{
			"ADDR": freePort(t), "DATA_DIR": t.TempDir(), "JWT_SECRET": testutil.Secret,
		}), io.Discard, &logs)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "listening") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if strings.Contains(out, testutil.Secret) || !strings.Contains(out, `"jwtSecret":"set (`) {
		t.Fatalf("start-up log: %s", out)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "{") {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
	}
}

func TestMaskURLHidesPassword(t *testing.T) {
	got := fmt.Sprint(config.MaskURL("postgres://app:s3cret@db:5432/onboard?sslmode=disable"))
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "app:") {
		t.Fatalf("masked: %s", got)
	}
}
