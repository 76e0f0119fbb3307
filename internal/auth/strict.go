package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bounds on what one token can cost before it is refused. A real token is a
// few hundred bytes and names a handful of tenants; these leave room for an
// identity provider's extra claims while keeping the work per request small.
const (
	// MaxAuthorizationBytes bounds the Authorization header, checked before
	// anything is decoded.
	MaxAuthorizationBytes = 8 << 10
	// MaxTenants bounds the entries of the tenants claim.
	MaxTenants = 100
)

// b64 is the JWS base64url alphabet without padding (RFC 7515 §2). Strict
// refuses encodings whose unused trailing bits are not zero, so one token
// has one spelling.
var b64 = base64.RawURLEncoding.Strict()

// refusedHeaders are JOSE header parameters the server never honours:
//   - crit names extensions the recipient must understand, and we implement
//     none (RFC 7515 §4.1.11 requires refusing then);
//   - b64 (RFC 7797) changes what the signature covers;
//   - jku, jwk, x5u and x5c let the token bring or point at its own key,
//     which would let anyone sign (RFC 8725 §3.10): keys come only from the
//     configuration, and nothing is ever fetched.
var refusedHeaders = []string{"crit", "b64", "jku", "jwk", "x5u", "x5c"}

// errMalformed is a token that is not one compact JWS.
var errMalformed = errors.New("not a compact JWS")

// compact is a token split into its decoded header and payload. Only the
// compact serialization is accepted: the JSON serializations carry
// unprotected headers and several signatures, which no issuer of ours uses.
type compact struct {
	header, payload map[string]json.RawMessage
}

// parseCompact splits raw into three base64url segments and decodes the
// header and payload as JSON objects, refusing duplicate members: two "alg"
// or two "exp" would let two parsers read two different tokens
// (RFC 7515 §5.2, RFC 8725 §3.2). It checks shape only, not the signature.
func parseCompact(raw string) (*compact, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || parts[2] == "" {
		return nil, errMalformed
	}
	var c compact
	for i, dst := range []*map[string]json.RawMessage{&c.header, &c.payload} {
		b, err := b64.DecodeString(parts[i])
		if err != nil {
			return nil, errMalformed
		}
		if *dst, err = object(b); err != nil {
			return nil, errMalformed
		}
	}
	if _, err := b64.DecodeString(parts[2]); err != nil {
		return nil, errMalformed
	}
	return &c, nil
}

// checkHeader checks the JOSE header before the signature is looked at: the
// algorithm must be the configured one, spelled exactly (RFC 8725 §3.1: the
// library would otherwise verify with the configured key whatever the header
// says, so "NONE" or "RS256" passed with an HMAC signature), and nothing in
// refusedHeaders may appear. The problem it returns is safe to show a client:
// it names a rule, never a value from the token.
func checkHeader(h map[string]json.RawMessage, alg string) string {
	var got string
	if err := json.Unmarshal(h["alg"], &got); err != nil || got != alg {
		return "the algorithm is not " + alg
	}
	for _, name := range refusedHeaders {
		if _, ok := h[name]; ok {
			return "the header parameter " + name + " is not accepted"
		}
	}
	return ""
}

// checkDates requires exp, and nbf and iat when present, to be JSON numbers
// (RFC 7519 §2, NumericDate). The library also takes strings, numeric or
// RFC 3339, which no conforming issuer sends.
func checkDates(p map[string]json.RawMessage) string {
	if _, ok := p["exp"]; !ok {
		return "exp is required"
	}
	for _, name := range []string{"exp", "nbf", "iat"} {
		v, ok := p[name]
		if ok && !isNumber(v) {
			return name + " must be a number"
		}
	}
	return ""
}

// isNumber reports whether v, a valid JSON value, is a number.
func isNumber(v json.RawMessage) bool {
	return len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9')
}

// object decodes b as one JSON object, refusing duplicate member names and
// anything after the object.
func object(b []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errMalformed
	}
	out := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("duplicate member")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out[name] = v
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errMalformed
	}
	return out, nil
}

// tenantsOf reads the tenants claim: a list of strings or one
// space-separated string, at most MaxTenants entries.
func tenantsOf(p map[string]json.RawMessage) ([]string, string) {
	v, ok := p["tenants"]
	if !ok || bytes.Equal(v, []byte("null")) {
		return nil, ""
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, "tenants must be a list of strings"
		}
		list = strings.Fields(s)
	}
	if len(list) > MaxTenants {
		return nil, fmt.Sprintf("tenants lists more than %d tenants", MaxTenants)
	}
	return list, ""
}
