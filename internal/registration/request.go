package registration

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Request is what the HTTP layer knows about a registration request: where
// it came from (stored on the customer as its registration context) and the
// client's Idempotency-Key.
type Request struct {
	IP, UserAgent, Source, Platform, DeviceID string
	IdempotencyKey                            string
}

type requestKey struct{}

// WithRequest stores the request's registration context in ctx.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the registration context stored by WithRequest (the
// zero Request when there is none).
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 255

// clip makes a header value safe to store: valid UTF-8 without control
// characters, trimmed, and cut to at most max bytes on a rune boundary.
// Registration context is metadata, so an odd header is cleaned rather than
// failing the registration.
func clip(s string, max int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	for len(s) > max {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
