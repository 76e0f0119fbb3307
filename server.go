// Command onboard serves the Onboard GraphQL API.
//
//	onboard [serve]     migrate the database, then serve HTTP
//	onboard migrate     migrate the database and exit
//	onboard token ...   print a signed token (see `onboard token -h`)
//	onboard health      exit 0 when the server at ADDR is ready
//	onboard help        print the usage
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
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"entgo.io/ent/dialect"

	"onboard/ent"
	"onboard/graph"
	"onboard/internal/auth"
	"onboard/internal/config"
	"onboard/internal/database"
	"onboard/internal/demo"
	"onboard/internal/observe"
	"onboard/internal/playground"
	"onboard/internal/server"
	"onboard/internal/values"
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

// usage is what `onboard help` prints.
const usage = `Usage: onboard [command] [flags]

Commands:
  serve     migrate the database, then serve the API (the default)
  migrate   migrate the database and exit
  token     print a signed token, e.g. onboard token --tenant KEY --scope 'customers:read'
            (onboard token -h lists its flags and the scopes)
  health    exit 0 when the server at ADDR answers ready on /readyz, 1 when not:
            the health check of a container without a shell
  help      print this help

The configuration comes from the environment (ADDR, DATABASE_URL, ONBOARD_ENV,
JWT_SECRET, CORS_ALLOWED_ORIGINS, ...): see README.md.
`

// run is main without the process: tests call it with their own
// environment, output and context.
//
// The command line is read whole before the configuration, so that help
// works in any environment and a mistyped flag or command is an error
// that starts nothing and writes nothing (no data directory, no secret).
// Help goes to stdout and succeeds; a usage error prints the usage on
// stderr and fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" {
		if len(args) > 0 {
			cmd, args = args[0], []string{"-h"} // onboard help token
		} else {
			args = []string{"-h"}
		}
	}
	fs := flag.NewFlagSet("onboard "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run prints the usage itself, on the right stream
	fs.Usage = func() {}
	printUsage := func(w io.Writer) { fmt.Fprint(w, usage) }
	var tok *tokenFlags
	switch cmd {
	case "serve", "help", "migrate", "health":
	case "token":
		tok = newTokenFlags(fs)
		printUsage = tok.usage(fs)
	default:
		printUsage(stderr)
		return fmt.Errorf("unknown command %q", cmd)
	}
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout)
		return nil
	}
	if err != nil {
		printUsage(stderr)
		return err
	}

	if cmd == "health" {
		// A probe needs the address alone: no secret, no data directory.
		return health(ctx, config.ListenAddr(getenv), stdout)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	switch cmd {
	case "migrate":
		return migrate(ctx, cfg, logger)
	case "token":
		return tok.mint(cfg, stdout)
	}
	return serve(ctx, cfg, logger, stdout)
}

// openMigrated opens the configured database and brings its schema up to date.
// The logger reports the repairs a migration makes before it creates a
// unique index (see internal/database).
// wrap, when not nil, wraps the ent driver (tracing). The read replica
// (DATABASE_READ_URL), when set, must answer too: a mistyped URL stops the
// start instead of failing every read later.
func openMigrated(ctx context.Context, cfg config.Config, logger *slog.Logger, wrap func(dialect.Driver) dialect.Driver) (*database.DB, error) {
	db, err := database.Open(database.Config{URL: cfg.DatabaseURL, ReadURL: cfg.DatabaseReadURL, DataDir: cfg.DataDir, MaxConns: cfg.DBMaxConns, Logger: logger}, wrap)
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, explainConnectError(cfg.DatabaseURL, err)
	}
	if err := db.PingReplica(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("read replica (DATABASE_READ_URL): %w", explainConnectError(cfg.DatabaseReadURL, err))
	}
	start := time.Now()
	logger.Info("migrating the schema", "dialect", db.Dialect)
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	logger.Info("schema migrated", "dialect", db.Dialect, since(start))
	return db, nil
}

func migrate(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	// Migrations run on the primary; the replica follows by replication.
	cfg.DatabaseReadURL = ""
	db, err := openMigrated(ctx, cfg, logger, nil)
	if err != nil {
		return err
	}
	return db.Close()
}

