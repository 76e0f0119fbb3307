package server_test

import (
	"context"
	"strings"
	"testing"

	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// TestRawResolverErrorIsInternal reaches the error presenter's last
// branch with a raw error of a real path: the roles table is renamed under
// the running server, so the roles resolver's query fails with the
// database's own error (no such table / relation), which is neither an
// API error nor an outage. The client must see only "internal error", code
// INTERNAL and the request id; the log line must carry the same request
// id and the cause (reduced to its SQLSTATE on PostgreSQL, see
// apperr.LogText), which the answer never repeats.
func TestRawResolverErrorIsInternal(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	token := env.Token([]string{"acme"}, viewer.AllScopes()...)
	if _, err := env.DB.SQL.ExecContext(context.Background(), `ALTER TABLE roles RENAME TO roles_gone`); err != nil {
		t.Fatal(err)
	}
	resp := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: `{ roles { code } }`})
	if len(resp.Errors) != 1 {
		t.Fatalf("want one error, got %d: %s", len(resp.Errors), resp.Raw)
	}
	e := resp.Errors[0]
	reqID, _ := e.Extensions["requestId"].(string)
	if e.Message != "internal error" || e.Code() != "INTERNAL" || reqID == "" || len(e.Extensions) != 2 {
		t.Fatalf("the client sees more than an internal error: %s", resp.Raw)
	}
	for _, leak := range []string{"roles", "table", "relation", "SELECT"} {
		if strings.Contains(strings.ToLower(e.Message), strings.ToLower(leak)) {
			t.Fatalf("the answer repeats the cause (%q): %s", leak, resp.Raw)
		}
	}
	var line string
	for _, l := range strings.Split(env.Logs(), "\n") {
		if strings.Contains(l, `"msg":"internal error"`) && strings.Contains(l, `"requestId":"`+reqID+`"`) {
			line = l
		}
	}
	if line == "" || !strings.Contains(line, `"error":"`) {
		t.Fatalf("no log line with the request id %s and the cause:\n%s", reqID, env.Logs())
	}
}
