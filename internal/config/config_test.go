package config

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"onboard/graph"
	"onboard/internal/database"
	"onboard/internal/server"
	"onboard/internal/sessions"
	"onboard/internal/values"
)

func TestDatabaseReadURL(t *testing.T) {
	for _, tc := range []struct {
		name, url, readURL, refusal string
	}{
		{name: "unset", url: "postgres://db.example.com/onboard"},
		{name: "a replica of PostgreSQL", url: "postgres://db.example.com/onboard", readURL: "postgresql://replica.example.com/onboard"},
		{name: "without DATABASE_URL", readURL: "postgres://replica.example.com/onboard", refusal: "DATABASE_READ_URL needs DATABASE_URL"},
		{name: "not PostgreSQL", url: "postgres://db.example.com/onboard", readURL: "mysql://replica.example.com/onboard", refusal: "DATABASE_READ_URL must be a postgres:// URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{
				"DATABASE_URL": tc.url, "DATABASE_READ_URL": tc.readURL,
				"JWT_SECRET": strings.Repeat("s", 32), "DATA_DIR": t.TempDir(),
			}
			c, err := Load(func(k string) string { return env[k] })
			switch {
			case tc.refusal == "" && err != nil:
				t.Fatalf("Load = %v, want no error", err)
			case tc.refusal != "" && (err == nil || !strings.Contains(err.Error(), tc.refusal)):
				t.Fatalf("Load = %v, want %q", err, tc.refusal)
			case tc.refusal == "" && c.DatabaseReadURL != tc.readURL:
				t.Fatalf("DatabaseReadURL = %q, want %q", c.DatabaseReadURL, tc.readURL)
			}
		})
	}
}

func TestLogAttrsMaskReadURLPassword(t *testing.T) {
	c := Config{DatabaseURL: "postgres://u@db.example.com/x", DatabaseReadURL: "postgres://u:hunter2@replica.example.com/x"}
	for _, a := range c.LogAttrs() {
		if s, ok := a.(interface{ String() string }); ok && strings.Contains(s.String(), "hunter2") {
			t.Fatalf("the read URL's password is logged: %s", s.String())
		}
	}
}

// TestHashConcurrencyLeavesOneCPU: by default the hashes take all the
// CPUs the process may use (GOMAXPROCS, a container's limit, not the
// host's cores) but one, and at least one.
func TestHashConcurrencyLeavesOneCPU(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for procs, want := range map[int]int{1: 1, 2: 1, 3: 2, 8: 7} {
		runtime.GOMAXPROCS(procs)
		env := map[string]string{"JWT_SECRET": strings.Repeat("s", 32), "DATA_DIR": t.TempDir()}
		c, err := Load(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if c.HashConcurrency != want {
			t.Errorf("HashConcurrency = %d with GOMAXPROCS %d (NumCPU %d), want %d", c.HashConcurrency, procs, runtime.NumCPU(), want)
		}
	}
}

// TestDefaultsAreTheComponents: a setting left unset configures a
// component exactly as that component configures itself when given zero,
// so that the service and a test server (which leaves them zero) agree.
func TestDefaultsAreTheComponents(t *testing.T) {
	env := map[string]string{"JWT_SECRET": strings.Repeat("s", 32), "DATA_DIR": t.TempDir()}
	c, err := Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	fromConfig := graph.Limits{
		MaxPageSize: c.MaxPageSize, MaxDepth: c.MaxQueryDepth,
		MaxComplexity: c.MaxQueryComplexity, MaxAliases: c.MaxAliases,
	}.WithDefaults()
	if own := (graph.Limits{}).WithDefaults(); fromConfig != own {
		t.Errorf("limits from the configuration's defaults = %+v, graph's own = %+v", fromConfig, own)
	}
	if c.DBMaxConns != database.DefaultMaxConns {
		t.Errorf("DBMaxConns = %d, internal/database's default is %d", c.DBMaxConns, database.DefaultMaxConns)
	}
	if c.MaxBodyBytes != server.DefaultMaxBodyBytes || c.RequestTimeout != server.DefaultRequestTimeout {
		t.Errorf("MaxBodyBytes, RequestTimeout = %d, %s; internal/server's defaults are %d, %s",
			c.MaxBodyBytes, c.RequestTimeout, server.DefaultMaxBodyBytes, server.DefaultRequestTimeout)
	}
	if c.HashConcurrency != values.DefaultHashConcurrency() {
		t.Errorf("HashConcurrency = %d, internal/values' default is %d", c.HashConcurrency, values.DefaultHashConcurrency())
	}
}

// TestCustomerSessionLimits: unset, the limits are sessions' defaults; set,
// they are read; a value that is not positive stops the start, named.
func TestCustomerSessionLimits(t *testing.T) {
	base := map[string]string{"JWT_SECRET": strings.Repeat("s", 32), "DATA_DIR": t.TempDir()}
	c, err := Load(func(k string) string { return base[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := sessions.Limits{}.WithDefaults()
	if c.Sessions != want {
		t.Errorf("defaults = %+v, want %+v", c.Sessions, want)
	}
	set := map[string]string{
		"CUSTOMER_SESSION_TTL": "5m", "CUSTOMER_SESSION_USERNAME_FAILURES": "3",
		"CUSTOMER_SESSION_ADDRESS_FAILURES": "9", "CUSTOMER_SESSION_WINDOW": "1h", "CUSTOMER_SESSION_LOCKOUT": "30m",
	}
	for k, v := range base {
		set[k] = v
	}
	if c, err = Load(func(k string) string { return set[k] }); err != nil {
		t.Fatal(err)
	}
	want = sessions.Limits{TTL: 5 * time.Minute, UserFailures: 3, AddressFailures: 9, Window: time.Hour, Lockout: 30 * time.Minute}
	if c.Sessions != want {
		t.Errorf("set = %+v, want %+v", c.Sessions, want)
	}
	for _, name := range []string{"CUSTOMER_SESSION_TTL", "CUSTOMER_SESSION_USERNAME_FAILURES", "CUSTOMER_SESSION_LOCKOUT"} {
		bad := map[string]string{name: "0"}
		for k, v := range base {
			bad[k] = v
		}
		if _, err := Load(func(k string) string { return bad[k] }); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=0: Load = %v, want an error naming it", name, err)
		}
	}
}

// TestCustomerSessionTTLCap: a customer session is rechecked against its
// customer on every request, but a token once handed out cannot be
// recalled, so its life is bounded: over the cap the start stops, naming
// the variable and the cap.
func TestCustomerSessionTTLCap(t *testing.T) {
	env := map[string]string{"JWT_SECRET": strings.Repeat("s", 32), "DATA_DIR": t.TempDir(), "CUSTOMER_SESSION_TTL": "1h"}
	if _, err := Load(func(k string) string { return env[k] }); err != nil {
		t.Fatalf("CUSTOMER_SESSION_TTL=1h: %v", err)
	}
	env["CUSTOMER_SESSION_TTL"] = "61m"
	if _, err := Load(func(k string) string { return env[k] }); err == nil ||
		!strings.Contains(err.Error(), "CUSTOMER_SESSION_TTL") || !strings.Contains(err.Error(), "1h") {
		t.Errorf("CUSTOMER_SESSION_TTL=61m: Load = %v, want an error naming it and the cap", err)
	}
}
