package sessions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"entgo.io/ent/dialect/sql"

	"onboard/ent/loginthrottle"
)

// throttleKeys are the two counters an attempt moves: its username's and
// its client address's.
type throttleKeys struct{ user, address string }

func (k throttleKeys) both() []string { return []string{k.user, k.address} }

// The kinds of throttle key.
const (
	KindUsername = "username"
	KindAddress  = "address"
)

// ThrottleKey is the LoginThrottle key of a username (normalized as
// registration normalizes it) or a client address: the SHA-256, in hex, of
// the kind and the value, so that the table holds neither in clear. The
// row's tenant column scopes it, as usernames are per tenant. Exported for
// an operator who must find (and clear) one lock, and for tests.
func ThrottleKey(kind, value string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + value))
	return hex.EncodeToString(sum[:])
}

// locked reports whether the username or the address is locked at now.
// It answers the same for an unknown username, so that a lock does not
// reveal which usernames exist.
func (s *Service) locked(ctx context.Context, now time.Time, k throttleKeys) (bool, error) {
	return s.Client.LoginThrottle.Query().
		Where(loginthrottle.KeyIn(k.both()...), loginthrottle.LockedUntilGT(now)).
		Exist(ctx)
}

// fail counts a failed attempt against the username and the address. Each
// step is one statement that is atomic on its own, so that concurrent
// failures on several instances are all counted (no read-modify-write):
//
//  1. a window that has run out starts again at zero (UPDATE … WHERE
//     window_started_at <= now - window; of two racing resets the second
//     finds the window fresh and does nothing);
//  2. the counter goes up by one (INSERT … ON CONFLICT (tenant_id, key) DO
//     UPDATE SET failures = login_throttles.failures + 1);
//  3. a counter at its limit locks the key until now + lockout and starts
//     a new window (UPDATE … WHERE failures >= limit).
func (s *Service) fail(ctx context.Context, now time.Time, l Limits, k throttleKeys) error {
	for key, limit := range map[string]int{k.user: l.UserFailures, k.address: l.AddressFailures} {
		if err := s.Client.LoginThrottle.Update().
			Where(loginthrottle.Key(key), loginthrottle.WindowStartedAtLTE(now.Add(-l.Window))).
			SetFailures(0).SetWindowStartedAt(now).
			Exec(ctx); err != nil {
			return err
		}
		if err := s.Client.LoginThrottle.Create().
			SetKey(key).SetFailures(1).SetWindowStartedAt(now).
			OnConflict(sql.ConflictColumns(loginthrottle.FieldTenantID, loginthrottle.FieldKey)).
			AddFailures(1).
			UpdateUpdatedAt().
			Exec(ctx); err != nil {
			return err
		}
		if err := s.Client.LoginThrottle.Update().
			Where(loginthrottle.Key(key), loginthrottle.FailuresGTE(limit)).
			SetLockedUntil(now.Add(l.Lockout)).SetFailures(0).SetWindowStartedAt(now).
			Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// reset clears the username's counter after a success. The address's is
// kept: one good password must not wipe the failures an address piled up
// on other usernames.
func (s *Service) reset(ctx context.Context, k throttleKeys) error {
	_, err := s.Client.LoginThrottle.Delete().Where(loginthrottle.Key(k.user)).Exec(ctx)
	return err
}
