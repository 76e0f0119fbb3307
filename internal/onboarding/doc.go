// Package onboarding carries a registered customer to an active, verified
// account: its requirements, computed from intrinsic rules and its
// category's policy (requirements.go), verification results
// (verification.go, digest.go), consents (consent.go), the status state
// machine and its decisions (status.go, decision.go), and the erasure and
// export of personal data (erasure.go). Every change appends its history
// event (internal/history) in the transaction that makes it.
package onboarding
