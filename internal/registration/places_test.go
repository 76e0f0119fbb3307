package registration

import (
	"fmt"
	"testing"

	"onboard/internal/apperr"
)

func TestSplitAddressLine(t *testing.T) {
	for _, c := range []struct {
		line string
		want lineParts
	}{
		{"1 Market St, San Francisco, CA 94105", lineParts{"1 Market St", "San Francisco", "CA", "94105", "", ""}},
		{"1 Market St, San Francisco, CA 94105, USA", lineParts{"1 Market St", "San Francisco", "CA", "94105", "US", "USA"}},
		{"10 Downing St, London, SW1A 2AA", lineParts{"10 Downing St", "London", "", "SW1A 2AA", "", ""}},
		{"10 Downing St, London, SW1A 2AA, United Kingdom", lineParts{"10 Downing St", "London", "", "SW1A 2AA", "GB", "United Kingdom"}},
		{"12 Rustaveli Ave, Tbilisi, Georgia", lineParts{"12 Rustaveli Ave", "Tbilisi", "", "", "GE", "Georgia"}},
		{"Florida 9860, Del Viso, Buenos Aires, 1669", lineParts{"Florida 9860", "Del Viso", "Buenos Aires", "1669", "", ""}},
		// A two-letter code right after the city is a state's.
		{"1 Market St, San Francisco, CA", lineParts{"1 Market St", "San Francisco", "CA", "", "", ""}},
		{"1 Market St, San Francisco, CA, US", lineParts{"1 Market St", "San Francisco", "CA", "", "US", "US"}},
		{" 1 Way ,, Town ", lineParts{"1 Way", "Town", "", "", "", ""}},
		{"1 Market St San Francisco", lineParts{"1 Market St San Francisco", "", "", "", "", ""}},
		{"", lineParts{}},
	} {
		if got := splitAddressLine(c.line); got != c.want {
			t.Errorf("splitAddressLine(%q) = %+v, want %+v", c.line, got, c.want)
		}
	}
}

// withAddress is the FinHub individual with one address and no phone of
// its own, so that a problem is the address's.
func withAddress(a AddressInput) IndividualInput {
	in := finhubIndividual()
	in.Phone = nil
	in.IndividualCustomer.Person.Contacts = nil
	in.IndividualCustomer.Person.Addresses = []AddressInput{a}
	return in
}

// problemsOf renders problems as "REASON path".
func problemsOf(list apperr.List) []string {
	var out []string
	for _, p := range apperr.Flatten(list.Err()) {
		out = append(out, fmt.Sprintf("%s %s", p.Reason, p.Field))
	}
	return out
}

