// Package config reads the service's configuration from the environment,
// checks it, and renders it for the log with secrets masked.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"onboard/graph"
	"onboard/internal/database"
	"onboard/internal/events"
	"onboard/internal/server"
	"onboard/internal/sessions"
	"onboard/internal/values"
	"onboard/internal/webhooks"
)

// Environments.
const (
	Development = "development"
	Production  = "production"
)

// Config is the service configuration.
type Config struct {
	Env         string
	Addr        string
	DatabaseURL string
	// DatabaseReadURL is DATABASE_READ_URL: a read replica of DatabaseURL
	// that answers query operations (see internal/database's route).
	DatabaseReadURL string
	DataDir         string
	DBMaxConns      int
	// HashConcurrency bounds concurrent argon2id hashes (≈19 MiB each);
	// the default leaves one CPU to everything else (see
	// values.DefaultHashConcurrency).
	HashConcurrency int
	JWTSecret       []byte
	JWTPublicKey    []byte
	JWTAlgorithm    string
	JWTIssuer       string
	JWTAudience     string
	Introspection   bool
	Playground      bool
	// TrustProxy takes the client's address from X-Forwarded-For and
	// X-Real-IP: set it only behind a proxy that overwrites them.
	TrustProxy      bool
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	MaxBodyBytes    int64
	// MaxPageSize, MaxQueryDepth, MaxQueryComplexity and MaxAliases bound
	// one GraphQL operation (see graph.Limits; the defaults here are
	// graph's DefaultMax… constants).
	MaxPageSize        int
	MaxQueryDepth      int
	MaxQueryComplexity int
	MaxAliases         int
	// CORSAllowedOrigins is CORS_ALLOWED_ORIGINS as set: the origins whose
	// pages may call /graphql (server.NewCORS checks and reads it).
	CORSAllowedOrigins string
	// SecretGenerated is true when the development secret was created in
	// DataDir (it is kept there so tokens survive a restart).
	SecretGenerated bool
	// LogLevel is LOG_LEVEL: debug, info (the default), warn or error.
	LogLevel slog.Level
	// MetricsAddr, when set, serves /metrics on a listener of its own
	// instead of the main one (METRICS_ADDR).
	MetricsAddr string
	// OTLPTracesEndpoint is the OTLP/HTTP URL spans are sent to, from the
	// standard OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
	// OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces); "" turns tracing off.
	OTLPTracesEndpoint string
	// ServiceName is OTEL_SERVICE_NAME (default onboard).
	ServiceName string
	// Sessions are the customer-session limits: CUSTOMER_SESSION_TTL,
	// CUSTOMER_SESSION_USERNAME_FAILURES, CUSTOMER_SESSION_ADDRESS_FAILURES,
	// CUSTOMER_SESSION_WINDOW and CUSTOMER_SESSION_LOCKOUT.
	Sessions sessions.Limits
	// Events are the sequencer's and the subscriptions' settings:
	// EVENTS_POLL_INTERVAL, SUBSCRIPTIONS_PER_CONNECTION,
	// SUBSCRIPTIONS_PER_TENANT, API_KEY_RECHECK_INTERVAL.
	Events events.Settings
	// Webhooks are delivery's settings: WEBHOOK_SECRET_KEY (generated in
	// DataDir in development), WEBHOOK_ALLOW_LOOPBACK, WEBHOOK_TIMEOUT,
	// WEBHOOK_RETRY_FOR, WEBHOOK_BACKOFF_BASE, WEBHOOK_BACKOFF_MAX,
	// WEBHOOK_DISABLE_AFTER, WEBHOOK_DISABLE_FAILING_FOR, WEBHOOK_WORKERS
	// and EVENTS_POLL_INTERVAL.
	Webhooks webhooks.Settings
	// WebhookKeyGenerated is true when the development webhook key was
	// created in DataDir.
	WebhookKeyGenerated bool
}

// ListenAddr is the address the server listens on: ADDR, else the
// loopback interface in development (its playground page holds a token
// with every scope) and every interface in production, usually in a
// container. onboard health reads it alone, needing no other setting.
func ListenAddr(getenv func(string) string) string {
	def := ":8080"
	if strings.ToLower(or(getenv("ONBOARD_ENV"), Development)) == Development {
		def = "127.0.0.1:8080"
	}
	return or(getenv("ADDR"), def)
}

