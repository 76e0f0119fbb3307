package webhooks

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"onboard/schema/schematype"
)

// The bounds of reading a receiver's answer: at most maxResponseRead bytes
// are read (a receiver cannot make the worker read a stream for the whole
// timeout), and the first maxExcerpt are kept on the attempt.
const (
	maxResponseRead = 64 << 10
	maxExcerpt      = schematype.MaxWebhookResponseExcerptLen
)

// UserAgent identifies deliveries to receivers.
const UserAgent = "Onboard-Webhooks/1"

// errBlockedAddress is the dialer's refusal of an address that
// Deliverable rules out.
var errBlockedAddress = errors.New("the address is not deliverable")

// errShuttingDown marks an attempt cut short by the server's shutdown.
var errShuttingDown = errors.New("server shutting down")

// newHTTPClient returns the client deliveries are sent with. Its dialer
// checks every address it connects to, after DNS resolution and on every
// new connection, so a name that resolves to a public address at creation
// and to an internal one later (DNS rebinding) is refused where it
// matters; it follows no redirect (a 3xx is the receiver's answer, and
// following it would let an endpoint point the worker anywhere); it takes
// no proxy from the environment (a proxy would dial on the worker's
// behalf, unchecked); and it bounds each attempt by Timeout.
func newHTTPClient(s Settings) *http.Client {
	dialer := &net.Dialer{
		Timeout:   s.Timeout,
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !Deliverable(ap.Addr(), s.AllowLoopback) {
				return errBlockedAddress
			}
			return nil
		},
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   s.Timeout,
		ResponseHeaderTimeout: s.Timeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   max(2, s.Workers),
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       s.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// result is what one attempt came to.
type result struct {
	outcome    string
	statusCode int // 0 without an answer
	err        string
	excerpt    string
	latency    time.Duration
}

// post sends one attempt: body to rawURL with headers, within ctx (which
// ends only when the server's drain does) and the client's Timeout.
func post(ctx context.Context, client *http.Client, s Settings, rawURL string, header http.Header, body []byte) result {
	u, err := url.Parse(rawURL)
	if err != nil {
		return result{outcome: schematype.AttemptConnectionError, err: "the endpoint's URL does not parse"}
	}
	// Part of the endpoint's rules at creation; checked again here so that
	// a row written some other way is not sent in clear.
	if u.Scheme != "https" && !(s.AllowLoopback && u.Scheme == "http") {
		return result{outcome: schematype.AttemptBlockedAddress, err: "only https URLs are delivered"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return result{outcome: schematype.AttemptConnectionError, err: clean(err.Error(), u)}
	}
	req.Header = header
	started := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return result{outcome: failureOutcome(ctx, err), err: errorText(ctx, err, u), latency: time.Since(started)}
	}
	defer resp.Body.Close()
	read, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseRead))
	r := result{statusCode: resp.StatusCode, excerpt: excerpt(read), latency: time.Since(started)}
	switch {
	case readErr != nil && (isTimeout(readErr) || ctx.Err() != nil):
		// The answer did not end within the attempt's time.
		r.outcome, r.err = schematype.AttemptTimeout, errorText(ctx, readErr, u)
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		r.outcome = schematype.AttemptSucceeded
	default:
		r.outcome, r.err = schematype.AttemptHTTPError, fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return r
}

// failureOutcome classifies an attempt that got no answer.
func failureOutcome(ctx context.Context, err error) string {
	switch {
	case errors.Is(err, errBlockedAddress):
		return schematype.AttemptBlockedAddress
	case ctx.Err() != nil, isTimeout(err):
		return schematype.AttemptTimeout
	default:
		return schematype.AttemptConnectionError
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// errorText is err as an attempt keeps it: without the URL (url.Error's
// prefix names it, query and credentials included), the shutdown named
// as such, and bounded.
func errorText(ctx context.Context, err error, u *url.URL) string {
	if ctx.Err() != nil {
		return errShuttingDown.Error()
	}
	if errors.Is(err, errBlockedAddress) {
		return "the URL resolves to an address deliveries may not reach"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return clean(err.Error(), u)
}

// clean removes u, in any of its spellings, from msg, and bounds it.
func clean(msg string, u *url.URL) string {
	msg = strings.ReplaceAll(msg, u.String(), RedactURL(u))
	if u.RawQuery != "" {
		msg = strings.ReplaceAll(msg, u.RawQuery, "…")
	}
	if u.User != nil {
		msg = strings.ReplaceAll(msg, u.User.String(), "…")
	}
	return truncate(msg, schematype.MaxWebhookErrorLen)
}

// RedactURL is u as logs and attempts may show it: scheme, host and path,
// without credentials, query or fragment, which may carry a receiver's
// token.
func RedactURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// excerpt is the start of an answer, cut at a character boundary and
// with invalid UTF-8 replaced, so that it stores as text.
func excerpt(b []byte) string {
	if len(b) > maxExcerpt {
		b = b[:maxExcerpt]
	}
	return truncate(strings.ToValidUTF8(string(b), "\uFFFD"), maxExcerpt)
}

// truncate cuts s to at most n bytes (and so runes) without splitting a
// character: what is left of a cut one is dropped.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
