package webhooks

import (
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/history"
	"onboard/schema/schematype"
)

// checkURL validates an endpoint's URL and returns it normalised (scheme
// and host lower-cased), reporting each problem on path: a text the
// values rules refuse (NUL, controls, invisible characters, over
// schematype.MaxURLLen characters), a URL that is not absolute, has
// credentials (they would be stored and shown in clear) or a fragment
// (never sent, so a sign of a mistake), a scheme other than https
// (HTTPS_REQUIRED; http only on loopback with AllowLoopback), and a host
// that is an IP address deliveries may not reach (ADDRESS_NOT_ALLOWED:
// private, link-local with the cloud metadata address 169.254.169.254,
// loopback without AllowLoopback, reserved ranges).
//
// A host name is deliberately not resolved here. The answer of a DNS
// look-up at creation proves nothing about the address a delivery will
// connect to later: a name can resolve to a public address now and to
// 10.0.0.1 or 169.254.169.254 at the next look-up (DNS rebinding), so the
// check that counts is the worker's dialer's, on every address it
// connects to (Deliverable). Checking here only what needs no look-up —
// an IP literal, localhost — refuses the obvious cases early without
// pretending to more.
func checkURL(problems *apperr.List, path apperr.Path, raw string, allowLoopback bool) string {
	s := catalog.RequiredText(problems, path, raw, schematype.MaxURLLen)
	if s == "" {
		return ""
	}
	bad := func(reason vocab.Reason, message string) string {
		problems.Invalid(path, reason, message)
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Opaque != "" || u.Host == "" {
		return bad(vocab.ReasonInvalidURL, "enter an absolute URL such as https://example.com/webhooks")
	}
	if u.User != nil {
		return bad(vocab.ReasonInvalidURL, "a webhook URL must not hold a user name or password: they would be stored and shown in clear")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return bad(vocab.ReasonInvalidURL, "a webhook URL has no fragment (#…): it is never sent to the receiver")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return bad(vocab.ReasonInvalidURL, "a webhook URL starts with https://")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad(vocab.ReasonInvalidURL, "the URL's port is not a number from 1 to 65535")
		}
	}
	loopback := false
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return bad(vocab.ReasonInvalidURL, "an IPv6 address with a zone names an interface of the server, not a receiver")
		}
		if !Deliverable(ip, allowLoopback) {
			return bad(vocab.ReasonAddressNotAllowed, "webhooks are delivered to public addresses only, not to private, loopback, link-local or reserved ones")
		}
		loopback = ip.Unmap().IsLoopback()
	} else {
		switch {
		case host == "localhost" || strings.HasSuffix(host, ".localhost"):
			if !allowLoopback {
				return bad(vocab.ReasonAddressNotAllowed, "webhooks are delivered to public addresses only, not to localhost")
			}
			loopback = true
		case !hostName(host):
			return bad(vocab.ReasonInvalidURL, "the URL's host is neither a domain name (with a dot; internationalized names in their xn-- form) nor an IP address")
		}
	}
	if scheme == "http" && !(loopback && allowLoopback) {
		return bad(vocab.ReasonHTTPSRequired, "webhooks are delivered over https only, so that receivers can trust what they get")
	}
	u.Scheme = scheme
	u.Host = strings.ToLower(u.Host)
	return u.String()
}

// hostName reports whether host is a domain name a public resolver can
// answer: dot-separated labels of letters, digits and inner hyphens, at
// most 63 characters each and 253 in all, with at least one dot, and a
// last label that is not all digits. The last rule refuses what
// resolvers may read as an IPv4 address in another notation
// (2130706433, 127.1, 0x7f.1), which netip does not parse as one.
func hostName(host string) bool {
	if len(host) > 253 || !strings.Contains(host, ".") {
		return false
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	last := labels[len(labels)-1]
	if strings.HasPrefix(last, "0x") {
		return false
	}
	return strings.Trim(last, "0123456789") != ""
}

// checkEventTypes validates an endpoint's event types: at most
// schematype.MaxWebhookEventTypes, each one of schematype.EventTypes
// (history's check, on path.<i>). A type given twice is kept once: the
// list is a set, and a repetition changes nothing the receiver gets. It
// returns a non-nil list (empty: every type).
func checkEventTypes(problems *apperr.List, path apperr.Path, types []string) []string {
	out := []string{}
	if len(types) > schematype.MaxWebhookEventTypes {
		problems.Invalid(path, vocab.ReasonTooMany,
			"at most "+strconv.Itoa(schematype.MaxWebhookEventTypes)+" event types; none at all sends every type")
		return out
	}
	for i, t := range types {
		if err := history.CheckEventType(path.With(i), t); err != nil {
			problems.Add(err)
			continue
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
