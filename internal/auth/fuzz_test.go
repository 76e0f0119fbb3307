package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fuzzSecret signs the corpus in testdata/fuzz/FuzzVerifyToken.
const fuzzSecret = "fuzz-secret-fuzz-secret-fuzz-secret-0123"

// FuzzVerifyToken drives the whole verification path (size, shape, header,
// signature, claim types, dates, tenants, the wildcard rule) with two tokens
// per input: token as given, and header and payload (JSON text) encoded and
// signed with the right key, so that the fuzzer explores what a key holder
// or a confused issuer could sign, not only broken signatures.
//
// Properties: verify never panics; whatever it accepts, an oracle written
// here without the code under test (encoding/json, crypto/hmac) accepts too:
// a compact HS256 token correctly signed with the secret, exp a JSON number
// in the future, nbf and iat numbers when present, no crit/b64/jku/jwk/x5u/
// x5c header, at most MaxTenants tenants, "*" only with tenants:admin. And
// the plainly valid tokens the oracle builds (typical claims only) are
// accepted, so the strictness does not refuse what issuers send.
func FuzzVerifyToken(f *testing.F) {
	a, err := New(Config{Secret: []byte(fuzzSecret)}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, token string, header, payload []byte) {
		check(t, a, token)
		enc := base64.RawURLEncoding.EncodeToString
		input := enc(header) + "." + enc(payload)
		signed := input + "." + enc(hmacSHA256([]byte(input)))
		accepted := check(t, a, signed)
		if plainlyValid(header, payload) && !accepted {
			_, failure := a.verify(signed)
			t.Fatalf("a plainly valid token is refused (%s): %s %s", failure.Message, header, payload)
		}
	})
}

// check verifies token and, if it is accepted, holds it against the oracle.
func check(t *testing.T, a *Authenticator, token string) bool {
	t.Helper()
	v, failure := a.verify(token)
	if failure != nil {
		if status := failure.HTTPStatus(); status != http.StatusUnauthorized && status != http.StatusForbidden {
			t.Fatalf("status %d for a refused token", status)
		}
		if len(token) > 8 && strings.Contains(failure.Message, token) {
			t.Fatalf("the message echoes the token: %s", failure.Message)
		}
		return false
	}
	if v == nil {
		t.Fatal("no failure and no viewer")
	}
	if why := oracleRefuses(token); why != "" {
		t.Fatalf("accepted a token the oracle refuses (%s): %q", why, token)
	}
	return true
}

func hmacSHA256(b []byte) []byte {
	m := hmac.New(sha256.New, []byte(fuzzSecret))
	m.Write(b)
	return m.Sum(nil)
}

// oracleRefuses says why token must not be accepted, or "".
func oracleRefuses(token string) string {
	if len(token) > MaxAuthorizationBytes {
		return "too large"
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "not three segments"
	}
	var seg [3][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil {
			return "segment is not base64url"
		}
		seg[i] = b
	}
	if !hmac.Equal(seg[2], hmacSHA256([]byte(parts[0]+"."+parts[1]))) {
		return "wrong signature"
	}
	header, ok := decodeObject(seg[0])
	if !ok {
		return "header is not a JSON object"
	}
	if header["alg"] != "HS256" {
		return "alg is not HS256"
	}
	for _, k := range []string{"crit", "b64", "jku", "jwk", "x5u", "x5c"} {
		if _, ok := header[k]; ok {
			return "header " + k
		}
	}
	claims, ok := decodeObject(seg[1])
	if !ok {
		return "payload is not a JSON object"
	}
	now := float64(time.Now().Unix())
	slack := clockSkew.Seconds() + 2 // the clock moves between verify and here
	exp, ok := number(claims["exp"])
	if !ok || exp <= now-slack {
		return "exp is not a number in the future"
	}
	if v, present := claims["nbf"]; present {
		if n, ok := number(v); !ok || n > now+slack {
			return "nbf is not a number in the past"
		}
	}
	if v, present := claims["iat"]; present {
		if _, ok := number(v); !ok {
			return "iat is not a number"
		}
	}
	var tenants []string
	switch x := claims["tenants"].(type) {
	case string:
		tenants = strings.Fields(x)
	case []any:
		for _, e := range x {
			s, _ := e.(string)
			tenants = append(tenants, s)
		}
	}
	if len(tenants) > MaxTenants {
		return "too many tenants"
	}
	scope, _ := claims["scope"].(string)
	if slices.Contains(tenants, "*") && !slices.Contains(strings.Fields(scope), "tenants:admin") {
		return "wildcard without tenants:admin"
	}
	return ""
}

