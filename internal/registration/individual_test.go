package registration

import (
	"testing"
	"time"
)

// finhubIndividual is finhub-individual.json as the GraphQL layer maps it.
func finhubIndividual() IndividualInput {
	return IndividualInput{
		FirstName: ptr("Marcus"), LastName: ptr("Jensen"),
		Email: "marcus.jensen@example.com", Phone: ptr("+37060012345"),
		Password: "SecurePass123!", MatchingPassword: "SecurePass123!",
		RoleIDs: []string{"ACCOUNT_OWNER", "USER"},
		IndividualCustomer: &IndividualCustomer{
			CustomerName: ptr("Marcus Jensen"),
			Person: &PersonInput{
				FirstName: "Marcus", LastName: "Jensen", Email: ptr("marcus.jensen@example.com"),
				DateOfBirth: ptr("1990-05-15"), Gender: "MALE", Nationality: ptr("LT"),
				Addresses: []AddressInput{{Type: ptr("HOME"), Street: "123 Medium Risk Street", City: "Compliance City",
					PostalCode: ptr("12345"), Country: "LT", IsPrimary: true}},
				Contacts: []ContactInput{
					{Type: "EMAIL", Value: "marcus.jensen@example.com", IsPrimary: true},
					{Type: "PHONE", Value: "+37060012345"},
				},
			},
			User: &UserInput{Username: ptr("marcus.jensen@example.com"), Email: ptr("marcus.jensen@example.com"),
				Password: ptr("SecurePass123!"), Status: ptr("PENDING_ACTIVATION"), Roles: []string{"ACCOUNT_OWNER", "USER"},
				IsActive: ptr(false), RequiresPasswordChange: ptr(false), TwoFactorEnabled: ptr(false)},
		},
	}
}

var today = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestNormalizeFinHubIndividual(t *testing.T) {
	out, problems := normalizeIndividual(finhubIndividual(), today, Settings{MinimumAge: 18})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if out.LoginEmail != "marcus.jensen@example.com" || out.Person.Phone != "+37060012345" ||
		out.Person.Nationality != "LT" || out.Person.Gender != "MALE" || out.CustomerName != "Marcus Jensen" ||
		len(out.RoleCodes) != 2 || out.Person.DateOfBirth.Format(time.DateOnly) != "1990-05-15" {
		t.Fatalf("normalized: %+v", out)
	}
}

func TestNormalizeReportsEveryProblemWithItsPath(t *testing.T) {
	in := finhubIndividual()
	in.Email = "not-an-email"
	in.Password, in.MatchingPassword = "short", "other"
	in.IndividualCustomer.Person.DateOfBirth = ptr("2015-01-01")
	in.IndividualCustomer.Person.Gender = 7
	in.IndividualCustomer.Person.Nationality = ptr("Atlantis")
	in.IndividualCustomer.Person.Addresses = append(in.IndividualCustomer.Person.Addresses,
		AddressInput{Street: "2 Side St", City: "Vilnius", Country: "XX", IsPrimary: true, Type: ptr("CASTLE")})
	in.IndividualCustomer.Person.Contacts[1].Value = "12"
	in.IndividualCustomer.Person.LastName = "bad\x00name"
	in.IndividualCustomer.User.Password = ptr("different")
	_, problems := normalizeIndividual(in, today, Settings{MinimumAge: 18})
	want := map[string]string{
		"email":                                            "INVALID_EMAIL",
		"password":                                         "PASSWORD_TOO_SHORT",
		"matchingPassword":                                 "PASSWORD_MISMATCH",
		"individualCustomer.person.dateOfBirth":            "TOO_YOUNG",
		"individualCustomer.person.gender":                 "INVALID_GENDER",
		"individualCustomer.person.nationality":            "UNKNOWN_COUNTRY",
		"individualCustomer.person.addresses[1].country":   "UNKNOWN_COUNTRY",
		"individualCustomer.person.addresses[1].isPrimary": "MULTIPLE_PRIMARY",
		"individualCustomer.person.addresses[1].type":      "INVALID_VALUE",
		"individualCustomer.person.contacts[1].value":      "INVALID_PHONE",
		"individualCustomer.person.lastName":               "CONTAINS_NUL",
		"individualCustomer.user.password":                 "PASSWORD_MISMATCH",
	}
	got := map[string]string{}
	for _, p := range problems {
		if _, seen := got[p.Field.String()]; !seen {
			got[p.Field.String()] = string(p.Reason)
		}
	}
	for field, reason := range want {
		if got[field] != reason {
			t.Errorf("%s: got %q, want %q", field, got[field], reason)
		}
	}
	for _, p := range problems {
		if p.Code != "BAD_USER_INPUT" {
			t.Errorf("%s: code %s", p.Field, p.Code)
		}
	}
	if t.Failed() {
		t.Logf("all problems: %v", problems)
	}
}
