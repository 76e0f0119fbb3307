package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"onboard/graph"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/internal/values"
	"onboard/internal/viewer"
)

// TestPlaygroundOnboardingTabActivates does what a newcomer does with the
// playground's onboarding tab: one click on a fresh development server,
// with the tab's own document and variables and the development token's
// scopes. The customer the demo keeps for it ends ACTIVE with nothing due,
// and the next start of the server keeps another one pending for the tab.
func TestPlaygroundOnboardingTabActivates(t *testing.T) {
	env := testutil.New(t)
	ctx := context.Background()
	tenantID, err := demo.Seed(ctx, env.Client())
	if err != nil {
		t.Fatal(err)
	}
	api := graph.NewHandler(graph.Options{Client: env.Client(), Hasher: values.NewHasher(1), Logger: slog.New(slog.DiscardHandler)})
	first, err := demo.EnsureOnboardingCustomer(ctx, env.Client(), tenantID, api)
	if err != nil {
		t.Fatal(err)
	}
	var tab *demo.Example
	for _, ex := range demo.Examples(first) {
		if ex.Query == demo.OnboardingQuery {
			tab = &ex
		}
	}
	if tab == nil {
		t.Fatal("no onboarding tab among the examples")
	}
	var vars map[string]any
	if err := json.Unmarshal([]byte(tab.Variables), &vars); err != nil {
		t.Fatal(err)
	}
	token := env.Token([]string{demo.TenantKey}, viewer.AllScopes()...)
	var got struct {
		Activate struct {
			Customer struct {
				Status       string
				User         struct{ Status string }
				Requirements struct{ CurrentlyDue []struct{ Code string } }
				History      struct {
					Edges []struct{ Node struct{ Type string } }
				}
			}
		}
	}
	env.Do(testutil.Request{Token: token, TenantKey: demo.TenantKey, Query: tab.Query, Variables: vars}).Into(t, &got)
	c := got.Activate.Customer
	if c.Status != "ACTIVE" || c.User.Status != "ACTIVE" || len(c.Requirements.CurrentlyDue) != 0 {
		t.Fatalf("after the tab's click: %+v", c)
	}
	if len(c.History.Edges) == 0 || c.History.Edges[0].Node.Type != "customer.status_changed" {
		t.Fatalf("the tab's history does not start with the activation: %+v", c.History.Edges)
	}

	next, err := demo.EnsureOnboardingCustomer(ctx, env.Client(), tenantID, api)
	if err != nil {
		t.Fatal(err)
	}
	if next.CustomerID == first.CustomerID || !strings.HasPrefix(next.CustomerID, "cus_") {
		t.Fatalf("the next start keeps %q for the tab, want a new pending customer (the first was %q)", next.CustomerID, first.CustomerID)
	}
	again, err := demo.EnsureOnboardingCustomer(ctx, env.Client(), tenantID, api)
	if err != nil || again != next {
		t.Fatalf("a start with a pending onboarding customer registers another: %+v, %v (had %+v)", again, err, next)
	}
}
