//go:build unix

package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/internal/database"
	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// pgBin holds initdb, pg_ctl and pg_basebackup (Debian's PostgreSQL 15).
const pgBin = "/usr/lib/postgresql/15/bin"

func TestReadURLNeedsPostgresPrimary(t *testing.T) {
	_, err := database.Open(database.Config{DataDir: t.TempDir(), ReadURL: "postgres://127.0.0.1:1/x"}, nil)
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL primary") {
		t.Fatalf("Open(SQLite with a read replica) = %v, want a refusal", err)
	}
}

const registerQuery = `mutation($input: RegisterIndividualInput!) {
	registerIndividual(input: $input) {
		id
		user { email }
		customer { id name category { code } features { code } }
	}
}`

// TestReadReplicaRoute runs the real server on a private PostgreSQL
// primary with a streaming replica (DATABASE_URL and DATABASE_READ_URL)
// and proves where each operation reads: with the replica's replay paused,
// a registration's payload shows the new customer (the primary), while a
// query does not see it (the replica) until replay resumes. With the
// replica stopped, queries answer UNAVAILABLE and registrations go on.
func TestReadReplicaRoute(t *testing.T) {
	primary, replica := startReplicatedPair(t)
	env := testutil.NewWith(t, testutil.Options{DatabaseURL: primary.url, ReadURL: replica.url})
	tenantID := env.Tenant("acme")
	if err := demo.SeedCatalog(env.As(tenantID), env.Client()); err != nil {
		t.Fatalf("seeding the catalog: %v", err)
	}
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	do := func(query string, vars map[string]any) *testutil.Response {
		return env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: query, Variables: vars})
	}
	register := func(email string) (customerID string) {
		t.Helper()
		input := testutil.Fixture(t, "finhub-individual.json")
		input["email"] = email
		user := input["individualCustomer"].(map[string]any)["user"].(map[string]any)
		user["email"], user["username"] = email, email
		var data struct {
			RegisterIndividual struct {
				ID   string
				User struct{ Email string }
				// Customer is read back after the commit, with its
				// category and frozen features: the rows just written.
				Customer struct {
					ID       string
					Category struct{ Code string }
					Features []struct{ Code string }
				}
			}
		}
		do(registerQuery, map[string]any{"input": input}).Into(t, &data)
		got := data.RegisterIndividual
		if got.User.Email != email || got.Customer.ID != got.ID || got.Customer.Category.Code == "" || len(got.Customer.Features) == 0 {
			t.Fatalf("registration payload = %+v: not the customer just written", got)
		}
		return got.ID
	}
	countCustomers := func() int {
		t.Helper()
		var data struct{ Customers struct{ TotalCount int } }
		do(`query { customers(first: 1) { totalCount } }`, nil).Into(t, &data)
		return data.Customers.TotalCount
	}
	seen := func(id string) bool {
		t.Helper()
		r := do(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		if len(r.Errors) == 1 && r.Errors[0].Code() == "NOT_FOUND" {
			return false
		}
		var data struct{ Node struct{ ID string } }
		r.Into(t, &data)
		return data.Node.ID == id
	}

	first := register("first@example.com")
	waitReplayed(t, primary, replica)
	if n := countCustomers(); n != 1 || !seen(first) {
		t.Fatalf("after replay the replica answers %d customers (first seen: %v), want 1", n, seen(first))
	}

	replica.exec(t, `SELECT pg_wal_replay_pause()`)
	waitFor(t, "replay paused", func() bool {
		return replica.queryString(t, `SELECT pg_get_wal_replay_pause_state()`) == "paused"
	})
	second := register("second@example.com") // its payload came from the primary
	if n := primary.queryInt(t, `SELECT count(*) FROM customers`); n != 2 {
		t.Fatalf("the primary holds %d customers, want 2", n)
	}
	if n := countCustomers(); n != 1 || seen(second) {
		t.Fatalf("with replay paused a query counts %d customers (second seen: %v): want 1 and not seen, from the replica", n, seen(second))
	}

	replica.exec(t, `SELECT pg_wal_replay_resume()`)
	waitReplayed(t, primary, replica)
	if n := countCustomers(); n != 2 || !seen(second) {
		t.Fatalf("after resuming replay a query counts %d customers (second seen: %v), want 2", n, seen(second))
	}

	if body := get(t, env, "/metrics"); !strings.Contains(body, `go_sql_open_connections{db_name="onboard_replica"}`) {
		t.Errorf("/metrics has no pool statistics of the replica")
	}

	replica.stop(t)
	r := do(`query { customers(first: 1) { totalCount } }`, nil)
	if len(r.Errors) == 0 || r.Errors[0].Code() != "UNAVAILABLE" || r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a query with the replica down answered %d (Retry-After %q) %s, want 503 UNAVAILABLE with Retry-After", r.Status, r.Header.Get("Retry-After"), r.Raw)
	}
	register("third@example.com") // writes, and their payloads, need only the primary
	if body := get(t, env, "/readyz"); body != `{"status":"ready","readReplica":"unreachable"}` {
		t.Errorf("/readyz with the replica down = %s", body)
	}
}

