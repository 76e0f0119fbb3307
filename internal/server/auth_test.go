package server_test

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"onboard/internal/auth"
	"onboard/internal/testutil"
)

// sign builds an HS256 token with the given claims and key.
func sign(t *testing.T, key string, claims map[string]any) string {
	t.Helper()
	tok := jwt.New()
	for k, v := range claims {
		if err := tok.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	b, err := jwt.Sign(tok, jwt.WithKey(jwa.HS256, []byte(key)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signRaw builds a compact JWS from a header and a payload given as JSON
// text, signed with HMAC-SHA256 under key whatever the header claims: it
// forges the tokens an attacker who holds a valid signature scheme would try
// (RFC 8725 §2.1, §3.1). It does not use jwx, so it cannot share its bugs.
func signRaw(key, header, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	input := enc([]byte(header)) + "." + enc([]byte(payload))
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(input))
	return input + "." + enc(mac.Sum(nil))
}

func TestAuthenticationFailures(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	now := time.Now()
	valid := map[string]any{"sub": "s", "tenants": []string{"acme"}, "scope": "customers:read", "exp": now.Add(time.Hour).Unix()}
	with := func(changes map[string]any, drop ...string) map[string]any {
		c := map[string]any{}
		for k, v := range valid {
			c[k] = v
		}
		for k, v := range changes {
			c[k] = v
		}
		for _, k := range drop {
			delete(c, k)
		}
		return c
	}
	enc := base64.RawURLEncoding.EncodeToString
	algNone := enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		enc([]byte(`{"sub":"s","tenants":["acme"],"scope":"customers:read","exp":`+itoa(now.Add(time.Hour).Unix())+`}`)) + "."

	exp := itoa(now.Add(time.Hour).Unix())
	claims := `"sub":"s","tenants":["acme"],"scope":"customers:read"`
	payload := `{` + claims + `,"exp":` + exp + `}`
	hs := `{"alg":"HS256","typ":"JWT"}`
	forged := func(header string) string { return signRaw(testutil.Secret, header, payload) }
	withPayload := func(p string) string { return signRaw(testutil.Secret, hs, p) }
	many := make([]string, auth.MaxTenants+1)
	for i := range many {
		many[i] = fmt.Sprintf("t%d", i)
	}
	many[0] = "acme"

	cases := []struct {
		name, token, tenant string
		header              http.Header
		status              int
		code, reason        string
	}{
		{name: "no token", tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "MISSING_TOKEN"},
		{name: "garbage token", token: "not-a-jwt", tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "wrong signature", token: sign(t, "another-secret-another-secret-another-secret", valid), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "alg none", token: algNone, tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "expired", token: sign(t, testutil.Secret, with(map[string]any{"exp": now.Add(-time.Hour).Unix()})), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED"},
		{name: "not yet valid", token: sign(t, testutil.Secret, with(map[string]any{"nbf": now.Add(time.Hour).Unix()})), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_NOT_YET_VALID"},
		{name: "missing exp", token: sign(t, testutil.Secret, with(nil, "exp")), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "token in cookie is ignored", header: http.Header{"Cookie": {"jwt=" + sign(t, testutil.Secret, valid)}}, tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "MISSING_TOKEN"},
		{name: "tenant not granted", token: sign(t, testutil.Secret, with(map[string]any{"tenants": []string{"other"}})), tenant: "acme", status: 403, code: "FORBIDDEN", reason: "TENANT_NOT_GRANTED"},
		{name: "unknown tenant", token: sign(t, testutil.Secret, with(map[string]any{"tenants": []string{"*"}, "scope": "tenants:admin customers:read"})), tenant: "nope", status: 403, code: "FORBIDDEN", reason: "UNKNOWN_TENANT"},

		// A wildcard grant is a platform operator's and needs tenants:admin.
		{name: "wildcard without tenants:admin", token: sign(t, testutil.Secret, with(map[string]any{"tenants": []string{"*"}})), tenant: "acme", status: 403, code: "FORBIDDEN", reason: "WILDCARD_TENANT_NEEDS_ADMIN"},
		{name: "wildcard among tenants without tenants:admin", token: sign(t, testutil.Secret, with(map[string]any{"tenants": []string{"acme", "*"}})), tenant: "acme", status: 403, code: "FORBIDDEN", reason: "WILDCARD_TENANT_NEEDS_ADMIN"},
		{name: "wildcard without tenants:admin, no tenant header", token: sign(t, testutil.Secret, with(map[string]any{"tenants": []string{"*"}, "scope": "catalog:write customers:read"})), status: 403, code: "FORBIDDEN", reason: "WILDCARD_TENANT_NEEDS_ADMIN"},
		{name: "wildcard as a string claim without tenants:admin", token: withPayload(`{"sub":"s","tenants":"*","scope":"customers:read","exp":` + exp + `}`), tenant: "acme", status: 403, code: "FORBIDDEN", reason: "WILDCARD_TENANT_NEEDS_ADMIN"},

		// The header's alg must be the configured one, exactly, whatever the
		// signature: an HMAC signature under the right key does not make
		// "NONE", "RS256" or no alg acceptable (RFC 8725 §3.1).
		{name: "alg NONE signed with the secret", token: forged(`{"alg":"NONE","typ":"JWT"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "alg none signed with the secret", token: forged(`{"alg":"none","typ":"JWT"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "no alg signed with the secret", token: forged(`{"typ":"JWT"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "alg null", token: forged(`{"alg":null}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "alg RS256 signed with the secret", token: forged(`{"alg":"RS256","typ":"JWT"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "alg ES256 signed with the secret", token: forged(`{"alg":"ES256","typ":"JWT"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "alg hs256 in lower case", token: forged(`{"alg":"hs256","typ":"JWT"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "alg HS512 signed with the secret", token: forged(`{"alg":"HS512","typ":"JWT"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "two alg members", token: forged(`{"alg":"none","alg":"HS256"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "header not an object", token: forged(`["HS256"]`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},

		// Extensions we do not implement, and keys the token brings itself.
		{name: "crit header", token: forged(`{"alg":"HS256","crit":["exp"],"exp":1}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "crit empty", token: forged(`{"alg":"HS256","crit":[]}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "b64 header", token: forged(`{"alg":"HS256","b64":true}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "jku header", token: forged(`{"alg":"HS256","jku":"https://evil.example.com/jwks.json"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "jwk header", token: forged(`{"alg":"HS256","jwk":{"kty":"oct","k":"c2VjcmV0"}}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "x5u header", token: forged(`{"alg":"HS256","x5u":"https://evil.example.com/cert.pem"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "x5c header", token: forged(`{"alg":"HS256","x5c":["MIIB"]}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},

		// Dates are JSON numbers (RFC 7519 §2, NumericDate), nothing else.
		{name: "exp as a numeric string", token: withPayload(`{` + claims + `,"exp":"` + exp + `"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "exp as an RFC 3339 string", token: withPayload(`{` + claims + `,"exp":"` + now.Add(time.Hour).UTC().Format(time.RFC3339) + `"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		// jwx reads an exp whose Unix time is 0 as "no expiry": 1970 is past.
		{name: "exp 0", token: withPayload(`{` + claims + `,"exp":0}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED"},
		{name: "exp 0.5", token: withPayload(`{` + claims + `,"exp":0.5}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED"},
		{name: "exp -1 (jwx does not parse negative dates)", token: withPayload(`{` + claims + `,"exp":-1}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "exp null", token: withPayload(`{` + claims + `,"exp":null}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "exp true", token: withPayload(`{` + claims + `,"exp":true}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "exp twice", token: withPayload(`{` + claims + `,"exp":1,"exp":` + exp + `}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "nbf as a string", token: withPayload(`{` + claims + `,"exp":` + exp + `,"nbf":"0"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "iat as a string", token: withPayload(`{` + claims + `,"exp":` + exp + `,"iat":"0"}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "iat null", token: withPayload(`{` + claims + `,"exp":` + exp + `,"iat":null}`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "payload not an object", token: withPayload(`[` + exp + `]`), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},

		// Only the compact form, one token, of bounded size.
		{name: "JSON serialization", token: jsonSerialization(forged(hs)), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "padded base64", token: padded(forged(hs)), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "two Authorization headers", token: sign(t, testutil.Secret, valid), header: http.Header{"Authorization": {"Bearer " + sign(t, testutil.Secret, valid)}}, tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "Authorization header over 8 KiB", token: sign(t, testutil.Secret, with(map[string]any{"pad": strings.Repeat("a", 8*1024)})), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_TOO_LARGE"},
		{name: "more than 100 tenants", token: sign(t, testutil.Secret, with(map[string]any{"tenants": many})), tenant: "acme", status: 401, code: "UNAUTHENTICATED", reason: "INVALID_TOKEN"},
		{name: "missing tenant header", token: sign(t, testutil.Secret, valid), status: 400, code: "BAD_USER_INPUT", reason: "MISSING_TENANT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := env.Do(testutil.Request{Token: tc.token, TenantKey: tc.tenant, Header: tc.header, Query: `{ roles { code } }`})
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tc.status, resp.Raw)
			}
			if len(resp.Errors) != 1 || resp.Errors[0].Code() != tc.code || resp.Errors[0].Reason() != tc.reason {
				t.Fatalf("errors %s, want one %s/%s", resp.Raw, tc.code, tc.reason)
			}
			if resp.Errors[0].Extensions["requestId"] == "" || resp.Header.Get("X-Request-ID") == "" {
				t.Fatalf("no request id: %s", resp.Raw)
			}
			if string(resp.Data) != "null" {
				t.Fatalf("data must be null: %s", resp.Raw)
			}
			if tc.token != "" && len(tc.token) > 20 && strings.Contains(resp.Raw, tc.token[len(tc.token)-20:]) {
				t.Fatalf("the answer echoes the token: %s", resp.Raw)
			}
		})
	}

	// A token whose "Bearer " header is 8 KiB to a few bytes: each 3 bytes
	// of the pad claim add 4 characters to the token.
	bare := len(sign(t, testutil.Secret, with(map[string]any{"pad": ""})))
	atLimit := sign(t, testutil.Secret, with(map[string]any{"pad": strings.Repeat("a", (8*1024-len("Bearer ")-bare)*3/4)}))
	if n := len("Bearer " + atLimit); n > 8*1024 || n < 8*1024-4 {
		t.Fatalf("the 8 KiB token's header is %d bytes", n)
	}

	// What stays accepted: the forms real issuers produce.
	for name, token := range map[string]string{
		"valid token":                   sign(t, testutil.Secret, valid),
		"hand-made HS256 token":         forged(hs),
		"no typ, a kid":                 forged(`{"alg":"HS256","kid":"k1"}`),
		"fractional exp, nbf and iat":   withPayload(`{` + claims + `,"exp":` + exp + `.5,"nbf":1.5,"iat":1e9}`),
		"100 tenants":                   sign(t, testutil.Secret, with(map[string]any{"tenants": many[:100]})),
		"wildcard with tenants:admin":   sign(t, testutil.Secret, with(map[string]any{"tenants": []string{"*"}, "scope": "tenants:admin customers:read"})),
		"tenants as a string":           withPayload(`{"sub":"s","tenants":"acme","scope":"customers:read","exp":` + exp + `}`),
		"Authorization header of 8 KiB": atLimit,
	} {
		t.Run(name, func(t *testing.T) {
			resp := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: `{ roles { code } }`})
			if resp.Status != 200 || len(resp.Errors) > 0 {
				t.Fatalf("got %d %s", resp.Status, resp.Raw)
			}
		})
	}
}

// jsonSerialization rewrites a compact JWS as the flattened JSON
// serialization (RFC 7515 §7.2.2) of the same signature.
func jsonSerialization(compact string) string {
	p := strings.Split(compact, ".")
	return `{"protected":"` + p[0] + `","payload":"` + p[1] + `","signature":"` + p[2] + `"}`
}

// padded re-encodes a compact JWS's signature with base64 padding, which
// RFC 7515 §2 forbids.
func padded(compact string) string {
	p := strings.Split(compact, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(p[2])
	return p[0] + "." + p[1] + "." + base64.URLEncoding.EncodeToString(sig)
}

func TestMissingScopeIsForbiddenForThatField(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	token := env.Token([]string{"acme"}, "customers:read")
	resp := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: `mutation {
		createRole(input: {code: "AUDITOR", name: "Auditor"}) { role { id } }
	}`})
	if resp.Status != 200 || len(resp.Errors) != 1 || resp.Errors[0].Code() != "FORBIDDEN" || resp.Errors[0].Reason() != "MISSING_SCOPE" {
		t.Fatalf("got %d %s", resp.Status, resp.Raw)
	}
	if n, _ := env.Client().Role.Query().Count(env.As(env.Tenant("other"))); n != 6 {
		t.Fatalf("the other tenant has %d roles, want the 6 standard ones", n)
	}

	// Two root fields: the one in scope answers, the other is FORBIDDEN.
	resp = env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: `mutation {
		a: createRole(input: {code: "AUDITOR", name: "Auditor"}) { role { id } }
	}`})
	if resp.Errors[0].Code() != "FORBIDDEN" {
		t.Fatalf("got %s", resp.Raw)
	}
	read := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: `{ tenant { key } roles { code } }`})
	if read.Status != 200 || len(read.Errors) > 0 {
		t.Fatalf("read with customers:read: %s", read.Raw)
	}
}

func TestIssuerAndAudienceAreCheckedWhenConfigured(t *testing.T) {
	env := testutil.NewWith(t, testutil.Options{Auth: auth.Config{
		Secret: []byte(testutil.Secret), Issuer: "https://issuer.example.com", Audience: "onboard",
	}})
	env.Tenant("acme")
	exp := time.Now().Add(time.Hour).Unix()
	base := map[string]any{"sub": "s", "tenants": []string{"acme"}, "scope": "customers:read", "exp": exp}
	good := map[string]any{"iss": "https://issuer.example.com", "aud": []string{"onboard"}}
	for name, claims := range map[string]map[string]any{
		"right iss and aud": good,
		"wrong iss":         {"iss": "https://evil.example.com", "aud": []string{"onboard"}},
		"wrong aud":         {"iss": "https://issuer.example.com", "aud": []string{"other"}},
		"none":              {},
	} {
		t.Run(name, func(t *testing.T) {
			c := map[string]any{}
			for k, v := range base {
				c[k] = v
			}
			for k, v := range claims {
				c[k] = v
			}
			resp := env.Do(testutil.Request{Token: sign(t, testutil.Secret, c), TenantKey: "acme", Query: `{ tenant { key } }`})
			want := 401
			if name == "right iss and aud" {
				want = 200
			}
			if resp.Status != want {
				t.Fatalf("status %d, want %d: %s", resp.Status, want, resp.Raw)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The attack: a read-only token naming "*" read every tenant's
// customers. Now the token is refused before any resolver runs, while an
// operator token (with tenants:admin) still reads a tenant it names.
func TestWildcardTenantGrantNeedsTenantsAdmin(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	exp := time.Now().Add(time.Hour).Unix()
	q := `{ customers(first: 10) { totalCount } }`

	readOnly := sign(t, testutil.Secret, map[string]any{"sub": "s", "tenants": []string{"*"}, "scope": "customers:read", "exp": exp})
	resp := env.Do(testutil.Request{Token: readOnly, TenantKey: "acme", Query: q})
	if resp.Status != http.StatusForbidden || len(resp.Errors) != 1 ||
		resp.Errors[0].Code() != "FORBIDDEN" || resp.Errors[0].Reason() != "WILDCARD_TENANT_NEEDS_ADMIN" || string(resp.Data) != "null" {
		t.Fatalf("read-only wildcard token: %d %s", resp.Status, resp.Raw)
	}
	if got := resp.Header.Get("WWW-Authenticate"); !strings.Contains(got, `error="insufficient_scope"`) || !strings.Contains(got, `scope="tenants:admin"`) {
		t.Fatalf("WWW-Authenticate %q", got)
	}

	operator := env.Token([]string{"*"}, "tenants:admin", "customers:read")
	if resp := env.Do(testutil.Request{Token: operator, TenantKey: "acme", Query: q}); resp.Status != 200 || len(resp.Errors) > 0 {
		t.Fatalf("operator token: %d %s", resp.Status, resp.Raw)
	}
}

// Mint refuses what the server would refuse, so no command or seed can hand
// out such a token.
func TestMintRefusesTokensTheServerRefuses(t *testing.T) {
	env := testutil.New(t)
	for name, req := range map[string]auth.TokenRequest{
		"wildcard without tenants:admin":          {Tenants: []string{"*"}, Scopes: []string{"customers:read"}, TTL: time.Hour},
		"wildcard among others without the scope": {Tenants: []string{"acme", "*"}, Scopes: testutil.AllScopes, TTL: time.Hour},
		"more than 100 tenants":                   {Tenants: make([]string, auth.MaxTenants+1), Scopes: []string{"customers:read"}, TTL: time.Hour},
	} {
		if tok, err := env.Auth.Mint(req); err == nil {
			t.Errorf("%s: minted %d bytes", name, len(tok))
		}
	}
	if _, err := env.Auth.Mint(auth.TokenRequest{Tenants: []string{"*"}, Scopes: []string{"tenants:admin"}, TTL: time.Hour}); err != nil {
		t.Fatalf("operator token: %v", err)
	}
}

// With a public key configured (JWT_ALGORITHM=RS256) the header's alg must
// be RS256 exactly: the same RSA signature under "rs256", "RS512" or no alg
// is refused, and the public key used as an HMAC secret (key confusion,
// RFC 8725 §2.1) gets nowhere.
func TestPublicKeyAlgorithmIsCheckedExactly(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	env := testutil.NewWith(t, testutil.Options{Auth: auth.Config{PublicKeyPEM: pemKey, Algorithm: "RS256"}})
	env.Tenant("acme")
	payload := `{"sub":"s","tenants":["acme"],"scope":"customers:read","exp":` + itoa(time.Now().Add(time.Hour).Unix()) + `}`
	rs256 := func(header string) string {
		enc := base64.RawURLEncoding.EncodeToString
		input := enc([]byte(header)) + "." + enc([]byte(payload))
		sum := sha256.Sum256([]byte(input))
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return input + "." + enc(sig)
	}
	for name, tc := range map[string]struct {
		token  string
		status int
	}{
		"RS256":                           {rs256(`{"alg":"RS256","typ":"JWT"}`), 200},
		"rs256 in lower case":             {rs256(`{"alg":"rs256","typ":"JWT"}`), 401},
		"RS512 over an RS256 signature":   {rs256(`{"alg":"RS512"}`), 401},
		"no alg":                          {rs256(`{"typ":"JWT"}`), 401},
		"HS256 keyed with the public key": {signRaw(string(pemKey), `{"alg":"HS256","typ":"JWT"}`, payload), 401},
	} {
		t.Run(name, func(t *testing.T) {
			resp := env.Do(testutil.Request{Token: tc.token, TenantKey: "acme", Query: `{ tenant { key } }`})
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tc.status, resp.Raw)
			}
			if tc.status == 401 && (len(resp.Errors) != 1 || resp.Errors[0].Reason() != "INVALID_TOKEN") {
				t.Fatalf("got %s", resp.Raw)
			}
		})
	}
}
