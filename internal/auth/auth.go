// Package auth verifies the caller's JWT and resolves the tenant of the
// request into a viewer in the context.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/jwtauth/v5"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"onboard/ent"
	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/apikeys"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/viewer"
)

// TenantHeader names the tenant a request acts in.
const TenantHeader = "X-Tenant-ID"

// The headers that carry an API key on the compat routes besides
// Authorization: ApiKey (AuthenticateRequest): the systems Onboard replaces
// send these. HTTP header names are case-insensitive, so X-Api-Key and
// Apikey are the same two.
const (
	APIKeyHeader       = "x-api-key"
	APIKeyHeaderWallet = "apiKey"
)

// Config configures token verification.
type Config struct {
	// Secret signs and verifies HS256 tokens.
	Secret []byte
	// PublicKeyPEM, when set, verifies tokens with Algorithm (RS256 or
	// ES256) instead of the secret.
	PublicKeyPEM []byte
	Algorithm    string
	// Issuer and Audience, when set, must match the token's iss and aud.
	Issuer   string
	Audience string
}

// clockSkew is how far the issuer's clock may be from ours.
const clockSkew = 30 * time.Second

// Authenticator verifies tokens and resolves tenants.
type Authenticator struct {
	ja *jwtauth.JWTAuth
	// alg is the one algorithm a token's header may name.
	alg    string
	client *ent.Client
	signer bool
	// issuer and audience are the configured iss and aud, which a
	// customer session must carry like every token verify accepts.
	issuer, audience string
	// tenantIDs maps X-Tenant-ID keys to tenant ids (see TenantID).
	tenantIDs *lru.Cache[string, string]
	// keys authenticates API keys.
	keys *apikeys.Service
}

// tenantCacheSize bounds the tenant keys an Authenticator remembers: far
// more tenants than a platform serves, and a few hundred kilobytes at most.
const tenantCacheSize = 10_000

// New returns an Authenticator; client resolves X-Tenant-ID keys.
func New(cfg Config, client *ent.Client) (*Authenticator, error) {
	opts := []jwt.ValidateOption{jwt.WithAcceptableSkew(clockSkew), jwt.WithRequiredClaim("exp")}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	if len(cfg.PublicKeyPEM) > 0 {
		alg := cfg.Algorithm
		if alg != "RS256" && alg != "ES256" {
			return nil, fmt.Errorf("JWT_ALGORITHM must be RS256 or ES256 with a public key, not %q", alg)
		}
		key, err := jwk.ParseKey(cfg.PublicKeyPEM, jwk.WithPEM(true))
		if err != nil {
			return nil, fmt.Errorf("parsing the JWT public key: %w", err)
		}
		return newAuthenticator(jwtauth.New(alg, nil, key, opts...), alg, client, false, cfg), nil
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("the JWT secret must be at least 32 bytes")
	}
	return newAuthenticator(jwtauth.New("HS256", cfg.Secret, nil, opts...), "HS256", client, true, cfg), nil
}

func newAuthenticator(ja *jwtauth.JWTAuth, alg string, client *ent.Client, signer bool, cfg Config) *Authenticator {
	ids, err := lru.New[string, string](tenantCacheSize)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &Authenticator{ja: ja, alg: alg, client: client, signer: signer,
		issuer: cfg.Issuer, audience: cfg.Audience, tenantIDs: ids, keys: &apikeys.Service{Client: client}}
}

// Middleware authenticates the request. No or a bad token is 401; a tenant
// the token does not grant, or no such tenant, is 403, and so is a wildcard
// grant without tenants:admin. Tokens are read from the Authorization header
// only: a cookie or query parameter would let another site make requests
// with the user's token (CSRF).
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A websocket upgrade carries its token in the connection_init
		// message, which graph's websocket transport verifies with
		// Authenticate before the connection serves anything; the upgrade
		// itself goes on without a viewer, so no operation can run on it
		// unauthenticated. Only an upgrade without an Authorization header
		// is let through: one with a header is verified as any request.
		if IsWebsocketUpgrade(r) && len(r.Header.Values("Authorization")) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		v, failure := a.authenticate(r)
		if failure != nil {
			switch {
			case failure.Code == apperr.Unauthenticated:
				w.Header().Set("WWW-Authenticate", `Bearer realm="onboard", ApiKey realm="onboard"`)
			case failure.Reason == vocab.ReasonWildcardTenantNeedsAdmin:
				// RFC 6750 §3.1: a valid token lacking a scope.
				w.Header().Set("WWW-Authenticate", `Bearer realm="onboard", error="insufficient_scope", scope="`+viewer.ScopeTenantsAdmin+`"`)
			}
			apperr.Refuse(w, r, failure)
			return
		}
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	})
}