// Load reads the configuration through getenv (os.Getenv in production,
// a map in tests).
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Env:             strings.ToLower(or(getenv("ONBOARD_ENV"), Development)),
		DatabaseURL:     getenv("DATABASE_URL"),
		DatabaseReadURL: getenv("DATABASE_READ_URL"),
		DataDir:         or(getenv("DATA_DIR"), "data"),
		JWTAlgorithm:    or(getenv("JWT_ALGORITHM"), "HS256"),
		JWTIssuer:       getenv("JWT_ISSUER"),
		JWTAudience:     getenv("JWT_AUDIENCE"),
		JWTSecret:       []byte(getenv("JWT_SECRET")),

		CORSAllowedOrigins: getenv("CORS_ALLOWED_ORIGINS"),
	}
	if c.Env != Development && c.Env != Production {
		return c, fmt.Errorf("ONBOARD_ENV must be %s or %s", Development, Production)
	}
	c.Addr = ListenAddr(getenv)
	var errs []error
	intVar := func(name string, def int) int {
		v := getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("%s must be a positive integer", name))
		}
		return n
	}
	durationVar := func(name string, def time.Duration) time.Duration {
		v := getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be a positive duration such as 30s", name))
		}
		return d
	}
	boolVar := func(name string, def bool) bool {
		v := getenv(name)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s must be true or false", name))
		}
		return b
	}
	// Defaults are the owning components' own, so that a setting left
	// unset behaves as the component does when given zero.
	c.DBMaxConns = intVar("DB_MAX_CONNS", database.DefaultMaxConns)
	c.HashConcurrency = intVar("HASH_CONCURRENCY", values.DefaultHashConcurrency())
	c.MaxBodyBytes = int64(intVar("MAX_BODY_BYTES", server.DefaultMaxBodyBytes))
	c.MaxPageSize = intVar("MAX_PAGE_SIZE", graph.DefaultMaxPageSize)
	c.MaxQueryDepth = intVar("MAX_QUERY_DEPTH", graph.DefaultMaxDepth)
	c.MaxQueryComplexity = intVar("MAX_QUERY_COMPLEXITY", graph.DefaultMaxComplexity)
	c.MaxAliases = intVar("MAX_ALIASES", graph.DefaultMaxAliases)
	c.RequestTimeout = durationVar("REQUEST_TIMEOUT", server.DefaultRequestTimeout)
	c.ShutdownTimeout = durationVar("SHUTDOWN_TIMEOUT", 20*time.Second)
	c.Introspection = boolVar("INTROSPECTION", c.Env == Development)
	c.Playground = boolVar("PLAYGROUND", c.Env == Development)
	c.TrustProxy = boolVar("TRUST_PROXY", false)
	c.Sessions = sessions.Limits{
		TTL:             durationVar("CUSTOMER_SESSION_TTL", sessions.DefaultTTL),
		UserFailures:    intVar("CUSTOMER_SESSION_USERNAME_FAILURES", sessions.DefaultUserFailures),
		AddressFailures: intVar("CUSTOMER_SESSION_ADDRESS_FAILURES", sessions.DefaultAddressFailures),
		Window:          durationVar("CUSTOMER_SESSION_WINDOW", sessions.DefaultWindow),
		Lockout:         durationVar("CUSTOMER_SESSION_LOCKOUT", sessions.DefaultLockout),
	}
	c.Events = events.Settings{
		PollInterval:               durationVar("EVENTS_POLL_INTERVAL", events.DefaultPollInterval),
		SubscriptionsPerConnection: intVar("SUBSCRIPTIONS_PER_CONNECTION", events.DefaultSubscriptionsPerConnection),
		SubscriptionsPerTenant:     intVar("SUBSCRIPTIONS_PER_TENANT", events.DefaultSubscriptionsPerTenant),
		KeyRecheckInterval:         durationVar("API_KEY_RECHECK_INTERVAL", events.DefaultKeyRecheckInterval),
	}
	c.Webhooks = webhooks.Settings{
		AllowLoopback:     boolVar("WEBHOOK_ALLOW_LOOPBACK", c.Env == Development),
		Timeout:           durationVar("WEBHOOK_TIMEOUT", webhooks.DefaultTimeout),
		RetryFor:          durationVar("WEBHOOK_RETRY_FOR", webhooks.DefaultRetryFor),
		BackoffBase:       durationVar("WEBHOOK_BACKOFF_BASE", webhooks.DefaultBackoffBase),
		BackoffMax:        durationVar("WEBHOOK_BACKOFF_MAX", webhooks.DefaultBackoffMax),
		DisableAfter:      intVar("WEBHOOK_DISABLE_AFTER", webhooks.DefaultDisableAfter),
		DisableFailingFor: durationVar("WEBHOOK_DISABLE_FAILING_FOR", webhooks.DefaultDisableFailingFor),
		Workers:           intVar("WEBHOOK_WORKERS", webhooks.DefaultWorkers),
		PollInterval:      c.Events.PollInterval,
	}
	if err := c.loadWebhookKey(getenv); err != nil {
		errs = append(errs, err)
	}
	if c.Sessions.TTL > sessions.MaxTTL {
		errs = append(errs, fmt.Errorf("CUSTOMER_SESSION_TTL must be at most %s: a customer session cannot be recalled once handed out", sessions.MaxTTL))
	}
	if err := c.checkReadURL(); err != nil {
		errs = append(errs, err)
	}
	if err := c.loadObservability(getenv); err != nil {
		errs = append(errs, err)
	}
	if path := getenv("JWT_PUBLIC_KEY_FILE"); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading JWT_PUBLIC_KEY_FILE: %w", err))
		}
		c.JWTPublicKey = pem
	}
	if len(c.JWTSecret) > 0 && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("JWT_SECRET must be at least 32 bytes"))
	}
	if len(c.JWTSecret) == 0 && len(c.JWTPublicKey) == 0 {
		if c.Env == Production {
			errs = append(errs, errors.New("production needs JWT_SECRET or JWT_PUBLIC_KEY_FILE"))
		} else if err := c.loadDevelopmentSecret(); err != nil {
			errs = append(errs, err)
		}
	}
	return c, errors.Join(errs...)
}

