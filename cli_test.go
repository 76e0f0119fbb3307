package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/internal/config"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// onboardExits runs `onboard args` as a process and returns its exit code
// and output. A process still running after 20 s has started a server
// where it should have stopped: it is killed and the test fails.
func onboardExits(t *testing.T, args string, env ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := onboardProcess(t, args, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		t.Fatalf("onboard %s did not exit (it started?)\nstderr: %s", args, errOut.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// Help works in any environment (here an invalid one), prints on stdout,
// exits 0 and creates nothing.
func TestHelpPrintsUsageAndExitsZero(t *testing.T) {
	for args, want := range map[string][]string{
		"--help":            {"Usage: onboard [command]", "serve", "migrate", "token", "health"},
		"-h":                {"Usage: onboard [command]"},
		"help":              {"Usage: onboard [command]"},
		"serve -h":          {"Usage: onboard [command]"},
		"migrate --help":    {"Usage: onboard [command]"},
		"token -h":          {"Usage: onboard token --tenant KEY", "-scope", "-ttl", "-sub", strings.Join(viewer.AllScopes(), " ")},
		"token --help":      {"Usage: onboard token --tenant KEY"},
		"help token":        {"Usage: onboard token --tenant KEY"},
		"health -h":         {"Usage: onboard [command]"},
		"token --ttl 1m -h": {"Usage: onboard token --tenant KEY"},
	} {
		t.Run(args, func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data")
			code, stdout, stderr := onboardExits(t, args, "ONBOARD_ENV=staging", "DATA_DIR="+dataDir, "ADDR="+freePort(t))
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, w := range want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if _, err := os.Stat(dataDir); err == nil {
				t.Errorf("help created %s", dataDir)
			}
		})
	}
}

// A mistyped flag, command or argument is an error with the usage on
// stderr and a non-zero exit: nothing starts, nothing is written. Before,
// `onboard --port 9000` started a server on ADDR, ignoring the flag.
func TestUsageErrorsStartNothing(t *testing.T) {
	for args, want := range map[string]string{
		"--port 9000":                  "flag provided but not defined: -port",
		"serve --addr :9000":           "flag provided but not defined: -addr",
		"srve":                         `unknown command "srve"`,
		"serve now":                    `unexpected argument "now"`,
		"migrate --dry-run":            "flag provided but not defined: -dry-run",
		"token --tenant acme --scopes": "flag provided but not defined: -scopes",
		"token --tenant acme extra":    `unexpected argument "extra"`,
		"help me":                      `unknown command "me"`,
	} {
		t.Run(args, func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data")
			code, stdout, stderr := onboardExits(t, args, "DATA_DIR="+dataDir, "ADDR="+freePort(t))
			if code == 0 || stdout != "" || !strings.Contains(stderr, "Usage: onboard") || !strings.Contains(stderr, "onboard: "+want) {
				t.Fatalf("exit %d\nstdout %q\nstderr %s", code, stdout, stderr)
			}
			if strings.Contains(stderr, `"msg":"starting"`) {
				t.Errorf("it started:\n%s", stderr)
			}
			if _, err := os.Stat(dataDir); err == nil {
				t.Errorf("a usage error created %s", dataDir)
			}
		})
	}
}

// `onboard token` mints only scopes the server knows: a typo would make a
// token that silently lacks the scope meant.
func TestTokenRefusesUnknownScopes(t *testing.T) {
	for _, scope := range []string{"customers:write", "customers:read pii", "CUSTOMERS:READ", "customers:read,pii:read"} {
		var out bytes.Buffer
		err := run(context.Background(), []string{"token", "--tenant", "acme", "--scope", scope},
			env(map[string]string{"JWT_SECRET": testutil.Secret, "DATA_DIR": t.TempDir()}), &out, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "unknown scope") || !strings.Contains(err.Error(), "customers:manage") || out.Len() != 0 {
			t.Errorf("--scope %q: err %v, out %q", scope, err, out.String())
		}
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"token", "--tenant", "acme", "--scope", strings.Join(viewer.AllScopes(), " ")},
		env(map[string]string{"JWT_SECRET": testutil.Secret, "DATA_DIR": t.TempDir()}), &out, io.Discard)
	if err != nil || strings.Count(out.String(), ".") != 2 {
		t.Fatalf("every known scope: %v %q", err, out.String())
	}
}

