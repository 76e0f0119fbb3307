package registration

import (
	"strings"
	"unicode/utf8"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
)

// Origin is where a request came from, as the HTTP layer and the token
// tell: stored on the customer as its registration context, with the
// client's Idempotency-Key for replays. The graph layer passes it to each
// registration explicitly, so that what a registration depends on is in
// its arguments.
type Origin struct {
	IP, UserAgent, Source, Platform, DeviceID string
	IdempotencyKey                            string
	// Subject is the token's subject, the client that registers, stored
	// as the customer's registeredBy.
	Subject string
}

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 255

// checkIdempotencyKey accepts at most 255 printable ASCII characters (what
// clients generate: UUIDs, ULIDs, base64), so the key is stored and
// compared byte for byte on both databases.
func checkIdempotencyKey(key string) error {
	if len(key) > MaxIdempotencyKey {
		return apperr.New(apperr.BadUserInput, vocab.ReasonIdempotencyKeyTooLong,
			"the Idempotency-Key header is longer than 255 characters")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return apperr.New(apperr.BadUserInput, vocab.ReasonInvalidIdempotencyKey,
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