// checkReadURL refuses a read replica that cannot be one: without
// DATABASE_URL the store is an embedded SQLite file, which has no replica,
// and a replica is PostgreSQL.
func (c *Config) checkReadURL() error {
	switch {
	case c.DatabaseReadURL == "":
		return nil
	case c.DatabaseURL == "":
		return errors.New("DATABASE_READ_URL needs DATABASE_URL: the embedded database has no replica")
	case !strings.HasPrefix(c.DatabaseReadURL, "postgres://") && !strings.HasPrefix(c.DatabaseReadURL, "postgresql://"):
		return errors.New("DATABASE_READ_URL must be a postgres:// URL")
	}
	return nil
}

// loadObservability reads LOG_LEVEL, METRICS_ADDR and the OpenTelemetry
// variables the specification names for an OTLP trace exporter. Only
// OTLP over HTTP (http/protobuf, the specification's default) is built in.
func (c *Config) loadObservability(getenv func(string) string) error {
	switch level := strings.ToLower(or(getenv("LOG_LEVEL"), "info")); level {
	case "debug", "info", "warn", "error":
		_ = c.LogLevel.UnmarshalText([]byte(level))
	default:
		return errors.New("LOG_LEVEL must be debug, info, warn or error")
	}
	c.MetricsAddr = getenv("METRICS_ADDR")
	c.ServiceName = or(getenv("OTEL_SERVICE_NAME"), "onboard")
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") || getenv("OTEL_TRACES_EXPORTER") == "none" {
		return nil
	}
	c.OTLPTracesEndpoint = getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
	if base := getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); c.OTLPTracesEndpoint == "" && base != "" {
		c.OTLPTracesEndpoint = strings.TrimSuffix(base, "/") + "/v1/traces"
	}
	if c.OTLPTracesEndpoint == "" {
		return nil
	}
	if u, err := url.Parse(c.OTLPTracesEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) must be an http:// or https:// URL")
	}
	protocol := or(getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), getenv("OTEL_EXPORTER_OTLP_PROTOCOL"))
	if protocol != "" && protocol != "http/protobuf" {
		return fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q is not supported: use http/protobuf", protocol)
	}
	return nil
}

// loadDevelopmentSecret reads, or creates once, DataDir/jwt-secret so that
// a developer's tokens survive restarts without any setup.
func (c *Config) loadDevelopmentSecret() error {
	path := filepath.Join(c.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		c.JWTSecret = []byte(strings.TrimSpace(string(b)))
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("creating DATA_DIR: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	secret := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing the development JWT secret: %w", err)
	}
	c.JWTSecret, c.SecretGenerated = []byte(secret), true
	return nil
}

