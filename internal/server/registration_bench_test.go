package server_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"onboard/internal/testutil"
	"onboard/internal/values"
)

// BenchmarkRegisterIndividual measures registrations per second through
// the whole HTTP handler (the FinHub body, each with a new e-mail), and,
// for comparison, argon2id hashes per second at the same parallelism: the
// ratio of the two ns/op is the share of a registration spent hashing.
// Run it on PostgreSQL with TEST_DATABASE_URL set; -cpu 1 gives the
// sequential figures, the default runs GOMAXPROCS requests at once.
func BenchmarkRegisterIndividual(b *testing.B) {
	env := newRegistrationEnv(b)
	var seq atomic.Int64
	b.Run("register", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				email := fmt.Sprintf("bench-%d@example.com", seq.Add(1))
				input := testutil.Fixture(b, "finhub-individual.json")
				for _, p := range []string{"email", "individualCustomer.user.email", "individualCustomer.user.username"} {
					set(b, input, p, email)
				}
				if r := env.register(input); len(r.Errors) > 0 {
					b.Errorf("registration failed: %s", r.Raw)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "registrations/s")
	})
	b.Run("hash", func(b *testing.B) {
		h := values.NewHasher(runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := h.Hash(context.Background(), fixturePassword); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	})
}
