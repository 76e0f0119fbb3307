package observe

import (
	"context"
	"net/http"
	"slices"
	"sync"

	"onboard/internal/viewer"
)

// Request holds what the inner layers learn about one request and the
// outer HTTP middleware reports after the handler returns: the access
// log, the request counter and the request span are written once the
// answer is known, so the facts travel up through this holder in the
// context (as graph's statusHolder hands a status up). Each field is set
// in one place: the viewer by RecordViewer, the operation and GraphQL
// errors by Operations, refusals by apperr.Refuse.
//
// A request is served by one goroutine at a time (gqlgen resolves fields
// concurrently, but Operations records after execution), so the holder
// needs no lock.
type Request struct {
	// TenantKey and Subject are the X-Tenant-ID and the token's sub of an
	// authenticated request.
	TenantKey, Subject string
	// Operation is the GraphQL operation's name ("" when anonymous) and
	// OperationType query, mutation or subscription.
	Operation, OperationType string
	// GraphQL is true when the request reached gqlgen (it was not refused
	// before); Validated when the document also parsed, validated and
	// named the operation run: only then may Operation become a metric
	// label.
	GraphQL, Validated bool
	// Codes are the distinct extensions.code values of the answer's
	// errors, in order of first appearance; Errors counts the entries.
	Codes  []string
	Errors int

	// mu guards the fields above against the operations of one request
	// that run at once (Record).
	mu sync.Mutex
}

// Record makes op, an operation of the request that just ended, the
// request's operation for the access log and the request counter: the
// last to end has the last word. It is safe to call from the operations
// of one websocket at once.
func (r *Request) Record(op *Request) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Operation, r.OperationType, r.GraphQL, r.Validated = op.Operation, op.OperationType, op.GraphQL, op.Validated
	r.Errors, r.Codes = op.Errors, append(r.Codes[:0], op.Codes...)
}

type requestKey struct{}

// WithRequest returns ctx carrying a fresh holder.
func WithRequest(ctx context.Context) (context.Context, *Request) {
	req := &Request{}
	return context.WithValue(ctx, requestKey{}, req), req
}

// FromContext returns the holder of ctx, or nil outside a request (the
// setters do nothing on nil).
func FromContext(ctx context.Context) *Request {
	req, _ := ctx.Value(requestKey{}).(*Request)
	return req
}

// SetErrors records the answer's error codes, replacing earlier ones: a
// layer that rewrites an answer (the GraphQL front's 405 for a mutation
// over GET) has the last word.
func (r *Request) SetErrors(codes []string) {
	if r == nil {
		return
	}
	r.Errors = len(codes)
	r.Codes = r.Codes[:0]
	for _, c := range codes {
		if !slices.Contains(r.Codes, c) {
			r.Codes = append(r.Codes, c)
		}
	}
}

// Outcome is the first error's code, or OK.
func (r *Request) Outcome() string {
	if r == nil || len(r.Codes) == 0 {
		return "OK"
	}
	return r.Codes[0]
}

// RecordViewer notes the tenant key and subject of an authenticated
// request; it runs right after authentication.
func RecordViewer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, req := viewer.FromContext(r.Context()), FromContext(r.Context()); v != nil && req != nil {
			req.TenantKey, req.Subject = v.TenantKey, v.Subject
		}
		next.ServeHTTP(w, r)
	})
}