// loadWebhookKey reads WEBHOOK_SECRET_KEY (base64 of 32 bytes). Unset, a
// development server keeps a generated key in DataDir, as it does its JWT
// secret, so endpoints made before a restart still sign; production runs
// without webhooks until the key is set.
func (c *Config) loadWebhookKey(getenv func(string) string) error {
	if v := getenv("WEBHOOK_SECRET_KEY"); v != "" {
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil || len(key) != webhooks.SecretKeyLen {
			return fmt.Errorf("WEBHOOK_SECRET_KEY must be the base64 of %d random bytes (openssl rand -base64 %d)", webhooks.SecretKeyLen, webhooks.SecretKeyLen)
		}
		c.Webhooks.SecretKey = key
		return nil
	}
	if c.Env != Development {
		return nil
	}
	path := filepath.Join(c.DataDir, "webhook-secret-key")
	if b, err := os.ReadFile(path); err == nil {
		if key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b))); err == nil && len(key) == webhooks.SecretKeyLen {
			c.Webhooks.SecretKey = key
			return nil
		}
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("creating DATA_DIR: %w", err)
	}
	key := make([]byte, webhooks.SecretKeyLen)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing the development webhook key: %w", err)
	}
	c.Webhooks.SecretKey, c.WebhookKeyGenerated = key, true
	return nil
}

// LogAttrs renders the configuration for the start-up log line: the
// database password and the JWT secret never appear.
func (c Config) LogAttrs() []any {
	db := "sqlite:" + filepath.Join(c.DataDir, "onboard.db")
	if c.DatabaseURL != "" {
		db = MaskURL(c.DatabaseURL)
	}
	secret := "unset"
	if len(c.JWTSecret) > 0 {
		secret = fmt.Sprintf("set (%d bytes)", len(c.JWTSecret))
	}
	return []any{
		slog.String("env", c.Env),
		slog.String("addr", c.Addr),
		slog.String("database", db),
		slog.String("readDatabase", MaskURL(c.DatabaseReadURL)),
		slog.Int("dbMaxConns", c.DBMaxConns),
		slog.Int("hashConcurrency", c.HashConcurrency),
		slog.String("jwtSecret", secret),
		slog.Bool("jwtPublicKey", len(c.JWTPublicKey) > 0),
		slog.String("jwtAlgorithm", c.JWTAlgorithm),
		slog.String("jwtIssuer", c.JWTIssuer),
		slog.String("jwtAudience", c.JWTAudience),
		slog.Bool("introspection", c.Introspection),
		slog.Bool("playground", c.Playground),
		slog.Bool("trustProxy", c.TrustProxy),
		slog.String("corsAllowedOrigins", c.CORSAllowedOrigins),
		slog.Duration("requestTimeout", c.RequestTimeout),
		slog.Int64("maxBodyBytes", c.MaxBodyBytes),
		slog.Int("maxPageSize", c.MaxPageSize),
		slog.Int("maxQueryDepth", c.MaxQueryDepth),
		slog.Int("maxQueryComplexity", c.MaxQueryComplexity),
		slog.Int("maxAliases", c.MaxAliases),
		slog.String("logLevel", c.LogLevel.String()),
		slog.String("metricsAddr", c.MetricsAddr),
		slog.String("otlpTracesEndpoint", MaskURL(c.OTLPTracesEndpoint)),
		slog.Duration("customerSessionTTL", c.Sessions.TTL),
		slog.Int("customerSessionUsernameFailures", c.Sessions.UserFailures),
		slog.Int("customerSessionAddressFailures", c.Sessions.AddressFailures),
		slog.Duration("customerSessionWindow", c.Sessions.Window),
		slog.Duration("customerSessionLockout", c.Sessions.Lockout),
		slog.Duration("eventsPollInterval", c.Events.PollInterval),
		slog.Int("subscriptionsPerConnection", c.Events.SubscriptionsPerConnection),
		slog.Int("subscriptionsPerTenant", c.Events.SubscriptionsPerTenant),
		slog.Bool("webhookSecretKey", len(c.Webhooks.SecretKey) > 0),
		slog.Bool("webhookAllowLoopback", c.Webhooks.AllowLoopback),
		slog.Duration("webhookTimeout", c.Webhooks.Timeout),
		slog.Duration("webhookRetryFor", c.Webhooks.RetryFor),
		slog.Duration("webhookBackoffBase", c.Webhooks.BackoffBase),
		slog.Duration("webhookBackoffMax", c.Webhooks.BackoffMax),
		slog.Int("webhookDisableAfter", c.Webhooks.DisableAfter),
		slog.Duration("webhookDisableFailingFor", c.Webhooks.DisableFailingFor),
		slog.Int("webhookWorkers", c.Webhooks.Workers),
	}
}

// MaskURL hides the password of a connection URL.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "*****")
	}
	return u.Redacted()
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
