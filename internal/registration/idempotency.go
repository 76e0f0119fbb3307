package registration

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"onboard/ent"
	"onboard/ent/idempotencyrecord"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// idempotencyTTL is how long an Idempotency-Key is remembered.
const idempotencyTTL = 24 * time.Hour

// errKeyClaimed means another request holding the same Idempotency-Key
// committed first.
var errKeyClaimed = errors.New("idempotency key already claimed")

// fingerprint identifies a request's input for Idempotency-Key checks. The
// caller passes the input with its passwords removed: a fingerprint must not
// become a fast password hash. The password of a replay is checked against
// the user's argon2id hash instead.
func fingerprint(op string, input any) string {
	b, err := json.Marshal(input)
	if err != nil {
		// Inputs are plain structs of strings, numbers and lists.
		panic("registration: fingerprinting the input: " + err.Error())
	}
	sum := sha256.Sum256(append([]byte(op+"\x00"), b...))
	return hex.EncodeToString(sum[:])
}

// claimKey records key as used by this request. An expired record of the
// same key is removed first.
func claimKey(ctx context.Context, tx *ent.Tx, key, op, fp, customerID string, now time.Time) error {
	if _, err := tx.IdempotencyRecord.Delete().
		Where(idempotencyrecord.Key(key), idempotencyrecord.ExpiresAtLTE(now)).
		Exec(ctx); err != nil {
		return err
	}
	err := tx.IdempotencyRecord.Create().
		SetKey(key).
		SetOperation(op).
		SetFingerprint(fp).
		SetCustomerID(customerID).
		SetCreatedAt(now).
		SetExpiresAt(now.Add(idempotencyTTL)).
		Exec(ctx)
	if _, unique := apperr.UniqueViolation(err); unique {
		return errKeyClaimed
	}
	return err
}

// purgeExpiredKeys deletes the tenant's expired idempotency records, so the
// table holds about a day of keys. It runs after a keyed registration has
// committed, outside its transaction; a failure only delays the purge.
func (s *Service) purgeExpiredKeys(ctx context.Context) {
	_, _ = s.Client.IdempotencyRecord.Delete().
		Where(idempotencyrecord.ExpiresAtLTE(s.now())).
		Exec(ctx)
}

// replay returns the result of the earlier request made with key, or nil
// when the key is unused (or expired). The same key with another input, or
// with another password, is a CONFLICT.
func (s *Service) replay(ctx context.Context, key string, k kind) (*Result, error) {
	rec, err := s.Client.IdempotencyRecord.Query().
		Where(idempotencyrecord.Key(key), idempotencyrecord.ExpiresAtGT(s.now())).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	reused := apperr.New(apperr.Conflict, vocab.ReasonIdempotencyKeyReused,
		"this Idempotency-Key was used for a different request")
	if rec.Operation != k.operation() || rec.Fingerprint != k.fingerprint() {
		return nil, reused
	}
	res, err := s.load(ctx, rec.CustomerID, true)
	if err != nil {
		return nil, err
	}
	if res.User == nil || k.password() == "" {
		// A registration without a login has no password to prove:
		// the fingerprint is the whole request. One with a login
		// needs its password, which the fingerprint leaves out.
		if res.User == nil && k.password() == "" {
			return res, nil
		}
		return nil, reused
	}
	ok, err := s.Hasher.VerifyContext(ctx, k.password(), res.User.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, reused
	}
	return res, nil
}