func (a *Authenticator) authenticate(r *http.Request) (*viewer.Viewer, *apperr.Error) {
	headers := r.Header.Values("Authorization")
	if len(headers) > 1 {
		return nil, invalid("send one Authorization header")
	}
	if len(headers) == 1 && len(headers[0]) > MaxAuthorizationBytes {
		return nil, tooLarge()
	}
	return a.Authenticate(r.Context(), r.Header.Get("Authorization"), r.Header.Get(TenantHeader))
}

// AuthenticateRequest authenticates a request of the compat routes, which
// take the credentials the systems Onboard replaces send: a Bearer JWT
// with X-Tenant-ID (as /graphql), an API key as Authorization: ApiKey
// <key>, or the key alone in an x-api-key or apiKey header. A key carries
// its tenant, so X-Tenant-ID is optional with one, and must be the key's
// tenant when sent (FORBIDDEN TENANT_NOT_GRANTED otherwise, as for a token
// of another tenant). More than one credential (two headers, or one header
// twice) is refused rather than one of them chosen.
func (a *Authenticator) AuthenticateRequest(r *http.Request) (*viewer.Viewer, *apperr.Error) {
	authorization := r.Header.Values("Authorization")
	keys := append(slices.Clone(r.Header.Values(APIKeyHeader)), r.Header.Values(APIKeyHeaderWallet)...)
	if len(authorization)+len(keys) > 1 {
		return nil, invalid("send one credential: an Authorization header, x-api-key or apiKey")
	}
	if len(keys) == 0 {
		return a.authenticate(r)
	}
	if len(keys[0]) > MaxAuthorizationBytes {
		return nil, tooLarge()
	}
	return a.withKey(r.Context(), strings.TrimSpace(keys[0]), r.Header.Get(TenantHeader))
}

// apiKeyScheme is the Authorization scheme of an API key (any case).
const apiKeyScheme = "ApiKey "

// Authenticate is the one rule of who calls and in which tenant, for the
// HTTP headers (Middleware) and for a websocket's connection_init payload
// alike: authorization is the Authorization value ("Bearer <jwt>" or
// "ApiKey <key>", the scheme in any case), tenantKey the X-Tenant-ID value
// ("" for none; optional with a key, which carries its tenant). The viewer
// it returns carries the token's expiry (ExpiresAt), after which a
// long-lived connection must stop acting for it; for a key, the key's
// expiry or apikeys.ConnectionLife from now, whichever comes first.
func (a *Authenticator) Authenticate(ctx context.Context, authorization, tenantKey string) (*viewer.Viewer, *apperr.Error) {
	if len(authorization) > MaxAuthorizationBytes {
		return nil, tooLarge()
	}
	if len(authorization) > len(apiKeyScheme) && strings.EqualFold(authorization[:len(apiKeyScheme)], apiKeyScheme) {
		return a.withKey(ctx, strings.TrimSpace(authorization[len(apiKeyScheme):]), tenantKey)
	}
	raw := ""
	if len(authorization) > 7 && strings.EqualFold(authorization[:7], "Bearer ") {
		raw = authorization[7:] // as jwtauth.TokenFromHeader reads the header
	}
	if raw == "" {
		return nil, apperr.New(apperr.Unauthenticated, vocab.ReasonMissingToken, "an Authorization: Bearer token (or ApiKey key) is required")
	}
	v, failure := a.verify(raw)
	if failure != nil {
		return nil, failure
	}
	key := strings.TrimSpace(tenantKey)
	if key == "" {
		return a.liveSession(ctx, v)
	}
	if !v.Grants(key) {
		return nil, apperr.New(apperr.Forbidden, vocab.ReasonTenantNotGranted, "the token does not grant this tenant")
	}
	if !catalog.ValidTenantKey(key) {
		return nil, apperr.New(apperr.Forbidden, vocab.ReasonUnknownTenant, "the token does not grant this tenant")
	}
	id, err := a.TenantID(ctx, key)
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, apperr.New(apperr.Forbidden, vocab.ReasonUnknownTenant, "the token does not grant this tenant")
		}
		return nil, storeFailure(err) // the database is down: 503, retry
	}
	v.TenantID, v.TenantKey = id, key
	return a.liveSession(ctx, v)
}

