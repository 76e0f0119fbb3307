// Package auth verifies the caller's JWT and resolves the tenant of the
// request into a viewer in the context.
package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/jwtauth/v5"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"onboard/ent"
	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/apperr"
	"onboard/internal/viewer"
)

// TenantHeader names the tenant a request acts in.
const TenantHeader = "X-Tenant-ID"

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

// Authenticator verifies tokens and resolves tenants.
type Authenticator struct {
	ja     *jwtauth.JWTAuth
	client *ent.Client
	signer bool
}

// New returns an Authenticator; client resolves X-Tenant-ID keys.
func New(cfg Config, client *ent.Client) (*Authenticator, error) {
	opts := []jwt.ValidateOption{jwt.WithAcceptableSkew(30 * time.Second), jwt.WithRequiredClaim("exp")}
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
		return &Authenticator{ja: jwtauth.New(alg, nil, key, opts...), client: client}, nil
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("the JWT secret must be at least 32 bytes")
	}
	return &Authenticator{ja: jwtauth.New("HS256", cfg.Secret, nil, opts...), client: client, signer: true}, nil
}

// Middleware authenticates the request. No or a bad token is 401; a tenant
// the token does not grant, or no such tenant, is 403. Tokens are read from
// the Authorization header only: a cookie or query parameter would let
// another site make requests with the user's token (CSRF).
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqID := middleware.GetReqID(r.Context())
		v, failure, status := a.authenticate(r)
		if failure != nil {
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="onboard"`)
			}
			apperr.WriteHTTP(w, status, reqID, failure)
			return
		}
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	})
}

func (a *Authenticator) authenticate(r *http.Request) (*viewer.Viewer, *apperr.Error, int) {
	raw := jwtauth.TokenFromHeader(r)
	if raw == "" {
		return nil, apperr.New(apperr.Unauthenticated, "MISSING_TOKEN", "an Authorization: Bearer token is required"), http.StatusUnauthorized
	}
	token, err := jwtauth.VerifyToken(a.ja, raw)
	if err != nil {
		return nil, apperr.New(apperr.Unauthenticated, tokenReason(err), "the token is not valid: "+tokenProblem(err)), http.StatusUnauthorized
	}
	v := &viewer.Viewer{
		Subject: token.Subject(),
		Tenants: claimStrings(token, "tenants"),
		Scopes:  strings.Fields(claimString(token, "scope")),
	}
	key := strings.TrimSpace(r.Header.Get(TenantHeader))
	if key == "" {
		return v, nil, 0
	}
	if !v.Grants(key) {
		return nil, apperr.New(apperr.Forbidden, "TENANT_NOT_GRANTED", "the token does not grant this tenant"), http.StatusForbidden
	}
	t, err := a.client.Tenant.Query().
		Where(tenant.Key(key)).
		Only(privacy.DecisionContext(r.Context(), privacy.Allow))
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, apperr.New(apperr.Forbidden, "UNKNOWN_TENANT", "the token does not grant this tenant"), http.StatusForbidden
		}
		if ue := apperr.AsUnavailable(err); ue != nil {
			return nil, ue, ue.Status // the database is down: 503, retry
		}
		return nil, apperr.New(apperr.Internal, "", "internal error"), http.StatusInternalServerError
	}
	v.TenantID, v.TenantKey = t.ID, t.Key
	return v, nil, 0
}

func tokenReason(err error) string {
	switch {
	case errors.Is(err, jwtauth.ErrExpired):
		return "TOKEN_EXPIRED"
	case errors.Is(err, jwtauth.ErrNBFInvalid):
		return "TOKEN_NOT_YET_VALID"
	}
	return "INVALID_TOKEN"
}

// tokenProblem is a short, safe description of a verification failure.
func tokenProblem(err error) string {
	switch tokenReason(err) {
	case "TOKEN_EXPIRED":
		return "expired"
	case "TOKEN_NOT_YET_VALID":
		return "not valid yet"
	}
	if strings.Contains(err.Error(), `"exp" not satisfied`) || strings.Contains(err.Error(), "required claim") {
		return "exp is required"
	}
	return "signature, algorithm or claims rejected"
}

func claimString(t jwt.Token, name string) string {
	v, _ := t.Get(name)
	s, _ := v.(string)
	return s
}

// claimStrings reads a claim that is a list of strings or one string.
func claimStrings(t jwt.Token, name string) []string {
	v, ok := t.Get(name)
	if !ok {
		return nil
	}
	switch x := v.(type) {
	case string:
		return strings.Fields(x)
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return x
	}
	return nil
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

// Mint signs a token with the configured secret (HS256 only: with a public
// key configured the private key lives elsewhere).
func (a *Authenticator) Mint(req TokenRequest) (string, error) {
	if !a.signer {
		return "", errors.New("tokens can be minted only with a shared secret (JWT_SECRET)")
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
