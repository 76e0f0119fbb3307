package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"onboard/internal/testutil"
)

// `onboard token` mints what the server accepts and refuses, with a message
// naming the fix and no token on stdout, what the server would refuse: a
// wildcard tenant grant without tenants:admin (issue 11).
func TestTokenCommand(t *testing.T) {
	cases := []struct {
		name, tenant, scope string
		ok                  bool
	}{
		{name: "one tenant", tenant: "acme", scope: "customers:register customers:read", ok: true},
		{name: "operator (README)", tenant: "*", scope: "tenants:admin", ok: true},
		{name: "operator with more scopes (README)", tenant: "*", scope: "tenants:admin catalog:write customers:read", ok: true},
		{name: "wildcard without tenants:admin", tenant: "*", scope: "customers:read"},
		{name: "wildcard in a list without tenants:admin", tenant: "acme,*", scope: "customers:read catalog:write"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"token", "--tenant", tc.tenant, "--scope", tc.scope},
				env(map[string]string{"JWT_SECRET": testutil.Secret, "DATA_DIR": t.TempDir()}), &out, io.Discard)
			if tc.ok {
				if err != nil || strings.Count(strings.TrimSpace(out.String()), ".") != 2 {
					t.Fatalf("err %v, out %q", err, out.String())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "tenants:admin") || out.Len() != 0 {
				t.Fatalf("err %v, out %q", err, out.String())
			}
		})
	}
}
