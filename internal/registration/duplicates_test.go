package registration

import (
	"fmt"
	"testing"

	"onboard/ent/possibleduplicate"
	"onboard/internal/values"
)

func TestNormalizedNumber(t *testing.T) {
	for in, want := range map[string]string{
		"AB 123-456":  "AB123456",
		"ab123456":    "AB123456",
		"hrb 12-3 45": "HRB12345",
		"LT100001":    "LT100001",
		"":            "",
		" - ":         "",
		"é-1 x":       "é1X", // only ASCII letters change case, as in the SQL
	} {
		if got := normalizedNumber(in); got != want {
			t.Errorf("normalizedNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNamesFoldForDuplicates: the names duplicate detection compares are
// equal without regard to case, accents, hyphens and spacing, and only then.
func TestNamesFoldForDuplicates(t *testing.T) {
	same := [][2]string{{"Jensen", "JÉNSEN"}, {"  marcus ", "Marcus"}, {"Anne-Marie", "anne  marie"}, {"Ødegård", "Ødegard"}}
	for _, p := range same {
		if values.FoldName(p[0]) != values.FoldName(p[1]) {
			t.Errorf("%q and %q fold apart", p[0], p[1])
		}
	}
	for _, p := range [][2]string{{"Jensen", "Jansen"}, {"Marcus", "Markus"}} {
		if values.FoldName(p[0]) == values.FoldName(p[1]) {
			t.Errorf("%q and %q fold together", p[0], p[1])
		}
	}
}

// TestDistinctDuplicates: one match per customer and rule, ordered by
// customer then by the rules' order, at most maxDuplicates.
func TestDistinctDuplicates(t *testing.T) {
	doc, phone := possibleduplicate.RulePERSON_NAME_BIRTH_DATE_DOCUMENT, possibleduplicate.RulePERSON_NAME_BIRTH_DATE_PHONE
	got := distinctDuplicates([]duplicate{
		{existingCustomerID: "cus_2", rule: phone}, {existingCustomerID: "cus_1", rule: phone},
		{existingCustomerID: "cus_2", rule: doc}, {existingCustomerID: "cus_2", rule: doc},
	})
	want := "[cus_1 PERSON_NAME_BIRTH_DATE_PHONE] [cus_2 PERSON_NAME_BIRTH_DATE_DOCUMENT] [cus_2 PERSON_NAME_BIRTH_DATE_PHONE]"
	if s := render(got); s != want {
		t.Errorf("distinctDuplicates = %s, want %s", s, want)
	}
	var many []duplicate
	for i := range 3 * maxDuplicates {
		many = append(many, duplicate{existingCustomerID: fmt.Sprintf("cus_%02d", i), rule: doc})
	}
	if got := distinctDuplicates(many); len(got) != maxDuplicates || got[0].existingCustomerID != "cus_00" {
		t.Errorf("%d matches, first %v: want the %d oldest", len(got), got[0], maxDuplicates)
	}
}

func render(ds []duplicate) string {
	s := ""
	for i, d := range ds {
		if i > 0 {
			s += " "
		}
		s += "[" + d.existingCustomerID + " " + string(d.rule) + "]"
	}
	return s
}
