package registration

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"onboard/ent/tenant"
	"onboard/internal/catalog"
	"onboard/internal/database"
	"onboard/internal/values"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// A retry with the same Idempotency-Key whose first attempt commits between
// the retry's replay look-up and its uniqueness check is answered with the
// first attempt's result, not with a CONFLICT on its own e-mail.
func TestRetryWhoseFirstAttemptCommitsMeanwhileReplays(t *testing.T) {
	db, err := database.Open(database.Config{DataDir: t.TempDir(), MaxConns: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	admin := viewer.NewContext(context.Background(), &viewer.Viewer{Subject: "t", Tenants: []string{viewer.AllTenants}, Scopes: []string{viewer.ScopeTenantsAdmin}})
	tn, err := catalog.CreateTenant(admin, db.Client, catalog.TenantInput{Key: "acme", Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := viewer.ForTenant(context.Background(), tn.ID)
	origin := Origin{IdempotencyKey: "retry-key-0001"}
	first := &Service{Client: db.Client, Hasher: values.NewHasher(2)}
	var calls atomic.Int32
	var firstErr error
	retry := &Service{Client: db.Client, Hasher: values.NewHasher(2), Now: func() time.Time {
		if calls.Add(1) == 2 { // replay() looked, plan() normalizes: the first attempt commits now
			_, firstErr = first.RegisterIndividual(ctx, origin, finhubIndividual())
		}
		return time.Now()
	}}
	res, err := retry.RegisterIndividual(ctx, origin, finhubIndividual())
	if firstErr != nil {
		t.Fatalf("first attempt: %v", firstErr)
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("now() called %d times: the first attempt did not commit between the retry's replay look-up and its uniqueness check", n)
	}
	if err != nil || res == nil || !res.Replay {
		t.Fatalf("retry with the same Idempotency-Key: res=%v err=%v; want the first attempt's result replayed", res, err)
	}
}

// Under REJECT, a retry whose body has no unique value (no login, no
// externalReference) and whose first attempt commits between the retry's
// replay look-up and its duplicate search is answered with the first
// attempt's result, not with a POSSIBLE_DUPLICATE naming that attempt's
// customer: the only customer it looks like is itself.
func TestRetryWithoutUniqueValuesUnderRejectReplays(t *testing.T) {
	db, err := database.Open(database.Config{DataDir: t.TempDir(), MaxConns: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	admin := viewer.NewContext(context.Background(), &viewer.Viewer{Subject: "t", Tenants: []string{viewer.AllTenants}, Scopes: []string{viewer.ScopeTenantsAdmin}})
	reject := tenant.DuplicatePolicy(schematype.DuplicatePolicyReject)
	tn, err := catalog.CreateTenant(admin, db.Client, catalog.TenantInput{Key: "acme", Name: "acme", Settings: catalog.TenantSettings{DuplicatePolicy: &reject}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := viewer.ForTenant(context.Background(), tn.ID)
	in := finhubIndividual()
	in.Email, in.Password, in.MatchingPassword, in.RoleIDs = "", "", "", nil
	in.IndividualCustomer.User = nil
	origin := Origin{IdempotencyKey: "retry-key-0002"}
	first := &Service{Client: db.Client, Hasher: values.NewHasher(2)}
	var calls atomic.Int32
	var firstRes *Result
	var firstErr error
	retry := &Service{Client: db.Client, Hasher: values.NewHasher(2), Now: func() time.Time {
		if calls.Add(1) == 2 { // replay() looked, plan() normalizes: the first attempt commits now
			firstRes, firstErr = first.RegisterIndividual(ctx, origin, in)
		}
		return time.Now()
	}}
	res, err := retry.RegisterIndividual(ctx, origin, in)
	if firstErr != nil {
		t.Fatalf("first attempt: %v", firstErr)
	}
	if err != nil || res == nil || !res.Replay {
		t.Fatalf("retry with the same Idempotency-Key under REJECT: res=%v err=%v; want the first attempt's result replayed", res, err)
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("now() called %d times, want 3: replay, normalize (the first attempt commits), replay again", n)
	}
	if res.Customer.ID != firstRes.Customer.ID {
		t.Fatalf("retry answered customer %s, the first attempt registered %s", res.Customer.ID, firstRes.Customer.ID)
	}
}
