// Package apikeys manages a tenant's API keys: credentials for
// server-to-server clients (the compat routes' x-api-key and apiKey headers,
// Authorization: ApiKey on /graphql). A key is shown once, at creation; the
// database keeps only the SHA-256 of its secret part, so a copy of the
// database authenticates nobody.
package apikeys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/contrib/entgql"

	"onboard/ent"
	"onboard/ent/apikey"
	"onboard/ent/predicate"
	"onboard/ent/privacy"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/pulid"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// The shape of a key: KeyPrefix, the key's id (key_<ULID>), an underscore
// and secretLen characters of base64url (secretBytes random bytes). The id
// makes the lookup one read by primary key; the prefix lets secret scanners
// (and people) recognise a leaked key.
const (
	KeyPrefix   = "obk_"
	secretBytes = 32
	secretLen   = 43 // base64url of 32 bytes, unpadded
	// MaxKeyLen bounds what Authenticate reads of a presented key: a real
	// one is 78 characters; anything much longer is refused unread.
	MaxKeyLen = 128
	// hintLen is how many of the key's last characters a list shows.
	hintLen = 4
)

// MaxLiveKeys bounds the keys of a tenant that are neither revoked nor
// expired: far more than the integrations a tenant runs, few enough that
// a leaked apikeys:manage token cannot fill the table.
const MaxLiveKeys = 100

// lastUsedEvery is how stale last_used_at may be: a busy client's requests
// write it at most once per interval instead of on every request.
const lastUsedEvery = time.Minute

// ConnectionLife bounds how long a viewer authenticated by a key acts: a
// request ends long before, and a websocket's subscriptions end at it
// (TOKEN_EXPIRED, reconnect). A revoked key stops streaming much sooner:
// the websocket checks its key every KeyRecheckInterval (graph's
// recheckKey) and closes once the key is refused.
const ConnectionLife = time.Hour

// Scopes are the scopes a key may carry: every platform scope but
// tenants:admin (a key belongs to one tenant, it never operates the
// platform), customer:self (a customer session's, for one customer) and
// apikeys:manage: keys are made only by tokens, since a key making keys
// could make one without its own expiry that outlives its revocation.
func Scopes() []string {
	return slices.DeleteFunc(viewer.AllScopes(), func(s string) bool {
		return s == viewer.ScopeTenantsAdmin || s == viewer.ScopeAPIKeysManage
	})
}

// Service creates, lists and revokes keys, and authenticates requests
// bearing one.
type Service struct {
	Client *ent.Client
}

// CreateInput is createApiKey's input.
type CreateInput struct {
	Name      string
	Scopes    []string
	ExpiresAt *time.Time
}

// Create checks in, every problem at once, and stores a new key of the
// viewer's tenant, returning it with the key itself, in clear this once.
//
// Rules: a name (at most MaxAPIKeyNameLen characters); at least one scope,
// each one of Scopes() (an unknown one is INVALID_VALUE, tenants:admin,
// customer:self or apikeys:manage SCOPE_NOT_ALLOWED) and held by the creating viewer
// (FORBIDDEN SCOPE_NOT_HELD on scopes.<i>: a key never holds more than
// the token that made it); a repeated scope is kept once; expiresAt, when
// given, in the future (INVALID_RANGE); at most MaxLiveKeys live keys in
// the tenant (CONFLICT TOO_MANY_API_KEYS), counted under the tenant's lock
// so that concurrent creations cannot pass the bound together.
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.APIKey, string, error) {
	v := viewer.FromContext(ctx)
	var problems apperr.List
	name := catalog.RequiredText(&problems, apperr.Path{"name"}, in.Name, schematype.MaxAPIKeyNameLen)
	scopes := checkScopes(&problems, v, in.Scopes)
	now := time.Now()
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		problems.Invalid(apperr.Path{"expiresAt"}, vocab.ReasonInvalidRange, "expiresAt must be in the future")
	}
	if err := problems.Err(); err != nil {
		return nil, "", err
	}
	id := pulid.New(schematype.PrefixAPIKey)
	secret, err := newSecret()
	if err != nil {
		return nil, "", err
	}
	key := KeyPrefix + id + "_" + secret
	var created *ent.APIKey
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if err := catalog.LockTenant(ctx, tx); err != nil {
			return err
		}
		live, err := tx.APIKey.Query().Where(liveAt(now)...).Count(ctx)
		if err != nil {
			return err
		}
		if live >= MaxLiveKeys {
			return &apperr.Error{Code: apperr.Conflict, Reason: vocab.ReasonTooManyAPIKeys,
				Message: fmt.Sprintf("the tenant has %d live API keys, the most it may hold: revoke one first", MaxLiveKeys)}
		}
		create := tx.APIKey.Create().SetID(id).SetName(name).SetScopes(scopes).
			SetHash(hashSecret(secret)).SetHint(key[len(key)-hintLen:]).SetNillableExpiresAt(in.ExpiresAt)
		if v != nil && v.Subject != "" {
			create.SetCreatedBy(truncate(v.Subject, schematype.MaxActorLen))
		}
		created, err = create.Save(ctx)
		return err
	})
	if err != nil {
		return nil, "", apperr.FromData(err, nil)
	}
	return created.Unwrap(), key, nil
}