// withKey authenticates an API key: the viewer of its tenant with its
// scopes (apikeys.Viewer). tenantKey, when not empty, must be the key's
// tenant.
func (a *Authenticator) withKey(ctx context.Context, key, tenantKey string) (*viewer.Viewer, *apperr.Error) {
	if key == "" {
		return nil, apperr.New(apperr.Unauthenticated, vocab.ReasonMissingToken, "an API key is required")
	}
	k, t, failure := a.keys.Authenticate(ctx, key)
	if failure != nil {
		return nil, failure
	}
	if tk := strings.TrimSpace(tenantKey); tk != "" && tk != t.Key {
		return nil, apperr.New(apperr.Forbidden, vocab.ReasonTenantNotGranted, "the API key does not grant this tenant")
	}
	a.tenantIDs.Add(t.Key, t.ID)
	return apikeys.Viewer(k, t), nil
}

// IsWebsocketUpgrade reports whether r is a websocket opening handshake
// (RFC 6455 §4.1: a GET with Upgrade: websocket, Connection: upgrade,
// Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key). Anything less is an
// ordinary request, which the front and authentication treat as such.
func IsWebsocketUpgrade(r *http.Request) bool {
	if r.Method != http.MethodGet || !strings.EqualFold(strings.TrimSpace(r.Header.Get("Upgrade")), "websocket") ||
		r.Header.Get("Sec-WebSocket-Version") != "13" || r.Header.Get("Sec-WebSocket-Key") == "" {
		return false
	}
	for _, v := range r.Header.Values("Connection") {
		for _, token := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(token), "upgrade") {
				return true
			}
		}
	}
	return false
}

// liveSession returns v, or for a customer session that has ended (see
// checkSessionLive) its refusal.
func (a *Authenticator) liveSession(ctx context.Context, v *viewer.Viewer) (*viewer.Viewer, *apperr.Error) {
	if v.CustomerID != "" {
		if failure := a.checkSessionLive(ctx, v); failure != nil {
			return nil, failure
		}
	}
	return v, nil
}

// TenantID resolves a tenant key to its id, from the database the first
// time and from memory afterwards: it was a statement on every request.
// Remembering is safe because a key never changes (schema/tenant.go: the
// field is immutable) and nothing deletes a tenant; only the id is kept,
// so fields that may change (name, minimum_age) are always read afresh by
// whoever needs them. A key that names no tenant is not remembered:
// createTenant may make it a moment later, on this instance or another.
func (a *Authenticator) TenantID(ctx context.Context, key string) (string, error) {
	if id, ok := a.tenantIDs.Get(key); ok {
		return id, nil
	}
	id, err := a.client.Tenant.Query().
		Where(tenant.Key(key)).
		OnlyID(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return "", err
	}
	a.tenantIDs.Add(key, id)
	return id, nil
}

// verify checks raw, a token without its "Bearer " prefix, and returns the
// caller it names. The order matters: the size first, then the shape and the
// header (the algorithm above all) before any cryptography, the signature
// before the claims are trusted, the claims' types before their values.
func (a *Authenticator) verify(raw string) (*viewer.Viewer, *apperr.Error) {
	if len(raw) > MaxAuthorizationBytes {
		return nil, tooLarge()
	}
	c, err := parseCompact(raw)
	if err != nil {
		return nil, invalid("it is not a signed JWT in compact form")
	}
	if problem := checkHeader(c.header, a.alg); problem != "" {
		return nil, invalid(problem)
	}
	token, err := a.ja.Decode(raw)
	if err != nil {
		return nil, invalid("signature, algorithm or claims rejected")
	}
	if problem := checkDates(c.payload); problem != "" {
		return nil, invalid(problem)
	}
	tenants, problem := tenantsOf(c.payload)
	if problem != "" {
		return nil, invalid(problem)
	}
	// jwx takes an exp whose Unix time is 0 (0, 0.5) for "no expiry", so
	// such a token would never expire: compare it ourselves.
	if !time.Now().Before(token.Expiration().Add(clockSkew)) {
		return nil, apperr.New(apperr.Unauthenticated, vocab.ReasonTokenExpired, "the token is not valid: expired")
	}
	if err := jwt.Validate(token, a.ja.ValidateOptions()...); err != nil {
		err = jwtauth.ErrorReason(err)
		return nil, apperr.New(apperr.Unauthenticated, tokenReason(err), "the token is not valid: "+tokenProblem(err))
	}
	v := &viewer.Viewer{
		Subject:   token.Subject(),
		Tenants:   tenants,
		Scopes:    strings.Fields(claimString(token, "scope")),
		ExpiresAt: token.Expiration().Add(clockSkew),
	}
	if problem := customerSession(v, c.payload); problem != "" {
		return nil, invalid(problem)
	}
	// A wildcard grant is a platform operator's: it must come with the
	// operator scope, so a read-only token cannot read every tenant. The
	// token is genuine but asks for more than its scopes allow, hence 403
	// (RFC 6750 §3.1 insufficient_scope) rather than 401.
	if v.Operator() && !v.Has(viewer.ScopeTenantsAdmin) {
		return nil, apperr.New(apperr.Forbidden, vocab.ReasonWildcardTenantNeedsAdmin,
			`a token granting every tenant ("*") needs the scope `+viewer.ScopeTenantsAdmin)
	}
	return v, nil
}

