package values

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxURLInput is a common practical URL limit (older browsers, many CDNs).
const maxURLInput = 2048

const urlBadMessage = "Enter the full website address, starting with https://."

// ParseWebsite validates a company website and returns it normalized: an
// absolute http or https URL whose host is a domain name with a dot, with
// scheme and host lower-cased and a default port (":443" for https, ":80"
// for http) removed, so that equal sites compare equal. Anything else,
// including a bare "example.com" (ambiguous, and not what the field
// promises), other schemes ("javascript:", "ftp:"), user credentials in the
// URL (they would be stored and shown in clear) and IP-address or
// single-label hosts (not a business website, and a classic server-side
// request forgery vector if the URL is ever fetched), is INVALID_URL.
func ParseWebsite(s string) (string, error) {
	t, p := sanitize(s)
	if p != nil {
		return "", p
	}
	bad := newProblem(ReasonInvalidURL, urlBadMessage)
	if t == "" || utf8.RuneCountInString(t) > maxURLInput {
		return "", bad
	}
	u, err := url.Parse(t)
	if err != nil || u.Opaque != "" || u.User != nil {
		return "", bad
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", bad
	}
	// A trailing dot (fully qualified form) names the same site.
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" || net.ParseIP(host) != nil || !validDomainName(host) {
		return "", bad
	}
	port := u.Port()
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", bad
		}
	}
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	}
	// Assembled by hand rather than with u.String(), which would
	// percent-encode an internationalized host ("b%C3%BCcher.de").
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + host + u.EscapedPath())
	if u.ForceQuery || u.RawQuery != "" {
		b.WriteString("?" + u.RawQuery)
	}
	if u.Fragment != "" {
		b.WriteString("#" + u.EscapedFragment())
	}
	return b.String(), nil
}
