package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"onboard/internal/testutil"
)

// TestReplicaThatDoesNotAnswerStopsTheStart: a mistyped DATABASE_READ_URL
// is an error at start, not a server whose every read fails; `onboard
// migrate` needs the primary alone and ignores it.
func TestReplicaThatDoesNotAnswerStopsTheStart(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set: a read replica needs a PostgreSQL primary")
	}
	vars := map[string]string{
		"DATABASE_URL":      testutil.FreshSchema(t, base),
		"DATABASE_READ_URL": "postgres://postgres@" + freePort(t) + "/onboard?sslmode=disable",
		"ADDR":              freePort(t),
		"DATA_DIR":          t.TempDir(),
		"JWT_SECRET":        testutil.Secret,
	}
	if err := run(context.Background(), []string{"migrate"}, env(vars), io.Discard, io.Discard); err != nil {
		t.Fatalf("migrate with a replica down: %v", err)
	}
	err := run(context.Background(), nil, env(vars), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "read replica (DATABASE_READ_URL)") {
		t.Fatalf("serve with a replica that does not answer = %v, want a refusal naming it", err)
	}
}
