// Package webhooks delivers a tenant's events to its endpoints: it keeps
// the endpoints and their signing secrets (encrypted at rest), makes one
// delivery per sequenced event and matching endpoint, and runs the worker
// that claims due deliveries, POSTs them signed, records every attempt,
// retries with backoff and jitter, and disables an endpoint after a run
// of failures.
package webhooks

import "time"

// The defaults of Settings, which the configuration also takes for its
// unset variables (WEBHOOK_…).
const (
	DefaultTimeout      = 10 * time.Second
	DefaultRetryFor     = 72 * time.Hour
	DefaultBackoffBase  = 10 * time.Second
	DefaultBackoffMax   = time.Hour
	DefaultDisableAfter = 20
	// DefaultDisableFailingFor is how long an endpoint must have been
	// failing, beside DisableAfter failures in a row, before it is
	// disabled: a burst of events in a short outage fails many attempts
	// in seconds, and deliveries are retried for days.
	DefaultDisableFailingFor = 24 * time.Hour
	DefaultWorkers           = 4
	DefaultLease             = time.Minute
	DefaultPollInterval      = time.Second
	DefaultOverlap           = 24 * time.Hour
	// MaxOverlap bounds a rotation's overlap: an old secret that signs
	// for longer is a leaked secret that keeps working.
	MaxOverlap = 7 * 24 * time.Hour
)

// Settings configure delivery.
type Settings struct {
	// SecretKey encrypts the endpoints' signing secrets at rest
	// (AES-256-GCM, 32 bytes; WEBHOOK_SECRET_KEY). Without it, webhook
	// endpoints cannot be created and nothing is delivered.
	SecretKey []byte
	// AllowLoopback lets endpoints be http:// or https:// URLs on the
	// loopback interface (development and tests; WEBHOOK_ALLOW_LOOPBACK).
	// Off, only https URLs resolving to public addresses are reached.
	AllowLoopback bool
	// Timeout bounds one attempt, from dialling to the end of the answer
	// (WEBHOOK_TIMEOUT).
	Timeout time.Duration
	// RetryFor is how long a failing delivery is retried after its event
	// (WEBHOOK_RETRY_FOR); then it is FAILED.
	RetryFor time.Duration
	// BackoffBase and BackoffMax shape the retries: the n-th retry waits a
	// random time up to min(BackoffMax, BackoffBase·2ⁿ⁻¹) beyond half of
	// it (WEBHOOK_BACKOFF_BASE, WEBHOOK_BACKOFF_MAX).
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// DisableAfter is the run of consecutive failed attempts after which
	// an endpoint is disabled (WEBHOOK_DISABLE_AFTER).
	DisableAfter int
	// DisableFailingFor is how long the endpoint's run of failures must
	// have lasted too (WEBHOOK_DISABLE_FAILING_FOR): an endpoint is
	// disabled only when both hold, so that a burst of events during a
	// short outage does not disable it within seconds.
	DisableFailingFor time.Duration
	// Workers is how many deliveries one server sends at once
	// (WEBHOOK_WORKERS). One loop per server claims them, so SQLite, one
	// process without SKIP LOCKED, sends as many side by side too.
	Workers int
	// Lease is how long a claimed delivery is a worker's before another
	// may take it (longer than Timeout).
	Lease time.Duration
	// PollInterval is how often a worker looks for due deliveries when
	// nothing woke it (EVENTS_POLL_INTERVAL): deliveries made by another
	// server and retries fall due without a wake-up.
	PollInterval time.Duration
}

// WithDefaults fills the zero fields of s with the defaults.
func (s Settings) WithDefaults() Settings {
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	if s.RetryFor <= 0 {
		s.RetryFor = DefaultRetryFor
	}
	if s.BackoffBase <= 0 {
		s.BackoffBase = DefaultBackoffBase
	}
	if s.BackoffMax <= 0 {
		s.BackoffMax = DefaultBackoffMax
	}
	if s.DisableAfter <= 0 {
		s.DisableAfter = DefaultDisableAfter
	}
	if s.DisableFailingFor <= 0 {
		s.DisableFailingFor = DefaultDisableFailingFor
	}
	if s.Workers <= 0 {
		s.Workers = DefaultWorkers
	}
	if s.Lease <= s.Timeout {
		s.Lease = max(DefaultLease, 2*s.Timeout)
	}
	if s.PollInterval <= 0 {
		s.PollInterval = DefaultPollInterval
	}
	return s
}