// checkScopes returns the scopes of in without repeats, reporting each
// scope a key may not hold on scopes.<i>.
func checkScopes(problems *apperr.List, v *viewer.Viewer, in []string) []string {
	path := apperr.Path{"scopes"}
	if len(in) == 0 {
		problems.Invalid(path, vocab.ReasonRequired, "a key needs at least one scope")
		return nil
	}
	if len(in) > len(viewer.Scopes) {
		problems.Invalid(path, vocab.ReasonTooMany, fmt.Sprintf("at most %d scopes", len(viewer.Scopes)))
		return nil
	}
	allowed := Scopes()
	out := make([]string, 0, len(in))
	for i, s := range in {
		switch {
		case !slices.Contains(viewer.Scopes, viewer.Scope(s)):
			problems.Invalid(path.With(i), vocab.ReasonInvalidValue, "not a scope")
		case !slices.Contains(allowed, s):
			problems.Invalid(path.With(i), vocab.ReasonScopeNotAllowed,
				"an API key cannot hold "+s+": it acts in its one tenant, as no customer, and keys are made by tokens only")
		case !v.Has(viewer.Scope(s)):
			problems.Add(&apperr.Error{Code: apperr.Forbidden, Field: path.With(i), Reason: vocab.ReasonScopeNotHeld,
				Message: "the token creating the key lacks the scope " + s + ": a key holds no more than its creator"})
		case !slices.Contains(out, s):
			out = append(out, s)
		}
	}
	return out
}

// Revoke revokes the tenant's key id, at once: the next request with it is
// refused (API_KEY_REVOKED). Revoking a revoked key changes nothing (its
// revokedAt stays the first one's). Another tenant's key, or an unknown
// id, is NOT_FOUND on id.
func (s *Service) Revoke(ctx context.Context, id string) (*ent.APIKey, error) {
	if !pulid.Valid(id, schematype.PrefixAPIKey) {
		return nil, keyNotFound()
	}
	// A conditional update, so that two revocations keep the first time.
	err := s.Client.APIKey.Update().Where(apikey.ID(id), apikey.RevokedAtIsNil()).
		SetRevokedAt(time.Now()).Exec(ctx)
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	k, err := s.Client.APIKey.Get(ctx, id)
	if err != nil {
		return nil, apperr.FromLookup(err, apperr.Path{"id"}, "the tenant has no API key with this id")
	}
	return k, nil
}

// keysNewestFirst orders a page of keys by id, descending: ids are ULIDs,
// so the newest comes first and a cursor is an id.
var keysNewestFirst = &ent.ApiKeyOrder{Direction: entgql.OrderDirectionDesc, Field: ent.DefaultApiKeyOrder.Field}

// List is a page of the tenant's keys, newest first, revoked and expired
// ones included (they say so: revokedAt, expiresAt).
func (s *Service) List(ctx context.Context, after *entgql.Cursor[string], first *int, before *entgql.Cursor[string], last *int) (*ent.ApiKeyConnection, error) {
	return s.Client.APIKey.Query().Paginate(ctx, after, first, before, last, ent.WithApiKeyOrder(keysNewestFirst))
}

// liveAt are the predicates of a key that is neither revoked nor expired
// at now.
func liveAt(now time.Time) []predicate.APIKey {
	return []predicate.APIKey{apikey.RevokedAtIsNil(), apikey.Or(apikey.ExpiresAtIsNil(), apikey.ExpiresAtGT(now))}
}