func TestAddressCountryCompletion(t *testing.T) {
	const at = "individualCustomer.person.addresses[0]."
	for _, c := range []struct {
		name           string
		defaultCountry string
		in             AddressInput
		want           string // country source state, or the problems
	}{
		{"given", "", AddressInput{Street: "1 Way", City: "Town", Country: "ARG", State: ptr("ARG-B")}, "AR GIVEN AR-B"},
		{"given beats the default", "NG", AddressInput{Street: "1 Way", City: "Town", Country: "LT"}, "LT GIVEN "},
		{"from an ISO state", "", AddressInput{Street: "1 Way", City: "Town", State: ptr("US-CA")}, "US STATE US-CA"},
		{"from a state's name", "NG", AddressInput{Street: "1 Way", City: "Town", State: ptr("California")}, "US STATE US-CA"},
		{"the tenant's default", "NG", AddressInput{Street: "1 Way", City: "Town"}, "NG TENANT_DEFAULT "},
		{"a state of the default", "AR", AddressInput{Street: "1 Way", City: "Town", State: ptr("Cordoba")}, "AR TENANT_DEFAULT AR-X"},
		{"a bare code of the default", "US", AddressInput{Street: "1 Way", City: "Town", State: ptr("CA")}, "US TENANT_DEFAULT US-CA"},
		{"a state outside the default", "NG", AddressInput{Street: "1 Way", City: "Town", State: ptr("CA")}, "[STATE_NOT_IN_COUNTRY " + at + "state]"},
		{"an ambiguous state, no default", "", AddressInput{Street: "1 Way", City: "Town", State: ptr("Cordoba")}, "[REQUIRED " + at + "country]"},
		{"nothing", "", AddressInput{Street: "1 Way", City: "Town"}, "[REQUIRED " + at + "country]"},
		{"a line", "", AddressInput{AddressLine: ptr("1 Market St, San Francisco, CA 94105"), Country: "US"}, "US GIVEN US-CA"},
		{"a line's state outside the country stays in it", "", AddressInput{AddressLine: ptr("1 Way, Town, Ontario 123"), Country: "US"}, "US GIVEN "},
		{"a line's state names the country", "", AddressInput{AddressLine: ptr("1 Way, Town, California 94105")}, "US STATE US-CA"},
		{"a line's bare state, the default's", "US", AddressInput{AddressLine: ptr("1 Way, Town, CA 94105")}, "US TENANT_DEFAULT US-CA"},
		{"a line's bare state, not the default's", "NG", AddressInput{AddressLine: ptr("1 Way, Town, CA 94105")}, "[STATE_NOT_IN_COUNTRY " + at + "addressLine]"},
		{"a line's state, another country's code", "NG", AddressInput{AddressLine: ptr("1 Way, Town, US-ZZ 94105")}, "[INVALID_SUBDIVISION " + at + "addressLine]"},
		{"a line's country", "NG", AddressInput{AddressLine: ptr("1 Way, Tbilisi, Georgia")}, "GE GIVEN "},
		{"a line's state in the line's country", "", AddressInput{AddressLine: ptr("1 Way, Town, Cordoba 5000, Argentina")}, "AR GIVEN AR-X"},
		{"a line's country with a country sent is a state", "", AddressInput{AddressLine: ptr("1 Way, Atlanta, Georgia"), Country: "US"}, "US GIVEN US-GA"},
		{"a state that is another country's name", "", AddressInput{Street: "1 Way", City: "Tbilisi", State: ptr("Georgia")}, "[REQUIRED " + at + "country]"},
		{"a state that is another country's name, the default's", "US", AddressInput{Street: "1 Way", City: "Atlanta", State: ptr("Georgia")}, "US TENANT_DEFAULT US-GA"},
		{"a line without a city", "US", AddressInput{AddressLine: ptr("1 Way Town")}, "[REQUIRED " + at + "city]"},
		{"an explicit state wins", "", AddressInput{AddressLine: ptr("1 Way, Town, CA 94105"), Country: "US", State: ptr("NY")}, "US GIVEN US-NY"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, problems := normalizeIndividual(withAddress(c.in), today, Settings{MinimumAge: 18, DefaultCountry: c.defaultCountry})
			got := fmt.Sprint(problemsOf(problems))
			if len(problems) == 0 {
				a := out.Person.Addresses[0]
				got = a.Country + " " + a.CountrySource + " " + a.State
			}
			if got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestAddressLineParts(t *testing.T) {
	line := "1 Market St, San Francisco, CA 94105"
	out, problems := normalizeIndividual(withAddress(AddressInput{AddressLine: &line, Country: "US", PostalCode: ptr("94107")}), today, Settings{})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	a := out.Person.Addresses[0]
	got := []string{a.Street, a.City, a.State, a.PostalCode, a.AddressLine}
	if fmt.Sprint(got) != fmt.Sprint([]string{"1 Market St", "San Francisco", "US-CA", "94107", line}) {
		t.Errorf("parts: %q", got)
	}
}

// TestPhoneRegion: a national number is read in the primary address's
// country when the client sent it, else the nationality, else the
// tenant's default; a country completed from the state says nothing.
func TestPhoneRegion(t *testing.T) {
	for _, c := range []struct {
		name, nationality, defaultCountry string
		address                           AddressInput
		want                              string
	}{
		{"the address's country", "NG", "NG", AddressInput{Street: "1 Way", City: "Town", Country: "US"}, "[INVALID_PHONE phone]"},
		{"the nationality", "NG", "", AddressInput{Street: "1 Way", City: "Town", State: ptr("California")}, "+2347036497792"},
		{"the tenant's default", "", "NG", AddressInput{Street: "1 Way", City: "Town", State: ptr("California")}, "+2347036497792"},
		{"none", "", "", AddressInput{Street: "1 Way", City: "Town", State: ptr("California")}, "[INVALID_PHONE phone]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := withAddress(c.address)
			in.Phone = ptr("07036497792")
			in.IndividualCustomer.Person.Nationality = nil
			if c.nationality != "" {
				in.IndividualCustomer.Person.Nationality = &c.nationality
			}
			out, problems := normalizeIndividual(in, today, Settings{DefaultCountry: c.defaultCountry})
			got := fmt.Sprint(problemsOf(problems))
			if len(problems) == 0 {
				got = out.Person.Phone
			}
			if got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

// TestOrganizationPhonesUseTheTenantsDefault: the organization kind reads
// its national numbers in its address's given country, else the tenant's
// default country.
func TestOrganizationPhonesUseTheTenantsDefault(t *testing.T) {
	in := loadOrganization(t, "finhub-organization.json")
	org := in.OrganizationCustomer.Organization
	org.Addresses = []AddressInput{{Street: "1 Way", City: "Town", State: ptr("California")}}
	org.Phone = ptr("07036497792")
	out, problems := normalizeOrganization(in, today, Settings{MinimumAge: 18, DefaultCountry: "NG"})
	if len(problems) > 0 {
		t.Fatal(problemsOf(problems))
	}
	if out.Phone != "+2347036497792" || out.Addresses[0].Country != "US" || out.Addresses[0].CountrySource != "STATE" {
		t.Errorf("phone %s, address %+v", out.Phone, out.Addresses[0])
	}
	if _, problems := normalizeOrganization(in, today, Settings{MinimumAge: 18}); fmt.Sprint(problemsOf(problems)) != "[INVALID_PHONE organizationCustomer.organization.phone]" {
		t.Errorf("without a default: %v", problemsOf(problems))
	}
}

func TestSplitPhone(t *testing.T) {
	for _, c := range []struct {
		name   string
		phone  *string
		code   *int
		number *string
		want   string
	}{
		{"both parts", nil, ptr(54), ptr("1168860622"), "+541168860622"},
		{"and the same phone", ptr("+54 11 6886-0622"), ptr(54), ptr("1168860622"), "+541168860622"},
		{"and another phone", ptr("+37060012345"), ptr(54), ptr("1168860622"), "[PHONE_MISMATCH phone]"},
		{"the code alone", nil, ptr(54), nil, "[REQUIRED phoneNationalNumber]"},
		{"the number alone", nil, nil, ptr("1168860622"), "[REQUIRED phoneCountryCode]"},
		{"no such number", nil, ptr(1), ptr("1168860622"), "[INVALID_PHONE phoneNationalNumber]"},
		{"a code under 1", nil, ptr(0), ptr("1168860622"), "[OUT_OF_RANGE phoneCountryCode]"},
		{"a code over 999", nil, ptr(1000), ptr("1168860622"), "[OUT_OF_RANGE phoneCountryCode]"},
		{"not text", nil, ptr(54), ptr("11\x0068860622"), "[CONTAINS_NUL phoneNationalNumber]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := finhubIndividual()
			in.Phone, in.PhoneCountryCode, in.PhoneNationalNumber = c.phone, c.code, c.number
			out, problems := normalizeIndividual(in, today, Settings{})
			got := fmt.Sprint(problemsOf(problems))
			if len(problems) == 0 {
				got = out.Person.Phone
			}
			if got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestDocumentTypeAndPrimary(t *testing.T) {
	in := finhubIndividual()
	in.IndividualCustomer.Person.IdentityDocuments = []DocumentInput{{Number: "A1"}, {Type: "passport", Number: "A2"}}
	out, problems := normalizeIndividual(in, today, Settings{})
	if len(problems) > 0 {
		t.Fatal(problemsOf(problems))
	}
	if got := fmt.Sprint(out.Person.Documents); got != "[{UNSPECIFIED A1  true} {PASSPORT A2  false}]" {
		t.Errorf("documents: %s", got)
	}
	in.IndividualCustomer.Person.IdentityDocuments = []DocumentInput{{Number: "A1", IsPrimary: true}, {Number: "A2", IsPrimary: true}, {Type: "VISA", Number: "A3"}}
	_, problems = normalizeIndividual(in, today, Settings{})
	if got := fmt.Sprint(problemsOf(problems)); got != "[MULTIPLE_PRIMARY individualCustomer.person.identityDocuments[1].isPrimary INVALID_VALUE individualCustomer.person.identityDocuments[2].type]" {
		t.Errorf("problems: %s", got)
	}
}
