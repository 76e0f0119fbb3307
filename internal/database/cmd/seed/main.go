// Command seed fills a PostgreSQL database with many customers for trying
// the API at scale (internal/database/seed): a tenant of -customers
// (default 1,000,000) and another of -other (default 100,000) beside it,
// each with the standard roles and the demo catalog. It migrates the
// database first. A tenant that already has customers is left as it is.
//
//	createdb -h 127.0.0.1 -U postgres scale_1m
//	go run ./internal/database/cmd/seed -url 'postgres://postgres@127.0.0.1:5432/scale_1m?sslmode=disable'
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"onboard/internal/database"
	"onboard/internal/database/seed"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run() error {
	url := flag.String("url", os.Getenv("DATABASE_URL"), "PostgreSQL to seed (default $DATABASE_URL)")
	customers := flag.Int("customers", 1_000_000, "customers of the tenant -tenant")
	other := flag.Int("other", 100_000, "customers of the tenant -other-tenant beside it")
	key := flag.String("tenant", "scale", "key of the large tenant")
	otherKey := flag.String("other-tenant", "scale-other", "key of the tenant beside it")
	flag.Parse()
	if *url == "" {
		return fmt.Errorf("give -url or DATABASE_URL (a postgres:// URL)")
	}
	db, err := database.Open(database.Config{URL: *url, MaxConns: 2}, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	for _, t := range []struct {
		key string
		n   int
	}{{*key, *customers}, {*otherKey, *other}} {
		start := time.Now()
		id, have, err := seed.Tenant(ctx, db.Client, db.SQL, t.key, t.n)
		if err != nil {
			return err
		}
		fmt.Printf("tenant %s (%s): %d customers (%s)\n", t.key, id, have, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