// Authenticate finds the key presented by a request and returns it with
// its tenant. The key is looked up by its id part, across tenants (no
// viewer exists yet; the key names its tenant), and its secret compared,
// hashed, in constant time. Anything but a live key of that id and secret
// is UNAUTHENTICATED: API_KEY_INVALID for a key of another shape, an
// unknown id or a wrong secret (one answer for all three, so the answer
// tells nothing about which ids exist), and only for the right secret
// API_KEY_REVOKED or API_KEY_EXPIRED. It records last_used_at at most
// once per lastUsedEvery.
func (s *Service) Authenticate(ctx context.Context, key string) (*ent.APIKey, *ent.Tenant, *apperr.Error) {
	id, secret, ok := parse(key)
	if !ok || s.Client == nil { // no database (an Authenticator of tests): no key is known
		return nil, nil, invalid()
	}
	presented := hashSecret(secret)
	ctx = privacy.DecisionContext(ctx, privacy.Allow) // no viewer yet: the id is the predicate
	k, err := s.Client.APIKey.Query().Where(apikey.ID(id)).WithTenant().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, invalid()
	}
	if err != nil {
		return nil, nil, storeFailure(err)
	}
	if subtle.ConstantTimeCompare([]byte(presented), []byte(k.Hash)) != 1 {
		return nil, nil, invalid()
	}
	now := time.Now()
	switch {
	case k.RevokedAt != nil:
		return nil, nil, apperr.New(apperr.Unauthenticated, vocab.ReasonAPIKeyRevoked, "the API key was revoked")
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		return nil, nil, apperr.New(apperr.Unauthenticated, vocab.ReasonAPIKeyExpired, "the API key has expired")
	case k.Edges.Tenant == nil || k.Edges.Tenant.ID != k.TenantID:
		return nil, nil, invalid() // a key whose tenant is gone authenticates nobody
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= lastUsedEvery {
		// Conditional, so that a burst of requests on several servers
		// writes once; a failure here refuses nothing.
		_ = s.Client.APIKey.Update().Where(apikey.ID(k.ID), apikey.TenantID(k.TenantID),
			apikey.Or(apikey.LastUsedAtIsNil(), apikey.LastUsedAtLT(now.Add(-lastUsedEvery)))).
			SetLastUsedAt(now).Exec(ctx)
	}
	return k, k.Edges.Tenant, nil
}

// Viewer is the caller a live key k of tenant t stands for: the key's
// scopes (only those a key may hold: a row stored holding apikeys:manage
// acts without it), in its tenant, as apikey:<id>.
func Viewer(k *ent.APIKey, t *ent.Tenant) *viewer.Viewer {
	allowed := Scopes()
	scopes := slices.DeleteFunc(slices.Clone(k.Scopes), func(s string) bool { return !slices.Contains(allowed, s) })
	expires := time.Now().Add(ConnectionLife)
	if k.ExpiresAt != nil && k.ExpiresAt.Before(expires) {
		expires = *k.ExpiresAt
	}
	return &viewer.Viewer{
		Subject:   Subject(k.ID),
		Tenants:   []string{t.Key},
		Scopes:    scopes,
		TenantID:  t.ID,
		TenantKey: t.Key,
		ExpiresAt: expires,
	}
}

// Subject is the viewer subject of a request made with the key id: what
// registrations record as registered_by and logs as the subject.
func Subject(id string) string { return "apikey:" + id }

// parse splits key into its id and secret; ok is false for anything not
// of the shape Create makes.
func parse(key string) (id, secret string, ok bool) {
	if len(key) > MaxKeyLen || !strings.HasPrefix(key, KeyPrefix) {
		return "", "", false
	}
	prefix, rest, ok := strings.Cut(key[len(KeyPrefix):], "_")
	if !ok {
		return "", "", false
	}
	ulid, secret, ok := strings.Cut(rest, "_")
	if !ok || len(secret) != secretLen {
		return "", "", false
	}
	id = prefix + "_" + ulid
	if !pulid.Valid(id, schematype.PrefixAPIKey) {
		return "", "", false
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(secret); err != nil {
		return "", "", false
	}
	return id, secret, true
}

func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret is what api_keys.hash holds: SHA-256 of the secret, hex. A
// plain hash suffices (no salt, no slow hash): the secret is 256 random
// bits, which no dictionary or brute force reaches.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func invalid() *apperr.Error {
	return apperr.New(apperr.Unauthenticated, vocab.ReasonAPIKeyInvalid, "the API key is not valid")
}

func keyNotFound() *apperr.Error {
	return apperr.NotFoundf(apperr.Path{"id"}, "the tenant has no API key with this id")
}

// storeFailure is the answer to a database error while authenticating:
// UNAVAILABLE when the database is down (retry), else an internal error.
func storeFailure(err error) *apperr.Error {
	if ue := apperr.AsUnavailable(err); ue != nil {
		return ue
	}
	return apperr.InternalError(err)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
