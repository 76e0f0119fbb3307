// Package events gives the customers' history events their place in
// commit order once they commit (the sequencer), reads the tenant's feed
// in that order, and streams it to subscriptions. The history table is
// the outbox: an event is written in its change's transaction, and only
// sequenced events are read, so a reader that resumes from its last
// sequence never misses an event that committed late.
package events

import "time"

// The defaults of Settings, which the configuration also takes for its
// unset variables.
const (
	DefaultPollInterval               = time.Second
	DefaultSubscriptionsPerConnection = 10
	DefaultSubscriptionsPerTenant     = 100
	DefaultKeyRecheckInterval         = 30 * time.Second
)

// Settings configure sequencing and subscriptions.
type Settings struct {
	// PollInterval is how often the sequencer and the subscriptions look
	// for events committed by another server (EVENTS_POLL_INTERVAL); an
	// event committed by this server wakes them at once.
	PollInterval time.Duration
	// SubscriptionsPerConnection and SubscriptionsPerTenant bound the
	// subscriptions of one websocket connection and of one tenant on one
	// server (SUBSCRIPTIONS_PER_CONNECTION, SUBSCRIPTIONS_PER_TENANT).
	SubscriptionsPerConnection int
	SubscriptionsPerTenant     int
	// KeyRecheckInterval is how often a websocket opened with an API key
	// checks the key again (API_KEY_RECHECK_INTERVAL), so that a revoked
	// or expired key stops streaming within it, not at the connection's
	// end.
	KeyRecheckInterval time.Duration
}

// WithDefaults fills the zero fields of s with the defaults.
func (s Settings) WithDefaults() Settings {
	if s.PollInterval <= 0 {
		s.PollInterval = DefaultPollInterval
	}
	if s.SubscriptionsPerConnection <= 0 {
		s.SubscriptionsPerConnection = DefaultSubscriptionsPerConnection
	}
	if s.SubscriptionsPerTenant <= 0 {
		s.SubscriptionsPerTenant = DefaultSubscriptionsPerTenant
	}
	if s.KeyRecheckInterval <= 0 {
		s.KeyRecheckInterval = DefaultKeyRecheckInterval
	}
	return s
}
