package database_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/database"
)

// TestSQLiteInAnOddlyNamedDirectory opens the embedded database in a
// directory whose name holds the characters a file: URI gives meaning to.
func TestSQLiteInAnOddlyNamedDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "60 %25 a?b#c")
	db, err := database.Open(database.Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatalf("opening: %v", err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "onboard.db")); err != nil {
		t.Fatalf("the database file is not where it belongs: %v", err)
	}
}

// TestPostgresDSNTurnsJITOffAndRequiresTLSUnlessSet: without sslmode in the
// URL (or PGSSLMODE) pgx would try TLS and fall back to plain text; lib/pq,
// which the project used before, required TLS, and so does the DSN.
func TestPostgresDSNTurnsJITOffAndRequiresTLSUnlessSet(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	for in, want := range map[string]string{
		"postgres://u@h:5432/db?sslmode=disable":        "postgres://u@h:5432/db?jit=off&plan_cache_mode=force_custom_plan&sslmode=disable",
		"postgres://u@h/db":                             "postgres://u@h/db?jit=off&plan_cache_mode=force_custom_plan&sslmode=require",
		"postgres://u@h/db?jit=on&sslmode=verify-full":  "postgres://u@h/db?jit=on&plan_cache_mode=force_custom_plan&sslmode=verify-full",
		"postgresql://u:p%40ss@h/db?application_name=x": "postgresql://u:p%40ss@h/db?application_name=x&jit=off&plan_cache_mode=force_custom_plan&sslmode=require",
		// lib/pq's parameters, which PostgreSQL would refuse as settings
		"postgres://u@h/db?binary_parameters=yes&sslmode=disable&disable_prepared_binary_result=yes": "postgres://u@h/db?jit=off&plan_cache_mode=force_custom_plan&sslmode=disable",
	} {
		if got := database.PostgresDSN(in); got != want {
			t.Errorf("PostgresDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPostgresSessionsRunWithoutJIT checks that PostgreSQL takes the jit
// and plan_cache_mode settings from the connection string (skipped without TEST_DATABASE_URL).
func TestPostgresSessionsRunWithoutJIT(t *testing.T) {
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	db, err := database.Open(database.Config{URL: url}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var jit string
	if err := db.SQL.QueryRow("SHOW jit").Scan(&jit); err != nil {
		t.Fatal(err)
	}
	if jit != "off" {
		t.Errorf("jit = %s, want off", jit)
	}
	var plans string
	if err := db.SQL.QueryRow("SHOW plan_cache_mode").Scan(&plans); err != nil {
		t.Fatal(err)
	}
	if plans != "force_custom_plan" {
		t.Errorf("plan_cache_mode = %s, want force_custom_plan", plans)
	}
}

// TestPostgresTakesLibPQURLs: a DATABASE_URL written for lib/pq, with its
// binary_parameters, still connects (pgx alone sends the parameter to
// PostgreSQL as a setting, and PostgreSQL refuses the session).
func TestPostgresTakesLibPQURLs(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	db, err := database.Open(database.Config{URL: base + sep + "binary_parameters=yes"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("ping: %v", err)
	}
}
