package main

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"onboard/internal/testutil"
)

// TestMigrateCommandTwice runs `onboard migrate` twice on one database: the
// first applies the migrations, the second finds nothing to do.
func TestMigrateCommandTwice(t *testing.T) {
	vars := map[string]string{"DATA_DIR": t.TempDir()}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		vars["DATABASE_URL"] = testutil.FreshSchema(t, u)
	}
	for i, wantApplied := range []bool{vars["DATABASE_URL"] != "", false} {
		var stdout, stderr testutil.SyncBuffer
		if err := run(context.Background(), []string{"migrate"}, env(vars), &stdout, &stderr); err != nil {
			t.Fatalf("migrate #%d: %v\n%s", i+1, err, stderr.String())
		}
		logs := stderr.String()
		if !strings.Contains(logs, `"msg":"schema migrated"`) {
			t.Errorf("migrate #%d did not log its end:\n%s", i+1, logs)
		}
		if applied := strings.Contains(logs, `"msg":"applying migration"`); applied != wantApplied {
			t.Errorf("migrate #%d applied a migration: %v, want %v:\n%s", i+1, applied, wantApplied, logs)
		}
	}
}

// TestMigrateTwoInstancesAtOnce starts two `onboard migrate` on one empty
// PostgreSQL schema at the same moment: the advisory lock lets one apply
// the files while the other waits, then finds nothing pending; neither
// fails and each file is applied once.
func TestMigrateTwoInstancesAtOnce(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("the migration lock is PostgreSQL's: TEST_DATABASE_URL is not set")
	}
	vars := map[string]string{"DATA_DIR": t.TempDir(), "DATABASE_URL": testutil.FreshSchema(t, base)}
	var (
		wg     sync.WaitGroup
		start  = make(chan struct{})
		errs   [2]error
		logs   [2]testutil.SyncBuffer
		stdout testutil.SyncBuffer
	)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = run(context.Background(), []string{"migrate"}, env(vars), &stdout, &logs[i])
		}()
	}
	close(start)
	wg.Wait()
	applied := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v\n%s", i+1, err, logs[i].String())
		}
		applied += strings.Count(logs[i].String(), `"msg":"applying migration"`)
	}
	files, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".sql") {
			want++
		}
	}
	if applied != want {
		t.Errorf("the two instances applied %d files between them, want each of the %d once", applied, want)
	}
}
