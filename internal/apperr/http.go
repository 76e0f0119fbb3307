package apperr

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"onboard/internal/observe"
)

// Refuse answers r, which failed before GraphQL execution (its method,
// body, token, tenant, a panic), with a GraphQL-shaped body, so clients
// parse every failure the same way, and the status of e (HTTPStatus: the
// catalogue's, else its code's); it notes the code for the access log and
// the request metrics (see observe.Request). Use it for every refusal.
func Refuse(w http.ResponseWriter, r *http.Request, e *Error) {
	observe.FromContext(r.Context()).SetErrors([]string{string(e.Code)})
	writeHTTP(w, e.HTTPStatus(), middleware.GetReqID(r.Context()), e)
}

func writeHTTP(w http.ResponseWriter, status int, requestID string, e *Error) {
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
