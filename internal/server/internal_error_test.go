package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"onboard/ent"
	"onboard/internal/testutil"
)

// TestRawErrorIsInternal reaches the error presenter's last branch: an
// error that is no application error, no GraphQL error and no database
// outage answers INTERNAL with the request id, its text only in the log.
func TestRawErrorIsInternal(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	env.Client().Role.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if code, _ := m.(*ent.RoleMutation).Code(); code == "RAW" {
				return nil, errors.New("raw failure: secret detail")
			}
			return next.Mutate(ctx, m)
		})
	})
	resp := env.Do(testutil.Request{Token: env.Token([]string{"acme"}, testutil.AllScopes...), TenantKey: "acme",
		Query: `mutation { createRole(input: {code: "RAW", name: "Raw"}) { role { id } } }`})
	if len(resp.Errors) != 1 || resp.Errors[0].Code() != "INTERNAL" || resp.Errors[0].Message != "internal error" {
		t.Fatalf("a raw error answered %s, want one INTERNAL \"internal error\"", resp.Raw)
	}
	reqID, _ := resp.Errors[0].Extensions["requestId"].(string)
	if reqID == "" || strings.Contains(resp.Raw, "secret detail") {
		t.Fatalf("want a request id and no detail: %s", resp.Raw)
	}
	for _, line := range strings.Split(env.Logs(), "\n") {
		if strings.Contains(line, reqID) && strings.Contains(line, "secret detail") {
			return
		}
	}
	t.Fatalf("the error is not logged with its request id %s:\n%s", reqID, env.Logs())
}
