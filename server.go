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
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"onboard/ent"
	"onboard/graph"
	"onboard/internal/auth"
	"onboard/internal/config"
	"onboard/internal/database"
	"onboard/internal/demo"
	"onboard/internal/playground"
	"onboard/internal/server"
	"onboard/internal/viewer"
)

// devTokenTTL is the lifetime of the token printed at a development start:
// long enough to keep in a shell profile or a client for weeks of work.
const devTokenTTL = 30 * 24 * time.Hour

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
		return serve(ctx, cfg, logger, stdout)
	case "migrate":
		return migrate(ctx, cfg, logger)
	case "token":
		return token(cfg, args, stdout)
	}
	return fmt.Errorf("unknown command %q (serve, migrate, token)", cmd)
}

// openMigrated opens the configured database and brings its schema up to date.
// The logger reports the repairs a migration makes before it creates a
// unique index (see internal/database).
func openMigrated(ctx context.Context, cfg config.Config, logger *slog.Logger) (*database.DB, error) {
	db, err := database.Open(database.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxConns: cfg.DBMaxConns, Logger: logger}, nil)
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
	db, err := openMigrated(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	logger.Info("schema migrated", "dialect", db.Dialect)
	return nil
}

func serve(ctx context.Context, cfg config.Config, logger *slog.Logger, stdout io.Writer) error {
	logger.Info("starting", cfg.LogAttrs()...)
	cors, err := server.NewCORS(cfg.CORSAllowedOrigins)
	if err != nil {
		return err
	}
	db, err := openMigrated(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	authn, err := newAuthenticator(cfg, db)
	if err != nil {
		return err
	}
	// Development seeds the demo tenant at every start (idempotently) and
	// hands the developer a token for it; production does neither.
	var devToken string
	if cfg.Env == config.Development {
		if devToken, err = startDemo(ctx, cfg, db, authn, logger); err != nil {
			return err
		}
	}
	var page http.Handler
	if cfg.Playground {
		page = playground.Handler(playgroundOptions(cfg, devToken))
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
			CORS:            cors,
			Limits: graph.Limits{
				MaxPageSize:   cfg.MaxPageSize,
				MaxDepth:      cfg.MaxQueryDepth,
				MaxComplexity: cfg.MaxQueryComplexity,
				MaxAliases:    cfg.MaxAliases,
			},
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.RequestTimeout,
		WriteTimeout:      cfg.RequestTimeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	// Listen before announcing anything, so the printed URL answers.
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	logger.Info("listening", "addr", l.Addr().String())
	if cfg.Env == config.Development {
		printWelcome(stdout, cfg, l.Addr(), devToken)
	}
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

// startDemo seeds the demo tenant and mints a token for it with every scope.
// The token is "" when this server cannot sign (a public key is configured):
// the caller brings its own then.
func startDemo(ctx context.Context, cfg config.Config, db *database.DB, authn *auth.Authenticator, logger *slog.Logger) (string, error) {
	if _, err := demo.Seed(ctx, db.Client); err != nil {
		return "", fmt.Errorf("seeding the demo tenant: %w", err)
	}
	tok, err := authn.Mint(auth.TokenRequest{
		Subject:  "onboard-dev",
		Tenants:  []string{demo.TenantKey},
		Scopes:   viewer.AllScopes(),
		TTL:      devTokenTTL,
		Issuer:   cfg.JWTIssuer,
		Audience: cfg.JWTAudience,
	})
	if err != nil {
		logger.Warn("no development token", "reason", err.Error())
		return "", nil
	}
	return tok, nil
}

// playgroundOptions configures GraphiQL. In development it opens with the
// demo tenant's headers filled in and the example operations in tabs, so a
// newcomer can register a customer without typing anything.
func playgroundOptions(cfg config.Config, devToken string) playground.Options {
	opts := playground.Options{Endpoint: "/graphql", Title: "Onboard"}
	if cfg.Env != config.Development {
		return opts
	}
	opts.Headers = map[string]string{"X-Tenant-ID": demo.TenantKey}
	if devToken != "" {
		opts.Headers["Authorization"] = "Bearer " + devToken
	}
	for _, ex := range demo.Examples() {
		opts.Tabs = append(opts.Tabs, playground.Tab{Title: ex.Title, Query: ex.Query, Variables: ex.Variables})
	}
	return opts
}

// printWelcome tells a developer, on stdout, how to call the server just
// started: the demo token and where to go. The signing secret itself is
// never printed.
func printWelcome(w io.Writer, cfg config.Config, addr net.Addr, devToken string) {
	base := "http://" + browsable(addr)
	if devToken != "" {
		fmt.Fprintf(w, "Token for the demo tenant %s, every scope, valid %d days:\n%s\n",
			demo.TenantKey, int(devTokenTTL.Hours()/24), devToken)
	}
	if cfg.Playground {
		fmt.Fprintf(w, "Open %s/ (GraphiQL with the Authorization and X-Tenant-ID headers filled in).\n", base)
		return
	}
	fmt.Fprintf(w, "POST GraphQL to %s/graphql with X-Tenant-ID: %s.\n", base, demo.TenantKey)
}

// browsable turns a listen address into one a browser can open: a wildcard
// host (":8080", "0.0.0.0", "::") becomes localhost.
func browsable(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
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
		// e.g. --tenant '*' without tenants:admin in --scope: the server
		// would refuse the token, so none is printed.
		return fmt.Errorf("token: %w", err)
	}
	_, err = fmt.Fprintln(stdout, s)
	return err
}
