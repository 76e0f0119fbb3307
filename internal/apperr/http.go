package apperr

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"onboard/internal/observe"
)

// Refuse answers r, which failed before GraphQL execution (its method,
// body, token, tenant, a panic), with WriteHTTP's body and notes the code
// for the access log and the request metrics (see observe.Request): use
// it for every refusal.
func Refuse(w http.ResponseWriter, r *http.Request, status int, e *Error) {
	observe.FromContext(r.Context()).SetErrors([]string{string(e.Code)})
	WriteHTTP(w, status, middleware.GetReqID(r.Context()), e)
}

// WriteHTTP answers a request that failed before GraphQL execution
// (authentication, tenant, panics) with a GraphQL-shaped body, so clients
// parse every failure the same way. Refuse calls it and also tells the
// access log.
func WriteHTTP(w http.ResponseWriter, status int, requestID string, e *Error) {
	ext := map[string]any{"code": e.Code}
	if e.Reason != "" {
		ext["reason"] = e.Reason
	}
	if requestID != "" {
		ext["requestId"] = requestID
	}
	body := map[string]any{
		"errors": []map[string]any{{"message": e.Message, "extensions": ext}},
		"data":   nil,
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
