package onboarding

import (
	"slices"
	"testing"

	"onboard/ent/customer"
	"onboard/internal/apperr"
	"onboard/schema/schematype"
)

// TestDecisionsCoverTransitions keeps the decisions and the transitions
// table one rule: every move a decision makes is allowed, and every move
// allowed is made by exactly one decision, so that no allowed status is
// unreachable through the API and no decision bypasses the table.
func TestDecisionsCoverTransitions(t *testing.T) {
	type mv struct{ from, to customer.Status }
	byDecision := map[mv][]Action{}
	for action, d := range decisions {
		for _, from := range d.from {
			if !CanMove(from, d.to) {
				t.Errorf("%s moves %s → %s, which the transitions do not allow", action, from, d.to)
			}
			byDecision[mv{from, d.to}] = append(byDecision[mv{from, d.to}], action)
		}
	}
	for _, s := range schematype.CustomerStatuses {
		from := customer.Status(s)
		for _, to := range transitions[from] {
			if got := byDecision[mv{from, to}]; len(got) != 1 {
				t.Errorf("%s → %s is made by %v, want exactly one decision", from, to, got)
			}
		}
	}
	for _, s := range schematype.CustomerStatuses {
		status := customer.Status(s)
		if want := status == StatusRejected || status == StatusClosed; Terminal(status) != want {
			t.Errorf("%s terminal = %v, want %v", s, Terminal(status), want)
		}
	}
}

// TestDecisionTexts checks the reason code and note rules: every problem
// at once, each on its field.
func TestDecisionTexts(t *testing.T) {
	str := func(s string) *string { return &s }
	long := func(n int) string { return string(slices.Repeat([]byte("A"), n)) }
	cases := []struct {
		name        string
		action      Action
		reason      *string
		note        *string
		wantProblem map[string]string // field → reason
	}{
		{"reject without reason", ActionReject, nil, nil, map[string]string{"reasonCode": "REQUIRED"}},
		{"suspend with blank reason", ActionSuspend, str("  "), nil, map[string]string{"reasonCode": "REQUIRED"}},
		{"close lower case", ActionClose, str("fraud_suspected"), nil, map[string]string{"reasonCode": "INVALID_FORMAT"}},
		{"close double underscore", ActionClose, str("FRAUD__SUSPECTED"), nil, map[string]string{"reasonCode": "INVALID_FORMAT"}},
		{"close leading digit", ActionClose, str("1FRAUD"), nil, map[string]string{"reasonCode": "INVALID_FORMAT"}},
		{"close too long", ActionClose, str(long(schematype.MaxReasonCodeLen + 1)), nil, map[string]string{"reasonCode": "TOO_LONG"}},
		{"both wrong at once", ActionReject, str("nope"), str("a\x00b"), map[string]string{"reasonCode": "INVALID_FORMAT", "note": "CONTAINS_NUL"}},
		{"note too long", ActionActivate, nil, str(long(schematype.MaxDecisionNoteLen + 1)), map[string]string{"note": "TOO_LONG"}},
		{"activate needs no reason", ActionActivate, nil, nil, nil},
		{"longest reason and note", ActionClose, str(long(schematype.MaxReasonCodeLen)), str(long(schematype.MaxDecisionNoteLen)), nil},
		{"multi-line note", ActionSuspend, str("CHARGEBACKS_2026"), str("line one\nline two"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := decisionTexts(decisions[c.action], DecisionInput{ReasonCode: c.reason, Note: c.note})
			got := map[string]string{}
			for _, p := range apperr.Flatten(err) {
				got[p.Field.String()] = string(p.Reason)
			}
			if len(got) != len(c.wantProblem) {
				t.Fatalf("problems %v, want %v", got, c.wantProblem)
			}
			for f, r := range c.wantProblem {
				if got[f] != r {
					t.Errorf("%s: %q, want %q (all: %v)", f, got[f], r, got)
				}
			}
		})
	}
}
