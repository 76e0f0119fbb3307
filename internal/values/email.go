package values

import (
	"net/mail"
	"strings"
	"unicode"
)

// Limits from RFC 5321 (section 4.5.3.1) as corrected by erratum 1690: a
// path is at most 256 octets including the angle brackets, so an address is
// at most 254, and a local part at most 64. Longer addresses are accepted by
// some forms but rejected by mail servers, so the user would never receive
// our verification e-mail.
const (
	maxEmailLen     = 254
	maxEmailLocal   = 64
	maxDomainLabel  = 63
	emailBadMessage = "Enter a valid e-mail address, like name@example.com."
)

// ParseEmail validates an e-mail address typed by a user and returns it in
// the form we store and compare: trimmed, NFKC-normalized and lower-cased
// (identityForm). Lower-casing the local part is technically lossy (RFC 5321
// lets servers treat it as case sensitive) but no mainstream provider does,
// and a canonical form is what stops one person from registering "A@x.com"
// and "a@x.com" — or the fullwidth "ａ@x.com" — as two customers.
//
// An address that could pass for another is refused before that: one
// holding a control character (CONTROL_CHARACTER) or an invisible one, such
// as a zero width space or a soft hyphen before the "@"
// (INVISIBLE_CHARACTER), and one whose local part, or one of whose domain
// labels, mixes writing systems, such as Latin with a Cyrillic "а"
// (MIXED_SCRIPT; see identityScripts). An address entirely in one
// non-Latin script stays valid. Domain labels in A-label form ("xn--…")
// are compared as written, not decoded.
//
// Accepted is exactly one RFC 5322 addr-spec with a dot-atom local part: no
// display name ("Ann <ann@x.com>"), no comments, no quoted local part, no
// list, and a domain name with at least one dot (no IP literals, no
// single-label hosts such as "localhost") — the forms real users have, and
// none of the exotic forms that downstream e-mail and KYC vendors choke on.
// Length limits are 254 bytes in total and 64 bytes before the "@".
// Every other failure is INVALID_EMAIL, except INVALID_UTF8 and
// CONTAINS_NUL.
func ParseEmail(s string) (string, error) {
	t, p := sanitize(s)
	if p != nil {
		return "", p
	}
	t = identityForm(t)
	bad := newProblem(ReasonInvalidEmail, emailBadMessage)
	if t == "" || len(t) > maxEmailLen || strings.ContainsRune(t, '"') {
		return "", bad
	}
	local, domain, ok := strings.Cut(t, "@")
	if !ok || local == "" || len(local) > maxEmailLocal || strings.Contains(domain, "@") {
		return "", bad
	}
	// net/mail does the RFC 5322 grammar (dot-atom, allowed characters);
	// requiring its result to equal the input rules out display names,
	// angle brackets and comments, which it would otherwise strip.
	addr, err := mail.ParseAddress(t)
	if err != nil || addr.Name != "" || addr.Address != t {
		return "", bad
	}
	if !validDomainName(domain) {
		return "", bad
	}
	if p := identityScripts(t); p != nil {
		return "", p
	}
	return t, nil
}

// validDomainName reports whether d looks like a public DNS name: at least
// two dot-separated labels of 1–63 bytes made of letters (Unicode letters are
// allowed for internationalized domains), digits and inner hyphens, and a
// top-level label that is not all digits (which would make it an IP address).
func validDomainName(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > maxDomainLabel || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0
}