// plainlyValid reports whether header and payload are a token every issuer
// could send: alg HS256 with at most typ and kid, string sub and scope, a
// list of ordinary tenant keys, integer exp an hour or more ahead (before 2200), nbf and
// iat integers in the past, no duplicate members.
func plainlyValid(header, payload []byte) bool {
	h, ok := decodeObject(header)
	if !ok || h["alg"] != "HS256" || duplicates(header) || len(header)+len(payload) > 4000 {
		return false
	}
	for k, v := range h {
		if _, isString := v.(string); !isString || !slices.Contains([]string{"alg", "typ", "kid"}, k) {
			return false
		}
	}
	p, ok := decodeObject(payload)
	if !ok || duplicates(payload) {
		return false
	}
	now := time.Now().Unix()
	for k, v := range p {
		switch k {
		case "sub", "scope":
			s, ok := v.(string)
			if !ok || strings.Contains(s, "*") {
				return false
			}
		case "tenants":
			list, ok := v.([]any)
			if !ok || len(list) > MaxTenants {
				return false
			}
			for _, e := range list {
				if s, ok := e.(string); !ok || s == "" || strings.ContainsAny(s, "* \t\r\n") {
					return false
				}
			}
		case "exp", "nbf", "iat":
			n, ok := v.(json.Number)
			if !ok {
				return false
			}
			i, err := strconv.ParseInt(string(n), 10, 64)
			if err != nil || k == "exp" && (i < now+3600 || i > 7258118400) || k != "exp" && (i < 1 || i > now-3600) {
				return false
			}
		default:
			return false
		}
	}
	_, hasExp := p["exp"]
	return hasExp
}

// decodeObject decodes one JSON object, numbers as json.Number.
func decodeObject(b []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return m, true
}

// duplicates reports whether the top-level object b names a member twice,
// by comparing its members decoded one by one with the map they make.
func duplicates(b []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return true
	}
	var pairs []json.RawMessage
	// Rewrite the object as a list of its members: each "k": v becomes one
	// element, so a duplicate shows as more elements than map keys.
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return true
	}
	for dec.More() {
		if _, err := dec.Token(); err != nil {
			return true
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return true
		}
		pairs = append(pairs, v)
	}
	return len(pairs) != len(m)
}

// number is a JSON number's value, finite.
func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return f, err == nil && !math.IsInf(f, 0)
}

// The corpus seeds are what they say they are: the valid one is accepted,
// each other one refused for its own reason. This keeps the corpus honest
// when the code changes, without running the fuzzer.
func TestFuzzVerifyTokenSeeds(t *testing.T) {
	a, err := New(Config{Secret: []byte(fuzzSecret)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	for name, want := range map[string]string{
		"valid":            "",
		"operator":         "",
		"expired":          "TOKEN_EXPIRED",
		"exp-zero":         "TOKEN_EXPIRED",
		"alg-none":         "INVALID_TOKEN",
		"alg-NONE-hmac":    "INVALID_TOKEN",
		"alg-RS256-hmac":   "INVALID_TOKEN",
		"no-alg":           "INVALID_TOKEN",
		"exp-string":       "INVALID_TOKEN",
		"exp-rfc3339":      "INVALID_TOKEN",
		"crit":             "INVALID_TOKEN",
		"jku":              "INVALID_TOKEN",
		"duplicate-alg":    "INVALID_TOKEN",
		"wildcard-no-admn": "WILDCARD_TENANT_NEEDS_ADMIN",
	} {
		t.Run(name, func(t *testing.T) {
			token, header, payload := readSeed(t, name)
			input := enc(header) + "." + enc(payload)
			for _, tok := range []string{token, input + "." + enc(hmacSHA256([]byte(input)))} {
				_, failure := a.verify(tok)
				switch {
				case want == "" && failure != nil:
					t.Fatalf("refused: %s", failure.Message)
				case want != "" && (failure == nil || string(failure.Reason) != want):
					t.Fatalf("got %+v, want %s", failure, want)
				}
			}
		})
	}
}

// readSeed reads a corpus file of testdata/fuzz/FuzzVerifyToken: a string
// and two []byte values in the "go test fuzz v1" format.
func readSeed(t *testing.T, name string) (token string, header, payload []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzVerifyToken", name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s is not a corpus file of three values", name)
	}
	var vals [3]string
	for i, prefix := range []string{"string(", "[]byte(", "[]byte("} {
		q, ok := strings.CutPrefix(lines[i+1], prefix)
		if !ok || !strings.HasSuffix(q, ")") {
			t.Fatalf("%s line %d: %q", name, i+2, lines[i+1])
		}
		if vals[i], err = strconv.Unquote(strings.TrimSuffix(q, ")")); err != nil {
			t.Fatalf("%s line %d: %v", name, i+2, err)
		}
	}
	return vals[0], []byte(vals[1]), []byte(vals[2])
}