func get(t *testing.T, env *testutil.Env, path string) string {
	t.Helper()
	w := httptest.NewRecorder()
	env.Handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, w.Code, w.Body.String())
	}
	return w.Body.String()
}

// cluster is a private PostgreSQL server started by the test.
type cluster struct {
	data, log string
	port      int
	url       string
	db        *sql.DB
	run       func(t *testing.T, name string, args ...string)
	stopped   bool
}

// startReplicatedPair starts a primary on a free port of 127.0.0.1 and a
// hot standby streaming from it (pg_basebackup -R), both in a temporary
// directory, stopped and removed when the test ends. It skips the test
// when PostgreSQL's binaries are absent; as root (initdb refuses root) it
// runs them as the postgres user.
func startReplicatedPair(t *testing.T) (primary, replica *cluster) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Skipf("PostgreSQL's server binaries are not in %s: the read replica test needs initdb, pg_ctl and pg_basebackup", pgBin)
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user: initdb refuses to run as root")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	dir, err := os.MkdirTemp("", "onboard-replica-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil { // the postgres user writes in it
		t.Fatal(err)
	}
	run := func(t *testing.T, name string, args ...string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(pgBin, name), args...)
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	start := func(name string) *cluster {
		port := freePort(t)
		c := &cluster{data: filepath.Join(dir, name), log: filepath.Join(dir, name+".log"), port: port, run: run,
			url: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/onboard?sslmode=disable", port)}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir)
		run(t, "pg_ctl", "-D", c.data, "-o", opts, "-l", c.log, "-w", "-t", "30", "start")
		t.Cleanup(func() { c.stop(t) })
		return c
	}
	run(t, "initdb", "-D", filepath.Join(dir, "primary"), "-U", "postgres", "-A", "trust", "--no-sync")
	primary = start("primary")
	admin, err := sql.Open("postgres", strings.Replace(primary.url, "/onboard?", "/postgres?", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE onboard`); err != nil {
		t.Fatalf("creating the database: %v", err)
	}
	run(t, "pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(primary.port), "-U", "postgres", "-D", filepath.Join(dir, "replica"), "-R", "-X", "stream", "-c", "fast")
	replica = start("replica")
	for _, c := range []*cluster{primary, replica} {
		if c.db, err = sql.Open("postgres", c.url); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.db.Close() })
	}
	return primary, replica
}

func (c *cluster) stop(t *testing.T) {
	if c.stopped {
		return
	}
	c.stopped = true
	c.run(t, "pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop")
}

func (c *cluster) exec(t *testing.T, query string) {
	t.Helper()
	if _, err := c.db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func (c *cluster) queryString(t *testing.T, query string, args ...any) string {
	t.Helper()
	var s string
	if err := c.db.QueryRow(query, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}

func (c *cluster) queryInt(t *testing.T, query string) int {
	t.Helper()
	n, err := strconv.Atoi(c.queryString(t, query))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitReplayed waits until the replica has replayed all the primary wrote.
func waitReplayed(t *testing.T, primary, replica *cluster) {
	t.Helper()
	lsn := primary.queryString(t, `SELECT pg_current_wal_lsn()::text`)
	waitFor(t, "replica caught up with "+lsn, func() bool {
		return replica.queryString(t, `SELECT (pg_last_wal_replay_lsn() >= $1::pg_lsn)::text`, lsn) == "true"
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting: %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
