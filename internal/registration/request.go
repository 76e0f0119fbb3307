package registration

import (
	"context"
	"strings"
	"unicode/utf8"

	"onboard/internal/apperr"
	"onboard/internal/values"
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

// checkIdempotencyKey accepts at most 255 printable ASCII characters (what
// clients generate: UUIDs, ULIDs, base64), so the key is stored and
// compared byte for byte on both databases.
func checkIdempotencyKey(key string) error {
	if len(key) > MaxIdempotencyKey {
		return apperr.New(apperr.BadUserInput, "IDEMPOTENCY_KEY_TOO_LONG",
			"the Idempotency-Key header is longer than 255 characters")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return apperr.New(apperr.BadUserInput, "INVALID_IDEMPOTENCY_KEY",
				"the Idempotency-Key header may hold only printable ASCII characters without spaces")
		}
	}
	return nil
}

// clip makes a header value safe to store: valid UTF-8 without control or
// invisible characters (values.StripUnsafe), trimmed, and cut to at most
// max bytes on a rune boundary. Registration context is metadata, so an odd
// header is cleaned rather than failing the registration.
func clip(s string, max int) string {
	s = strings.TrimSpace(values.StripUnsafe(s))
	for len(s) > max {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
