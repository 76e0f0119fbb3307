package server_test

import (
	"encoding/base64"
	"net/http"
	"strconv"
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
		{name: "unknown tenant", token: sign(t, testutil.Secret, with(map[string]any{"tenants": []string{"*"}})), tenant: "nope", status: 403, code: "FORBIDDEN", reason: "UNKNOWN_TENANT"},
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
		})
	}

	t.Run("valid token", func(t *testing.T) {
		resp := env.Do(testutil.Request{Token: sign(t, testutil.Secret, valid), TenantKey: "acme", Query: `{ roles { code } }`})
		if resp.Status != 200 || len(resp.Errors) > 0 {
			t.Fatalf("got %d %s", resp.Status, resp.Raw)
		}
	})
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