// invalid is a 401 INVALID_TOKEN naming the rule the token broke.
func invalid(problem string) *apperr.Error {
	return apperr.New(apperr.Unauthenticated, vocab.ReasonInvalidToken, "the token is not valid: "+problem)
}

func tooLarge() *apperr.Error {
	return apperr.New(apperr.Unauthenticated, vocab.ReasonTokenTooLarge,
		fmt.Sprintf("the Authorization header is longer than %d bytes", MaxAuthorizationBytes))
}

func tokenReason(err error) apperr.Reason {
	switch {
	case errors.Is(err, jwtauth.ErrExpired):
		return vocab.ReasonTokenExpired
	case errors.Is(err, jwtauth.ErrNBFInvalid):
		return vocab.ReasonTokenNotYetValid
	}
	return vocab.ReasonInvalidToken
}

// tokenProblem is a short, safe description of a verification failure.
func tokenProblem(err error) string {
	switch tokenReason(err) {
	case vocab.ReasonTokenExpired:
		return "expired"
	case vocab.ReasonTokenNotYetValid:
		return "not valid yet"
	}
	return "signature, algorithm or claims rejected"
}

func claimString(t jwt.Token, name string) string {
	v, _ := t.Get(name)
	s, _ := v.(string)
	return s
}

// TokenRequest describes a token to mint.
type TokenRequest struct {
	Subject string
	Tenants []string
	Scopes  []string
	TTL     time.Duration
	Issuer  string
	// Audience, when set, becomes the aud claim.
	Audience string
}

// Mint signs a platform token with the configured secret (HS256 only: with
// a public key configured the private key lives elsewhere). It refuses
// customer:self, which only MintCustomerSession gives, with its customer.
func (a *Authenticator) Mint(req TokenRequest) (string, error) {
	if !a.signer {
		return "", errors.New("tokens can be minted only with a shared secret (JWT_SECRET)")
	}
	if slices.Contains(req.Scopes, viewer.ScopeCustomerSelf) {
		return "", fmt.Errorf("the scope %s is a customer session's: mint one with MintCustomerSession", viewer.ScopeCustomerSelf)
	}
	// Mint nothing verify would refuse.
	if slices.Contains(req.Tenants, viewer.AllTenants) && !slices.Contains(req.Scopes, viewer.ScopeTenantsAdmin) {
		return "", fmt.Errorf(`a token granting every tenant ("*") needs the scope %s`, viewer.ScopeTenantsAdmin)
	}
	if len(req.Tenants) > MaxTenants {
		return "", fmt.Errorf("a token grants at most %d tenants", MaxTenants)
	}
	now := time.Now()
	claims := map[string]any{
		"sub":     req.Subject,
		"tenants": req.Tenants,
		"scope":   strings.Join(req.Scopes, " "),
		"iat":     now.Unix(),
		"exp":     now.Add(req.TTL).Unix(),
	}
	if req.Issuer != "" {
		claims["iss"] = req.Issuer
	}
	if req.Audience != "" {
		claims["aud"] = req.Audience
	}
	_, s, err := a.ja.Encode(claims)
	return s, err
}
