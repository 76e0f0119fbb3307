// Command onboard serves the Onboard GraphQL API.
//
//	onboard [serve]     migrate the database, then serve HTTP
//	onboard migrate     migrate the database and exit
//	onboard token ...   print a signed token (see `onboard token -h`)
package main

//go:generate go run ./ent/entc.go
//go:generate go run github.com/99designs/gqlgen generate

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"onboard/ent"
	"onboard/internal/auth"
	"onboard/internal/config"
	"onboard/internal/database"
	"onboard/internal/playground"
	"onboard/internal/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "onboard:", err)
		os.Exit(1)
	}
}

// run is main without the process: tests call it with their own
// environment, output and context.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, logger)
	case "migrate":
		return migrate(ctx, cfg, logger)
	case "token":
		return token(cfg, args, stdout)
	}
	return fmt.Errorf("unknown command %q (serve, migrate, token)", cmd)
}

// openMigrated opens the configured database and brings its schema up to date.
func openMigrated(ctx context.Context, cfg config.Config) (*database.DB, error) {
	db, err := database.Open(database.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxConns: cfg.DBMaxConns}, nil)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrate(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	logger.Info("schema migrated", "dialect", db.Dialect)
	return nil
}

func serve(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	logger.Info("starting", cfg.LogAttrs()...)
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	authn, err := newAuthenticator(cfg, db)
	if err != nil {
		return err
	}
	var page http.Handler
	if cfg.Playground {
		page = playground.Handler(playground.Options{Endpoint: "/graphql", Title: "Onboard"})
	}
	srv := &http.Server{
		Addr: cfg.Addr,
		Handler: server.New(server.Options{
			DB:              db,
			Auth:            authn,
			Logger:          logger,
			Introspection:   cfg.Introspection,
			HashConcurrency: cfg.HashConcurrency,
			TrustProxy:      cfg.TrustProxy,
			MaxBodyBytes:    cfg.MaxBodyBytes,
			RequestTimeout:  cfg.RequestTimeout,
			Playground:      page,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.RequestTimeout,
		WriteTimeout:      cfg.RequestTimeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("listening", "addr", cfg.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: draining in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

func newAuthenticator(cfg config.Config, db *database.DB) (*auth.Authenticator, error) {
	var client *ent.Client
	if db != nil {
		client = db.Client
	}
	return auth.New(auth.Config{
		Secret:       cfg.JWTSecret,
		PublicKeyPEM: cfg.JWTPublicKey,
		Algorithm:    cfg.JWTAlgorithm,
		Issuer:       cfg.JWTIssuer,
		Audience:     cfg.JWTAudience,
	}, client)
}

func token(cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	tenant := fs.String("tenant", "", "tenant key the token grants (\"*\" for platform operators); repeatable as a comma-separated list")
	scope := fs.String("scope", "customers:register customers:read", "space-separated scopes")
	ttl := fs.Duration("ttl", time.Hour, "lifetime")
	sub := fs.String("sub", "onboard-cli", "subject")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tenant == "" {
		return errors.New("token: --tenant is required")
	}
	authn, err := newAuthenticator(cfg, nil)
	if err != nil {
		return err
	}
	s, err := authn.Mint(auth.TokenRequest{
		Subject:  *sub,
		Tenants:  strings.Split(*tenant, ","),
		Scopes:   strings.Fields(*scope),
		TTL:      *ttl,
		Issuer:   cfg.JWTIssuer,
		Audience: cfg.JWTAudience,
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, s)
	return err
}
