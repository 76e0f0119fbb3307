package apperr

import (
	"encoding/json"
	"net/http"
)

// WriteHTTP answers a request that failed before GraphQL execution
// (authentication, tenant, panics) with a GraphQL-shaped body, so clients
// parse every failure the same way.
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
