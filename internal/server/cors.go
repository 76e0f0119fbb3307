package server

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/auth"
)

// What a browser page on an allowed origin may send to /graphql and read
// back. The request headers are every header the server reads: the token,
// the tenant, the body's type, the idempotency key, the request id and the
// registration context (see registrationContext). X-Request-ID and
// Retry-After are not CORS-safelisted response headers, so a page could not
// read them unless they are exposed.
const (
	corsAllowMethods  = "GET, POST"
	corsAllowHeaders  = "Authorization, Content-Type, X-Tenant-ID, Idempotency-Key, X-Request-ID, X-Forwarded-From, Platform, DeviceId"
	corsExposeHeaders = "X-Request-ID, Retry-After"
	// Ten minutes: a browser repeats the preflight at most that often, and
	// a changed configuration reaches every open page within that time.
	corsMaxAge = "600"
)

// CORS is the cross-origin policy of /graphql: which origins' pages may
// call it from a browser. The zero value, and nil, allow none.
//
// Access-Control-Allow-Credentials is never sent: tokens travel in the
// Authorization header, which a page sets itself, and no cookie is read, so
// a browser never adds an ambient credential. That is also why "*" is
// supported: it lets any page call the API with a token it already holds,
// which any program can do without a browser (public bearer-token APIs
// answer "*" too). The playground page, which embeds a development token,
// is not under this policy: only /graphql is.
//
// A hand-written handler rather than github.com/rs/cors or go-chi/cors:
// the rules fit in this file, and a refused preflight must answer in the
// API's error shape (403, code, reason, requestId), which those libraries
// do not do (they answer without CORS headers and let the request through).
type CORS struct {
	anyOrigin bool            // "*"
	origins   map[string]bool // exact origins, canonical form
}

// NewCORS reads CORS_ALLOWED_ORIGINS: a comma-separated list of exact
// origins (scheme://host[:port]), or "*" alone for every origin. The
// empty string allows none. An entry that is not an origin (a path, a
// wildcard host, "null") is an error naming it.
func NewCORS(raw string) (*CORS, error) {
	c := &CORS{origins: map[string]bool{}}
	for _, entry := range strings.Split(raw, ",") {
		entry = strings.TrimSpace(entry)
		switch {
		case entry == "":
		case entry == "*":
			c.anyOrigin = true
		default:
			o, err := canonicalOrigin(entry)
			if err != nil {
				return nil, err
			}
			c.origins[o] = true
		}
	}
	if c.anyOrigin && len(c.origins) > 0 {
		return nil, fmt.Errorf(`CORS_ALLOWED_ORIGINS: "*" allows every origin and cannot be listed with others`)
	}
	return c, nil
}

// canonicalOrigin is s as a browser writes it in the Origin header: lower
// case, without the scheme's default port or a trailing slash.
func canonicalOrigin(s string) (string, error) {
	bad := fmt.Errorf("CORS_ALLOWED_ORIGINS: %q is not an origin: write scheme://host[:port], such as https://app.example.com", s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", bad
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if host == "" || strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-:") != "" {
		return "", bad // "*.example.com", a host in Unicode (browsers send punycode)
	}
	if n, err := strconv.Atoi(port); port != "" && (err != nil || n < 1 || n > 65535) {
		return "", bad
	}
	if u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443" {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return u.Scheme + "://" + host, nil
}

func (c *CORS) configured() bool { return c != nil && (c.anyOrigin || len(c.origins) > 0) }

func (c *CORS) allows(origin string) bool {
	return origin != "" && c.configured() && (c.anyOrigin || c.origins[origin])
}

// allowsUpgrade applies the policy to a websocket upgrade, which a
// browser sends from any page without a preflight, and whose answer the
// page reads whatever CORS says: so the check is the server's. A client
// that is no browser sends no Origin and is let through (its token is
// checked at connection_init); a page on the API's own host (the
// playground) is same-origin; any other page's origin must be allowed.
func (c *CORS) allowsUpgrade(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) &&
		(u.Scheme == "http" || u.Scheme == "https") {
		return true
	}
	if o, err := canonicalOrigin(origin); err == nil {
		return c.allows(o)
	}
	return false
}

// handler answers preflights itself, before the front and authentication
// (a browser never sends a token with a preflight), and marks the answers
// to allowed origins. A request from another origin is served as if there
// were no CORS (a browser then keeps the answer from the page); only its
// preflight is refused.
func (c *CORS) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if c.configured() {
			h.Add("Vary", "Origin") // caches keep one answer per origin
		}
		origin := r.Header.Get("Origin")
		allowOrigin := origin
		if c != nil && c.anyOrigin {
			allowOrigin = "*"
		}
		if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			if !c.allows(origin) {
				apperr.Refuse(w, r, apperr.New(apperr.Forbidden,
					vocab.ReasonOriginNotAllowed, "this page's origin may not call the API: it is not in CORS_ALLOWED_ORIGINS"))
				return
			}
			h.Set("Access-Control-Allow-Origin", allowOrigin)
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if auth.IsWebsocketUpgrade(r) && !c.allowsUpgrade(r) {
			apperr.Refuse(w, r, apperr.New(apperr.Forbidden,
				vocab.ReasonOriginNotAllowed, "this page's origin may not open a websocket to the API: it is not in CORS_ALLOWED_ORIGINS"))
			return
		}
		if c.allows(origin) {
			h.Set("Access-Control-Allow-Origin", allowOrigin)
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		}
		next.ServeHTTP(w, r)
	})
}
