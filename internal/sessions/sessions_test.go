package sessions

import (
	"context"
	"strings"
	"testing"

	"onboard/internal/values"
)

// TestDummyHashHasTheHasherParameters: the hash verified for an unknown
// username costs what a real one does only while its parameters are those
// values.Hasher writes; raising them there must raise them here. And it
// is a well-formed hash, so its verification runs argon2id in full.
func TestDummyHashHasTheHasherParameters(t *testing.T) {
	h := values.NewHasher(1)
	real, err := h.Hash(context.Background(), "Another-Password-1")
	if err != nil {
		t.Fatal(err)
	}
	params := func(s string) string { return strings.Join(strings.Split(s, "$")[:4], "$") }
	if params(dummyHash) != params(real) {
		t.Errorf("dummy hash parameters %s, the hasher's %s", params(dummyHash), params(real))
	}
	if ok, err := h.Verify("Another-Password-1", dummyHash); ok || err != nil {
		t.Errorf("Verify(dummy) = %v, %v; want false, nil", ok, err)
	}
}

// TestThrottleKeys: a kind and value hash to a key of their own, neither in
// clear; the kind separates a username from an address of the same text.
func TestThrottleKeys(t *testing.T) {
	u, a := ThrottleKey(KindUsername, "192.0.2.1"), ThrottleKey(KindAddress, "192.0.2.1")
	if u == a || len(u) != 64 || strings.Contains(u, "192") {
		t.Errorf("keys %q %q", u, a)
	}
	if ThrottleKey(KindUsername, "x") != ThrottleKey(KindUsername, "x") {
		t.Error("a key is not stable")
	}
}

func TestLimitsWithDefaults(t *testing.T) {
	got := Limits{UserFailures: 2}.WithDefaults()
	want := Limits{UserFailures: 2, AddressFailures: DefaultAddressFailures, Window: DefaultWindow, Lockout: DefaultLockout, TTL: DefaultTTL}
	if got != want {
		t.Errorf("%+v, want %+v", got, want)
	}
}
