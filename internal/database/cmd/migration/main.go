// Command migration writes the next versioned migration file of the
// PostgreSQL schema: the statements that take the schema migrations/
// builds to the one the ent schema (schema/) describes. Run it from the
// module root after changing schema/ and running ent's generation:
//
//	go run ./internal/database/cmd/migration add_customer_nickname
//
// It needs a PostgreSQL to replay the directory on (the dev database):
// -dev-url, else $DEV_DATABASE_URL, else the local
// postgres://postgres@127.0.0.1:5432/test. It works in a throw-away schema
// of that database, dropped afterwards, so any database will do.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"

	"ariga.io/atlas/sql/migrate"

	"onboard/internal/database"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "migration:", err)
		os.Exit(1)
	}
}

func run() error {
	devURL := flag.String("dev-url", os.Getenv("DEV_DATABASE_URL"), "PostgreSQL to replay the migrations on (a throw-away schema is created in it)")
	dirPath := flag.String("dir", "migrations", "migration directory")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./internal/database/cmd/migration [-dev-url URL] [-dir migrations] NAME")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *devURL == "" {
		*devURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	dir, err := migrate.NewLocalDir(*dirPath)
	if err != nil {
		return err
	}
	before, err := dir.Files()
	if err != nil {
		return err
	}
	scratchURL, drop, err := scratchSchema(*devURL)
	if err != nil {
		return err
	}
	defer drop()
	switch err := database.DiffMigration(context.Background(), scratchURL, dir, flag.Arg(0)); {
	case errors.Is(err, migrate.ErrNoPlan):
		fmt.Println("no changes: the migration files already give the ent schema")
		return nil
	case err != nil:
		return err
	}
	after, err := dir.Files()
	if err != nil {
		return err
	}
	for _, f := range after[len(before):] {
		fmt.Println("wrote", *dirPath+"/"+f.Name(), "and updated atlas.sum: review it, then commit both")
	}
	return nil
}

// scratchSchema creates an empty schema in the database at base and returns
// a URL that uses it and a function that drops it.
func scratchSchema(base string) (string, func(), error) {
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "migration_dev_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("creating a scratch schema in the dev database: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + name + ` CASCADE`); err != nil {
			fmt.Fprintln(os.Stderr, "migration: dropping the scratch schema:", err)
		}
		admin.Close()
	}, nil
}
