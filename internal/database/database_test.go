package database_test

import (
	"context"
	"os"
	"path/filepath"
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
