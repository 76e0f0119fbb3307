package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"onboard/internal/auth"
	"onboard/internal/server"
	"onboard/internal/testutil"
)

// hostileJWT builds a token with exactly this header and these claims,
// signed by sign (nil: an empty signature).
func hostileJWT(t *testing.T, header, claims any, sign func(signingInput string) []byte) string {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	part := func(v any) string {
		if s, ok := v.(string); ok { // already raw text
			return enc([]byte(s))
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return enc(b)
	}
	input := part(header) + "." + part(claims)
	var sig []byte
	if sign != nil {
		sig = sign(input)
	}
	return input + "." + enc(sig)
}

// hostileHMAC signs with key and the hash h (the test secret by default).
func hostileHMAC(h func() hash.Hash, key string) func(string) []byte {
	return func(in string) []byte {
		m := hmac.New(h, []byte(key))
		m.Write([]byte(in))
		return m.Sum(nil)
	}
}

var hostileHS256 = hostileHMAC(sha256.New, testutil.Secret)

// hostileAuth: forged, malformed and misused tokens, and tenant headers an
// attacker would try. Each is refused before any data is read, or, for
// scopes, at the field.
func hostileAuth(t *testing.T) {
	e := newHostileEnv(t, "auth", testutil.Options{})
	e.tenant("rival")
	ind := testutil.Fixture(t, "finhub-individual.json")
	r := e.mustSucceed(t, e.token, `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
		map[string]any{"input": ind})
	var reg struct{ RegisterIndividual struct{ ID string } }
	_ = json.Unmarshal(r.data, &reg)
	secret := []string{reg.RegisterIndividual.ID, "Marcus", "marcus.jensen"}

	now := time.Now()
	claims := func(changes map[string]any, drop ...string) map[string]any {
		c := map[string]any{"sub": "attacker", "tenants": []string{"acme"}, "scope": "customers:read",
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		for k, v := range changes {
			c[k] = v
		}
		for _, k := range drop {
			delete(c, k)
		}
		return c
	}
	hs := map[string]any{"alg": "HS256", "typ": "JWT"}
	valid := hostileJWT(t, hs, claims(nil), hostileHS256)
	const read = `{ customers(first: 5) { totalCount edges { node { id name } } } }`
	unauth := func(name string, req hostileReq) hostileCase {
		if req.query == "" {
			req.query = read
		}
		if req.tenant == "" {
			req.tenant = "acme"
		}
		return hostileCase{name: name, req: req,
			want: hostileWant{statuses: []int{http.StatusUnauthorized}, codes: []string{"UNAUTHENTICATED"}, secret: secret,
				echo: hostileTokenEcho(req)}}
	}
	forged := func(name string, header, c any, sign func(string) []byte) hostileCase {
		return unauth(name, hostileReq{token: hostileJWT(t, header, c, sign)})
	}
	attacker := hostileAttackerKey(t)

	cases := []hostileCase{
		unauth("no Authorization header", hostileReq{}),
		unauth("Bearer without a token", hostileReq{auth: "Bearer "}),
		unauth("Basic credentials", hostileReq{auth: "Basic YWRtaW46YWRtaW4="}),
		unauth("garbage token", hostileReq{token: "not-a-jwt"}),
		unauth("three garbage segments", hostileReq{token: "aaaa.bbbb.cccc"}),
		unauth("empty segments", hostileReq{token: ".."}),
		unauth("a valid token without its signature", hostileReq{token: valid[:strings.LastIndex(valid, ".")+1]}),
		unauth("a valid token with its signature altered", hostileReq{token: valid[:len(valid)-4] + "AAAA"}),
		forged("signed with another secret", hs, claims(nil), hostileHMAC(sha256.New, "another-secret-another-secret-another-secret")),
		forged("alg none, unsigned", map[string]any{"alg": "none", "typ": "JWT"}, claims(nil), nil),
		forged("alg None, unsigned", map[string]any{"alg": "None"}, claims(nil), nil),
		forged("alg NONE, signed with the HS256 secret", map[string]any{"alg": "NONE", "typ": "JWT"}, claims(nil), hostileHS256),
		forged("no alg, signed with the HS256 secret", map[string]any{"typ": "JWT"}, claims(nil), hostileHS256),
		forged("alg RS256, signed with the HS256 secret", map[string]any{"alg": "RS256", "typ": "JWT"}, claims(nil), hostileHS256),
		forged("alg ES256, signed with the HS256 secret", map[string]any{"alg": "ES256", "typ": "JWT"}, claims(nil), hostileHS256),
		forged("alg HS512 with the secret", map[string]any{"alg": "HS512", "typ": "JWT"}, claims(nil), hostileHMAC(sha512.New, testutil.Secret)),
		forged("alg as a list", map[string]any{"alg": []string{"HS256"}}, claims(nil), hostileHS256),
		forged("ES256 with the attacker's key embedded as jwk", map[string]any{"alg": "ES256", "jwk": attacker.jwk}, claims(nil), attacker.sign),
		forged("header is not JSON", `{"alg":"HS256"`, claims(nil), hostileHS256),
		forged("claims are not JSON", hs, `{"sub":"attacker","exp":`, hostileHS256),
		forged("claims are a list", hs, `[1,2,3]`, hostileHS256),
		forged("exp as a string", hs, claims(map[string]any{"exp": "9999999999"}), hostileHS256),
		forged("exp as a boolean", hs, claims(map[string]any{"exp": true}), hostileHS256),
		forged("no exp", hs, claims(nil, "exp"), hostileHS256),
		forged("expired", hs, claims(map[string]any{"exp": now.Add(-time.Hour).Unix()}), hostileHS256),
		forged("nbf in the future", hs, claims(map[string]any{"nbf": now.Add(time.Hour).Unix()}), hostileHS256),
		forged("nbf as a string", hs, claims(map[string]any{"nbf": "0"}), hostileHS256),
		forged("iat as a string", hs, claims(map[string]any{"iat": "yesterday"}), hostileHS256),
		unauth("a 64 KiB token", hostileReq{token: valid + strings.Repeat("A", 64<<10)}),
		unauth("the token in the query string", hostileReq{target: "/graphql?access_token=" + valid}),
		unauth("the token in a cookie", hostileReq{header: http.Header{"Cookie": {"jwt=" + valid}}}),
		unauth("a garbage Authorization header before a valid one", hostileReq{header: http.Header{"Authorization": {"Bearer junk", "Bearer " + valid}}}),
	}

	// A wildcard grant needs tenants:admin (README, DESIGN §5).
	wildcard := func(name string, tenants any) hostileCase {
		return hostileCase{name: name, req: hostileReq{tenant: "acme", query: read,
			token: hostileJWT(t, hs, claims(map[string]any{"tenants": tenants}), hostileHS256)},
			want: hostileWant{statuses: []int{http.StatusUnauthorized, http.StatusForbidden},
				codes: []string{"UNAUTHENTICATED", "FORBIDDEN"}, secret: secret}}
	}
	cases = append(cases,
		wildcard(`tenants ["*"] without tenants:admin`, []string{"*"}),
		wildcard(`tenants "*" as a string without tenants:admin`, "*"),
		wildcard(`tenants ["acme", "*"] without tenants:admin`, []string{"acme", "*"}),
		hostileCase{name: `tenants ["*"] with tenants:admin reads acme`, req: hostileReq{tenant: "acme", query: read,
			token: hostileJWT(t, hs, claims(map[string]any{"tenants": []string{"*"}, "scope": "tenants:admin customers:read"}), hostileHS256)},
			want: hostileWant{successOnly: true, success: hostileSucceeds(func(t *testing.T, data map[string]any) {
				if c := data["customers"].(map[string]any); c["totalCount"] != float64(1) {
					t.Errorf("the operator reads %v customers in acme, want 1", c["totalCount"])
				}
			})}},
	)

	// Tenants the token does not grant.
	forbidden := func(name, token, tenant string) hostileCase {
		return hostileCase{name: name, req: hostileReq{token: token, tenant: tenant, query: read},
			want: hostileWant{statuses: []int{http.StatusForbidden}, codes: []string{"FORBIDDEN"}, secret: secret,
				echo: []string{tenant}}}
	}
	rival := e.Token([]string{"rival"}, testutil.AllScopes...)
	operator := e.operatorToken()
	cases = append(cases,
		forbidden("a token for acme with X-Tenant-ID rival", e.token, "rival"),
		forbidden("a token for rival with X-Tenant-ID acme", rival, "acme"),
		forbidden("X-Tenant-ID in another case", rival, "ACME"),
		forbidden("X-Tenant-ID with an injected header", rival, "acme\r\nX-Tenant-ID: acme"),
		forbidden("X-Tenant-ID listing two tenants", rival, "rival, acme"),
		forbidden("X-Tenant-ID with SQL", operator, "acme' OR '1'='1"),
		forbidden("X-Tenant-ID with a LIKE wildcard", operator, "ac%"),
		forbidden("X-Tenant-ID percent-encoded", operator, "%61cme"),
		forbidden("X-Tenant-ID with a path", operator, "../acme"),
		hostileCase{name: "X-Tenant-ID with a NUL", req: hostileReq{token: operator, tenant: "acme\x00", query: read},
			want: hostileWant{statuses: []int{http.StatusBadRequest, http.StatusForbidden}, codes: []string{"BAD_USER_INPUT", "FORBIDDEN"}, secret: secret}},
		hostileCase{name: "a 64 KiB X-Tenant-ID", req: hostileReq{token: operator, tenant: strings.Repeat("a", 64<<10), query: read},
			want: hostileWant{statuses: []int{http.StatusBadRequest, http.StatusForbidden, http.StatusRequestHeaderFieldsTooLarge},
				codes: []string{"BAD_USER_INPUT", "FORBIDDEN"}, secret: secret, echo: []string{strings.Repeat("a", 64<<10)}}},
		hostileCase{name: "no X-Tenant-ID", req: hostileReq{token: e.token, query: read},
			want: hostileWant{statuses: []int{http.StatusBadRequest}, codes: []string{"BAD_USER_INPUT"}, secret: secret}},
		hostileCase{name: "tenants as a number", req: hostileReq{tenant: "acme", query: read,
			token: hostileJWT(t, hs, claims(map[string]any{"tenants": 42}), hostileHS256)},
			want: hostileWant{statuses: []int{http.StatusUnauthorized, http.StatusForbidden}, codes: []string{"UNAUTHENTICATED", "FORBIDDEN"}, secret: secret}},
	)

	// Scopes: refused at the field (200, FORBIDDEN; schema.graphqls).
	scoped := func(name string, scope any, query string) hostileCase {
		return hostileCase{name: name, req: hostileReq{tenant: "acme", query: query,
			token: hostileJWT(t, hs, claims(map[string]any{"scope": scope}), hostileHS256)},
			want: hostileWant{statuses: []int{http.StatusOK, http.StatusUnauthorized}, codes: []string{"FORBIDDEN", "UNAUTHENTICATED"}, secret: secret}}
	}
	cases = append(cases,
		scoped("no scope reads customers", "", read),
		scoped("scope as a list", []string{"customers:read"}, read),
		scoped("a scope with a trailing wildcard", "customers:*", read),
		scoped("a scope in another case", "CUSTOMERS:READ", read),
		scoped("tenants:admin outside a wildcard grant creates a tenant", "tenants:admin",
			`mutation { createTenant(input: {key: "evil", name: "Evil"}) { tenant { id } } }`),
	)

	// Issuer and audience, when configured.
	strict, err := auth.New(auth.Config{Secret: []byte(testutil.Secret), Issuer: "onboard", Audience: "onboard-api"}, e.Client())
	if err != nil {
		t.Fatal(err)
	}
	strictHandler := server.New(server.Options{DB: e.DB, Auth: strict, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	withIssuer := func(name string, changes map[string]any, drop ...string) hostileCase {
		c := claims(map[string]any{"iss": "onboard", "aud": "onboard-api"})
		for k, v := range changes {
			c[k] = v
		}
		for _, k := range drop {
			delete(c, k)
		}
		tc := unauth(name, hostileReq{token: hostileJWT(t, hs, c, hostileHS256), handler: strictHandler})
		return tc
	}
	cases = append(cases,
		withIssuer("iss of another issuer", map[string]any{"iss": "evil"}),
		withIssuer("no iss", nil, "iss"),
		withIssuer("aud of another audience", map[string]any{"aud": "other-api"}),
		withIssuer("no aud", nil, "aud"),
		withIssuer("iss as a number", map[string]any{"iss": 7}),
		hostileCase{name: "iss and aud as configured", req: hostileReq{tenant: "acme", query: read, handler: strictHandler,
			token: hostileJWT(t, hs, claims(map[string]any{"iss": "onboard", "aud": "onboard-api"}), hostileHS256)},
			want: hostileWant{successOnly: true, success: hostileSucceeds(nil)}},
	)
	for _, tc := range cases {
		e.run(t, tc)
	}
}

// hostileTokenEcho is the token of req, which no answer may repeat.
func hostileTokenEcho(req hostileReq) []string {
	if len(req.token) >= 16 {
		return []string{req.token}
	}
	return nil
}

// hostileKey is an attacker's ES256 key, as a JWK and a signer.
type hostileKey struct {
	jwk  map[string]any
	sign func(string) []byte
}

func hostileAttackerKey(t *testing.T) hostileKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	pad := func(n *big.Int) []byte { return n.FillBytes(make([]byte, 32)) }
	return hostileKey{
		jwk: map[string]any{"kty": "EC", "crv": "P-256", "x": enc(pad(key.X)), "y": enc(pad(key.Y))},
		sign: func(in string) []byte {
			sum := sha256.Sum256([]byte(in))
			r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
			if err != nil {
				t.Fatal(err)
			}
			return append(pad(r), pad(s)...)
		},
	}
}
