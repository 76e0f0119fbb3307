package catalog_test

import (
	"testing"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/testutil"
)

// TestLookupsTellAnOutageFromAMissingReference runs the reference look-ups
// of a registration (a category, a feature) first against a database that
// answers and lacks them, then against a closed pool: a reference the
// database could not look up is not a reference that does not exist, so
// the outage must stay UNAVAILABLE (503, retry) and not become NOT_FOUND
// on the input field, which tells the client to change its input.
func TestLookupsTellAnOutageFromAMissingReference(t *testing.T) {
	env := testutil.New(t)
	ctx := env.As(env.Tenant("acme"))
	client := env.Client()
	code := "NO_SUCH_CODE"
	path := apperr.Path{"customerCategory"}
	lookups := map[string]func() *apperr.Error{
		"feature": func() *apperr.Error {
			_, err := catalog.ResolveFeature(ctx, client, path, catalog.FeatureRef{Code: &code})
			return err
		},
		"feature by id": func() *apperr.Error {
			_, err := catalog.ResolveFeature(ctx, client, path, catalog.FeatureRef{ID: &code})
			return err
		},
		"category": func() *apperr.Error {
			_, err := catalog.ResolveCategory(ctx, client, path, catalog.CategoryRef{Code: &code})
			return err
		},
	}
	for name, lookup := range lookups {
		if e := lookup(); e == nil || e.Code != apperr.NotFound || e.Reason != vocab.ReasonNotFound || len(e.Field) != 2 {
			t.Errorf("%s, database up: %+v, want NOT_FOUND on its field", name, e)
		}
	}
	if err := env.DB.Close(); err != nil {
		t.Fatal(err)
	}
	for name, lookup := range lookups {
		e := lookup()
		if e == nil || e.Code != apperr.Unavailable || e.Reason != vocab.ReasonDatabaseUnavailable || e.HTTPStatus() != 503 {
			t.Errorf("%s, database closed: %+v, want UNAVAILABLE (503)", name, e)
		}
	}
}