func serve(ctx context.Context, cfg config.Config, logger *slog.Logger, stdout io.Writer) error {
	logger.Info("starting", cfg.LogAttrs()...)
	cors, err := server.NewCORS(cfg.CORSAllowedOrigins)
	if err != nil {
		return err
	}
	tracing, flushTraces, err := startTracing(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer flushTraces()
	db, err := openMigrated(ctx, cfg, logger, tracing.WrapDriver)
	if err != nil {
		return err
	}
	defer db.Close()
	metrics := observe.NewMetrics(db.SQL).AddReplicaPool(db.Replica)
	authn, err := newAuthenticator(cfg, db)
	if err != nil {
		return err
	}
	// Development seeds the demo tenant at every start (idempotently) and
	// hands the developer a token for it; production does neither.
	var devToken string
	var onboarding demo.OnboardingCustomer
	if cfg.Env == config.Development {
		if devToken, onboarding, err = startDemo(ctx, cfg, db, authn, logger); err != nil {
			return err
		}
	}
	delivery, err := server.NewDelivery(db, cfg.Events, cfg.Webhooks, metrics, logger)
	if err != nil {
		return err
	}
	var page http.Handler
	if cfg.Playground {
		page = playground.Handler(playgroundOptions(cfg, devToken, onboarding))
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
			Metrics:         metrics,
			SeparateMetrics: cfg.MetricsAddr != "",
			Tracing:         tracing,
			CORS:            cors,
			Sessions:        cfg.Sessions,
			Delivery:        delivery,
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
	if cfg.MetricsAddr != "" {
		closeMetrics, err := serveMetrics(cfg, metrics, logger)
		if err != nil {
			l.Close()
			return err
		}
		defer closeMetrics()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	delivery.Start()
	logger.Info("listening", "addr", l.Addr().String())
	if cfg.Env == config.Development {
		printWelcome(stdout, cfg, l.Addr(), devToken)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: draining in-flight requests and webhook attempts")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	// Requests and webhook attempts drain side by side, within one timeout.
	stopped := make(chan error, 1)
	go func() { stopped <- delivery.Stop(shutdownCtx) }()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-stopped; err != nil {
		logger.Warn("webhook attempts cut short by the shutdown timeout; they are retried", "error", err.Error())
	}
	// The stopped hub has ended every subscription; their connections
	// close on their own goroutines, which Shutdown does not wait for.
	if err := delivery.SocketsClosed(shutdownCtx); err != nil {
		logger.Warn("subscription connections still open at the shutdown timeout", "error", err.Error())
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// startDemo seeds the demo tenant, with a customer awaiting verification
// for the playground's onboarding tab, and mints a token for it with every
// scope. The token is "" when this server cannot sign (a public key is
// configured): the caller brings its own then.
func startDemo(ctx context.Context, cfg config.Config, db *database.DB, authn *auth.Authenticator, logger *slog.Logger) (string, demo.OnboardingCustomer, error) {
	start := time.Now()
	logger.Info("seeding the demo tenant", "tenant", demo.TenantKey)
	tenantID, err := demo.Seed(ctx, db.Client)
	if err != nil {
		return "", demo.OnboardingCustomer{}, fmt.Errorf("seeding the demo tenant: %w", err)
	}
	// Registered through the GraphQL endpoint, as a client would.
	api := graph.NewHandler(graph.Options{Client: db.Client, Hasher: values.NewHasher(1), Logger: logger})
	onboarding, err := demo.EnsureOnboardingCustomer(ctx, db.Client, tenantID, api)
	if err != nil {
		return "", demo.OnboardingCustomer{}, err
	}
	logger.Info("demo tenant seeded", "tenant", demo.TenantKey, since(start))
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
		return "", onboarding, nil
	}
	return tok, onboarding, nil
}

// playgroundOptions configures GraphiQL. In development it opens with the
// demo tenant's headers filled in and the example operations in tabs, so a
// newcomer can register a customer without typing anything.
func playgroundOptions(cfg config.Config, devToken string, onboarding demo.OnboardingCustomer) playground.Options {
	opts := playground.Options{Endpoint: "/graphql", Title: "Onboard"}
	if cfg.Env != config.Development {
		return opts
	}
	opts.Headers = map[string]string{"X-Tenant-ID": demo.TenantKey}
	if devToken != "" {
		opts.Headers["Authorization"] = "Bearer " + devToken
	}
	for _, ex := range demo.Examples(onboarding) {
		opts.Tabs = append(opts.Tabs, playground.Tab{Title: ex.Title, Description: ex.Description, Query: ex.Query, Variables: ex.Variables})
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

// tokenFlags are the flags of `onboard token`.
type tokenFlags struct {
	tenant, scope, sub *string
	ttl                *time.Duration
}

func newTokenFlags(fs *flag.FlagSet) *tokenFlags {
	return &tokenFlags{
		tenant: fs.String("tenant", "", "tenant key the token grants (\"*\" for platform operators, with tenants:admin); several as a comma-separated list"),
		scope:  fs.String("scope", "customers:register customers:read", "space-separated scopes"),
		ttl:    fs.Duration("ttl", time.Hour, "lifetime"),
		sub:    fs.String("sub", "onboard-cli", "subject: who the token is for (logged with each request)"),
	}
}

// usage prints the token command's flags and the scopes there are.
func (f *tokenFlags) usage(fs *flag.FlagSet) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprint(w, "Usage: onboard token --tenant KEY [--scope 'SCOPE ...'] [--ttl 1h] [--sub NAME]\n\n"+
			"Prints a token signed with the configured secret (JWT_SECRET, or ./data/jwt-secret in development).\n\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		fmt.Fprintf(w, "\nScopes: %s\n", strings.Join(viewer.AllScopes(), " "))
	}
}

func (f *tokenFlags) mint(cfg config.Config, stdout io.Writer) error {
	if *f.tenant == "" {
		return errors.New("token: --tenant is required")
	}
	scopes := strings.Fields(*f.scope)
	for _, s := range scopes {
		if !slices.Contains(viewer.AllScopes(), s) {
			// The server would ignore it: a typo would mint a token
			// that lacks the scope meant.
			return fmt.Errorf("token: unknown scope %q (the scopes: %s)", s, strings.Join(viewer.AllScopes(), " "))
		}
	}
	authn, err := newAuthenticator(cfg, nil)
	if err != nil {
		return err
	}
	s, err := authn.Mint(auth.TokenRequest{
		Subject:  *f.sub,
		Tenants:  strings.Split(*f.tenant, ","),
		Scopes:   scopes,
		TTL:      *f.ttl,
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

// health asks the server listening on addr whether it is ready (GET
// /readyz: the database answers). The image has no shell or curl, so this
// is what a container health check runs. A wildcard listen address is
// asked on the loopback interface.
func health(ctx context.Context, addr string, stdout io.Writer) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("health: ADDR %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	target := "http://" + net.JoinHostPort(host, port) + "/readyz"
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second) // below the compose check's timeout
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	// No proxy from the environment: the server is local.
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %d %s", target, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	_, err = fmt.Fprintf(stdout, "%s: %s\n", target, strings.TrimSpace(string(body)))
	return err
}

// plainName is a database name that needs no quoting in SQL or a shell.
var plainName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// explainConnectError says what to do when the database cannot be used.
// PostgreSQL's "database … does not exist" (SQLSTATE 3D000) is what a first
// run against a fresh server meets: the answer names the database and
// gives the commands that create it (the URL's password is never shown).
func explainConnectError(rawURL string, err error) error {
	var pgErr interface{ SQLState() string }
	if !errors.As(err, &pgErr) || pgErr.SQLState() != "3D000" {
		return fmt.Errorf("connecting to the database: %w", err)
	}
	u, perr := url.Parse(rawURL)
	if perr != nil {
		return fmt.Errorf("connecting to the database: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	ident, arg := name, name
	if !plainName.MatchString(name) {
		ident = `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		arg = "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
	}
	createdb := "createdb"
	if h := u.Hostname(); h != "" {
		createdb += " -h " + h
	}
	if p := u.Port(); p != "" && p != "5432" {
		createdb += " -p " + p
	}
	if user := u.User.Username(); user != "" {
		createdb += " -U " + user
	}
	return fmt.Errorf("the PostgreSQL database %q does not exist: create it with `%s %s` (or `CREATE DATABASE %s;` in psql), then start again",
		name, createdb, arg, ident)
}

// startTracing starts the OTLP exporter when an endpoint is configured
// (nil tracing otherwise) and returns the function that flushes it, for
// serve to defer: spans still buffered at exit are sent, not lost.
func startTracing(ctx context.Context, cfg config.Config, logger *slog.Logger) (*observe.Tracing, func(), error) {
	tracing, err := observe.NewTracing(ctx, observe.TracingConfig{Endpoint: cfg.OTLPTracesEndpoint, ServiceName: cfg.ServiceName})
	if err != nil || tracing == nil {
		return nil, func() {}, err
	}
	logger.Info("tracing", "endpoint", config.MaskURL(cfg.OTLPTracesEndpoint))
	return tracing, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tracing.Shutdown(ctx); err != nil {
			logger.Warn("flushing traces", "error", err.Error())
		}
	}, nil
}

// serveMetrics serves /metrics alone on METRICS_ADDR (a port that only
// the scraper can reach) and returns the function that closes it.
func serveMetrics(cfg config.Config, metrics *observe.Metrics, logger *slog.Logger) (func(), error) {
	l, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener", "error", err.Error())
		}
	}()
	logger.Info("metrics listening", "addr", l.Addr().String())
	return func() { _ = srv.Close() }, nil
}

// since is a duration for the log, in milliseconds like the access log's.
func since(start time.Time) slog.Attr {
	return slog.Float64("durationMs", float64(time.Since(start).Microseconds())/1000)
}