// Development listens on the loopback interface unless ADDR says
// otherwise: its playground page holds a token with every scope.
// Production (in a container) listens on every interface.
func TestListenAddressDefaults(t *testing.T) {
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{}, "127.0.0.1:8080"},
		{map[string]string{"ADDR": ":9000"}, ":9000"},
		{map[string]string{"ONBOARD_ENV": "production", "JWT_SECRET": testutil.Secret}, ":8080"},
		{map[string]string{"ONBOARD_ENV": "production", "JWT_SECRET": testutil.Secret, "ADDR": "10.0.0.1:80"}, "10.0.0.1:80"},
	} {
		tc.vars["DATA_DIR"] = t.TempDir()
		cfg, err := config.Load(env(tc.vars))
		if err != nil || cfg.Addr != tc.want {
			t.Errorf("%v: %q %v, want %q", tc.vars, cfg.Addr, err, tc.want)
		}
	}
}

// A PostgreSQL database that does not exist is named, with the commands
// that create it. Before: "migration lock: pq: database … does not exist".
func TestMissingDatabaseSaysHowToCreateIt(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set: the missing database is PostgreSQL's")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	name := "onboard_missing_" + testutil.RandomHex(4)
	u.Path = "/" + name
	u.User = url.UserPassword(u.User.Username(), "pw-not-shown")
	for _, cmd := range []string{"serve", "migrate"} {
		err := run(context.Background(), []string{cmd}, env(map[string]string{
			"DATABASE_URL": u.String(), "DATA_DIR": t.TempDir(), "JWT_SECRET": testutil.Secret, "ADDR": freePort(t),
		}), io.Discard, io.Discard)
		createdb := "createdb -h " + u.Hostname()
		if p := u.Port(); p != "" && p != "5432" {
			createdb += " -p " + p
		}
		createdb += " -U " + u.User.Username() + " " + name
		if err == nil {
			t.Fatalf("%s on a missing database started", cmd)
		}
		for _, want := range []string{`database "` + name + `" does not exist`, "`" + createdb + "`", "`CREATE DATABASE " + name + ";`"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q lacks %q", cmd, err, want)
			}
		}
		if strings.Contains(err.Error(), "pw-not-shown") {
			t.Errorf("%s: the error shows the password: %v", cmd, err)
		}
	}
}

// `onboard health` is the container's health check (the image has no
// shell or curl): exit 0 while the server at ADDR is ready, 1 otherwise.
func TestHealthCommand(t *testing.T) {
	s := startServer(t, nil)
	addr := strings.TrimPrefix(s.base, "http://")
	_, port, _ := strings.Cut(addr, ":")
	health := func(addr string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), []string{"health"},
			env(map[string]string{"ADDR": addr, "JWT_SECRET": testutil.Secret, "DATA_DIR": t.TempDir()}), &out, io.Discard)
		return out.String(), err
	}
	// Compose sets ADDR=":8080": a wildcard address is asked on loopback.
	for _, a := range []string{addr, ":" + port, "0.0.0.0:" + port} {
		if out, err := health(a); err != nil || !strings.Contains(out, `"status":"ready"`) {
			t.Errorf("ADDR %s, a ready server: %q %v", a, out, err)
		}
	}
	if code, stdout, stderr := onboardExits(t, "health", "ADDR="+addr); code != 0 {
		t.Errorf("the process: exit %d\n%s%s", code, stdout, stderr)
	}
	// A production container's probe has no signing settings of its own
	// to give, and must not create a data directory.
	dataDir := filepath.Join(t.TempDir(), "data")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"health"},
		env(map[string]string{"ADDR": addr, "ONBOARD_ENV": "production", "DATA_DIR": dataDir}), &out, io.Discard); err != nil {
		t.Errorf("production without JWT settings: %v", err)
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("health created %s", dataDir)
	}

	// A server that answers, but not ready (its database is down).
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"database unreachable"}`))
	}))
	defer down.Close()
	if _, err := health(strings.TrimPrefix(down.URL, "http://")); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("a server that is not ready: %v", err)
	}

	s.stop()
	if _, err := health(addr); err == nil {
		t.Error("a stopped server is healthy")
	}
	if code, _, stderr := onboardExits(t, "health", "ADDR="+addr); code != 1 || !strings.Contains(stderr, "onboard: health:") {
		t.Errorf("the process, server stopped: exit %d, stderr %q", code, stderr)
	}
}
