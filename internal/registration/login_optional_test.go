package registration

import (
	"encoding/json"
	"strings"
	"testing"

	"onboard/internal/apperr"
)

// withoutLogin is the FinHub body with nothing that asks for a login.
func withoutLogin() IndividualInput {
	in := finhubIndividual()
	in.Password, in.MatchingPassword, in.RoleIDs = "", "", nil
	in.IndividualCustomer.User = nil
	in.IndividualCustomer.Person.Email = nil
	return in
}

func TestIndividualWithoutLoginNeedsNoLoginFields(t *testing.T) {
	in := withoutLogin()
	in.Email = ""
	out, problems := normalizeIndividual(in, today, Settings{MinimumAge: 18})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if out.HasLogin || out.LoginEmail != "" || out.Password != "" || len(out.RoleCodes) != 0 || out.Person.Email != "" {
		t.Fatalf("a customer without a login got one: %+v", out)
	}
	k := newIndividualKind(in)
	k.ind = out
	if u := k.uniques(); len(u) != 0 {
		t.Fatalf("uniques without a login or reference: %v", u)
	}
}

func TestIndividualWithoutLoginKeepsTheEmailAsContact(t *testing.T) {
	in := withoutLogin()
	in.Email = " Marcus.Jensen@Example.com "
	out, problems := normalizeIndividual(in, today, Settings{MinimumAge: 18})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if out.HasLogin || out.LoginEmail != "" || out.Person.Email != "marcus.jensen@example.com" {
		t.Fatalf("the e-mail is not the person's contact: login %q person %q", out.LoginEmail, out.Person.Email)
	}
	in.Email = "not-an-email"
	if _, problems = normalizeIndividual(in, today, Settings{MinimumAge: 18}); !hasProblem(problems, "email", "INVALID_EMAIL") {
		t.Fatalf("a contact e-mail is checked: %v", problems)
	}
}

func TestEachLoginFieldAsksForTheWholeLogin(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*IndividualInput)
		want   map[string]string
	}{
		"a password without email": {func(in *IndividualInput) { in.Password, in.MatchingPassword = "SecurePass123!", "SecurePass123!" },
			map[string]string{"email": "REQUIRED"}},
		"a weak password": {func(in *IndividualInput) {
			in.Email, in.Password, in.MatchingPassword = "a@example.com", "weak", "weak"
		}, map[string]string{"password": "PASSWORD_TOO_SHORT"}},
		"matchingPassword alone": {func(in *IndividualInput) { in.Email, in.MatchingPassword = "a@example.com", "SecurePass123!" },
			map[string]string{"password": "REQUIRED", "matchingPassword": "PASSWORD_MISMATCH"}},
		"the user object": {func(in *IndividualInput) {
			in.Email = "a@example.com"
			in.IndividualCustomer.User = &UserInput{}
		}, map[string]string{"password": "REQUIRED"}},
		"roles": {func(in *IndividualInput) { in.RoleIDs = []string{"USER"} },
			map[string]string{"email": "REQUIRED", "password": "REQUIRED"}},
	} {
		t.Run(name, func(t *testing.T) {
			in := withoutLogin()
			in.Email = ""
			tc.change(&in)
			out, problems := normalizeIndividual(in, today, Settings{MinimumAge: 18})
			if !out.HasLogin {
				t.Fatal("no login asked for")
			}
			for field, reason := range tc.want {
				if !hasProblem(problems, field, reason) {
					t.Errorf("%s: want %s among %v", field, reason, problems)
				}
			}
		})
	}
}

func TestWhoIsCheckedAsText(t *testing.T) {
	in := withoutLogin()
	in.InvitedBy, in.CreatedBy, in.Segment = ptr(" usr-42 "), ptr("admin-7"), ptr("retail")
	out, problems := normalizeIndividual(in, today, Settings{MinimumAge: 18})
	if len(problems) > 0 || out.Who != (Who{InvitedBy: "usr-42", CreatedBy: "admin-7", Segment: "retail"}) {
		t.Fatalf("who %+v, problems %v", out.Who, problems)
	}
	long := make([]byte, 65)
	for i := range long {
		long[i] = 'a'
	}
	in.Segment, in.InvitedBy = ptr(string(long)), ptr("bad\x00")
	_, problems = normalizeIndividual(in, today, Settings{MinimumAge: 18})
	if !hasProblem(problems, "segment", "TOO_LONG") || !hasProblem(problems, "invitedBy", "CONTAINS_NUL") {
		t.Fatalf("problems: %v", problems)
	}
}

func TestMembershipNamesExactlyOneOrganization(t *testing.T) {
	path := "individualCustomer.organization"
	for name, tc := range map[string]struct {
		in    MembershipInput
		field string
		want  string
	}{
		"neither":        {MembershipInput{}, path, "REQUIRED"},
		"both":           {MembershipInput{ID: ptr("cus_x"), Name: ptr("Acme")}, path, "AMBIGUOUS_REFERENCE"},
		"bad role":       {MembershipInput{Name: ptr("Acme"), MemberRole: ptr("boss")}, path + ".memberRole", "INVALID_VALUE"},
		"bad name":       {MembershipInput{Name: ptr("Ac\x00me")}, path + ".name", "CONTAINS_NUL"},
		"bad department": {MembershipInput{ID: ptr("x"), Department: ptr("a\u200bb")}, path + ".department", "INVISIBLE_CHARACTER"},
	} {
		t.Run(name, func(t *testing.T) {
			in := withoutLogin()
			m := tc.in
			in.IndividualCustomer.Organization = &m
			_, problems := normalizeIndividual(in, today, Settings{MinimumAge: 18})
			if !hasProblem(problems, tc.field, tc.want) {
				t.Fatalf("want %s on %s: %v", tc.want, tc.field, problems)
			}
		})
	}
	in := withoutLogin()
	in.IndividualCustomer.Organization = &MembershipInput{Name: ptr(" Acme Ltd "), MemberRole: ptr("owner")}
	out, problems := normalizeIndividual(in, today, Settings{MinimumAge: 18})
	if len(problems) > 0 || out.Membership.name != "Acme Ltd" || out.Membership.role != "OWNER" {
		t.Fatalf("membership %+v, problems %v", out.Membership, problems)
	}
	in.IndividualCustomer.Organization = &MembershipInput{ID: ptr("org_x")}
	if out, _ = normalizeIndividual(in, today, Settings{MinimumAge: 18}); out.Membership.role != "MEMBER" {
		t.Fatalf("default member role: %q", out.Membership.role)
	}
}

func hasProblem(problems apperr.List, field, reason string) bool {
	for _, p := range problems {
		if p.Field.String() == field && string(p.Reason) == reason {
			return true
		}
	}
	return false
}

// TestFingerprintOfOlderRequestsIsUnchanged: the fields issue 16 added are
// left out of the fingerprint when absent, so an Idempotency-Key recorded
// before them still replays its request.
func TestFingerprintOfOlderRequestsIsUnchanged(t *testing.T) {
	in := finhubIndividual()
	in.IndividualCustomer.Categorization = &Categorization{CategoryRef: CategoryRef{Code: ptr("STANDARD")}}
	b, err := json.Marshal(in.withoutPasswords())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"InvitedBy", "CreatedBy", "Segment", "Organization", "Parametrization"} {
		if strings.Contains(string(b), `"`+name+`"`) {
			t.Errorf("the fingerprinted input names %s when the request does not: %s", name, b)
		}
	}
	in.Segment = ptr("retail")
	if newIndividualKind(in).fingerprint() == newIndividualKind(finhubIndividual()).fingerprint() {
		t.Error("a segment does not change the fingerprint")
	}
}
