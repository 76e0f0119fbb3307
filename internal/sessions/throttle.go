package sessions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"entgo.io/ent/dialect/sql"

	"onboard/ent"
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

// admit counts an attempt against the username and the address before
// its password is verified, and reports whether it may go on to the
// verification. Counting first is what bounds guessing: were an attempt
// counted only after its (slow) argon2id verification, any number of
// concurrent attempts would all pass the check before the first failure
// was recorded.
//
// Both keys are counted in one transaction, each row locked while it is
// read and written (the upsert takes the row lock on PostgreSQL, SQLite
// runs one write transaction at a time), so concurrent attempts on any
// instance are counted one after the other and at most the limit of them
// find a count within it. Every attempt takes the username's row before
// the address's, so two attempts never wait on each other in a cycle.
//
// For each key: a lock still running refuses; a lock that has ended, or a
// window that has run out, starts a new window; the count goes up by one;
// a count past the limit locks the key until now + lockout and refuses.
// A refused attempt changes no count but the lock it sets: it verifies
// nothing, so it is no guess. It answers the same for an unknown
// username, so a lock does not reveal which usernames exist.
func (s *Service) admit(ctx context.Context, now time.Time, l Limits, k throttleKeys) (admitted bool, err error) {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
			return
		}
		err = tx.Commit()
	}()
	limits := []int{l.UserFailures, l.AddressFailures} // in k.both()'s order
	rows := make([]*ent.LoginThrottle, 0, len(limits))
	for _, key := range k.both() {
		row, err := lockedRow(ctx, tx, now, key)
		if err != nil {
			return false, err
		}
		if row.LockedUntil != nil && row.LockedUntil.After(now) {
			return false, nil
		}
		rows = append(rows, row)
	}
	counts := make([]int, len(rows))
	admitted = true
	for i, row := range rows {
		counts[i] = row.Failures + 1
		if row.LockedUntil != nil || !row.WindowStartedAt.After(now.Add(-l.Window)) {
			counts[i] = 1 // the lock ended or the window ran out: a new window
		}
		if counts[i] > limits[i] {
			admitted = false
		}
	}
	for i, row := range rows {
		u := tx.LoginThrottle.UpdateOne(row)
		switch {
		case counts[i] > limits[i]:
			u.SetLockedUntil(now.Add(l.Lockout)).SetFailures(0).SetWindowStartedAt(now)
		case !admitted:
			continue // the other key refused: this attempt is not counted
		case counts[i] == 1:
			u.SetFailures(1).SetWindowStartedAt(now).ClearLockedUntil()
		default:
			u.SetFailures(counts[i])
		}
		if err := u.Exec(ctx); err != nil {
			return false, err
		}
	}
	return admitted, nil
}

// lockedRow returns key's row, created when missing, locked until tx ends:
// the upsert's ON CONFLICT DO UPDATE locks an existing row on PostgreSQL
// (SQLite's immediate transaction holds the whole database), so the read
// that follows sees the last committed count and nobody changes it before
// tx writes its own.
func lockedRow(ctx context.Context, tx *ent.Tx, now time.Time, key string) (*ent.LoginThrottle, error) {
	if err := tx.LoginThrottle.Create().
		SetKey(key).SetFailures(0).SetWindowStartedAt(now).
		OnConflict(sql.ConflictColumns(loginthrottle.FieldTenantID, loginthrottle.FieldKey)).
		UpdateUpdatedAt().
		Exec(ctx); err != nil {
		return nil, err
	}
	return tx.LoginThrottle.Query().Where(loginthrottle.Key(key)).Only(ctx)
}

// succeeded undoes a successful attempt's count: the username's row goes
// (the login proved its password, its failures are forgiven), the
// address's count goes down by the one admit added. The address's earlier
// failures are kept: one good password must not wipe the failures an
// address piled up on other usernames.
func (s *Service) succeeded(ctx context.Context, k throttleKeys) error {
	if _, err := s.Client.LoginThrottle.Delete().Where(loginthrottle.Key(k.user)).Exec(ctx); err != nil {
		return err
	}
	return s.Client.LoginThrottle.Update().
		Where(loginthrottle.Key(k.address), loginthrottle.FailuresGT(0)).
		AddFailures(-1).
		Exec(ctx)
}
