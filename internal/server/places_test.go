package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"onboard/internal/testutil"
)

// Places, phones, documents and the tenant's settings (issue 16): the
// peers' bodies registered with our field names and nothing invented but
// a password, the country completed from the state or the tenant's
// defaultCountry, and every place and phone read back in each form.

const updateTenantSettings = `mutation S($input: UpdateTenantSettingsInput!) {
	updateTenantSettings(input: $input) { tenant { key minimumAge defaultCountry duplicatePolicy } }
}`

// registerPlaces registers an individual and reads back its places,
// phones and documents in every form.
const registerPlaces = `mutation R($input: RegisterIndividualInput!) {
	registerIndividual(input: $input) {
		id
		customer {
			person {
				phone
				phoneNumber { e164 countryCallingCode nationalNumber regionCode }
				addresses {
					street line2 city state postalCode country countrySource addressLine
					stateCode stateName countryAlpha3 countryName
				}
				contacts { type value phoneNumber { e164 countryCallingCode nationalNumber regionCode } }
				identityDocuments { type number isPrimary }
			}
		}
	}
}`

// placesPayload is registerPlaces' answer.
type placesPayload struct {
	RegisterIndividual struct {
		ID       string
		Customer struct{ Person placesPerson }
	}
}

type phoneNumber struct {
	E164               string
	CountryCallingCode int
	NationalNumber     string
	RegionCode         *string
}

type placesPerson struct {
	Phone       *string
	PhoneNumber *phoneNumber
	Addresses   []struct {
		Street, City, Country, CountrySource, CountryAlpha3, CountryName string
		Line2, State, PostalCode, AddressLine, StateCode, StateName      *string
	}
	Contacts []struct {
		Type, Value string
		PhoneNumber *phoneNumber
	}
	IdentityDocuments []struct {
		Type, Number string
		IsPrimary    bool
	}
}

// s is the value of an optional string field ("<nil>" for null).
func s(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// setTenant changes acme's settings with the back office's token (which
// holds catalog:write) and fails the test on any error.
func (e *registrationEnv) setTenant(t *testing.T, settings map[string]any) {
	t.Helper()
	e.Do(testutil.Request{Token: e.token, TenantKey: "acme", Query: updateTenantSettings,
		Variables: map[string]any{"input": settings}}).Into(t, &struct{}{})
}

// walletsInput is the wallet platform's body under our field names: the
// address as sent (a state, no country), the national phone number, the
// identification number without a type. Only a password is added, so that
// a login exists.
func walletsInput(t *testing.T) map[string]any {
	b := testutil.Fixture(t, "wallets-person.json")
	a := b["address"].(map[string]any)
	return map[string]any{
		"externalReference": b["tenantUserId"],
		"email":             b["email"],
		"password":          peerPassword, "matchingPassword": peerPassword,
		"phone": b["phoneNumber"],
		"tags":  []any{b["userTag"]},
		"individualCustomer": map[string]any{"person": map[string]any{
			"firstName": b["firstName"], "middleName": b["middleName"], "lastName": b["lastName"],
			"dateOfBirth": b["dateOfBirth"], "gender": b["gender"],
			"addresses": []any{map[string]any{"street": a["addressLine1"], "line2": a["addressLine2"],
				"state": a["state"], "city": a["city"], "postalCode": a["zipCode"]}},
			"identityDocuments": []any{map[string]any{"number": b["identificationNumber"]}},
		}},
	}
}

// cryptomateInput is Cryptomate's body under our field names, its phone
// split as it sends it.
func cryptomateInput(t *testing.T) map[string]any {
	b := testutil.Fixture(t, "cryptomate-individual.json")
	a := b["address"].(map[string]any)
	return map[string]any{
		"email":    b["email"],
		"password": peerPassword, "matchingPassword": peerPassword,
		"phoneCountryCode":    b["phone_country_code"],
		"phoneNationalNumber": num(b["phone_number"]),
		"individualCustomer": map[string]any{"person": map[string]any{
			"firstName": b["first_name"], "middleName": b["second_name"], "lastName": b["last_name"],
			"dateOfBirth": b["birth_date"],
			"addresses": []any{map[string]any{"street": a["street_line1"], "city": a["city"],
				"postalCode": a["postal_code"], "state": a["state"], "country": a["country"]}},
		}},
	}
}

// pcxpayInput is PCXPay's body under our field names: the one-line
// address as sent, the two documents with their types.
func pcxpayInput(t *testing.T) map[string]any {
	b := testutil.Fixture(t, "pcxpay-user.json")
	return map[string]any{
		"email":    b["email"],
		"password": b["password"], "matchingPassword": b["password"],
		"phone": b["phone_number"],
		"individualCustomer": map[string]any{"person": map[string]any{
			"firstName": b["fname"], "lastName": b["lname"], "dateOfBirth": b["date_of_birth"],
			"addresses": []any{map[string]any{"addressLine": b["address"], "country": b["country"]}},
			"identityDocuments": []any{
				map[string]any{"type": strings.ToUpper(str(b["id_type"])), "number": b["id_number"]},
				map[string]any{"type": strings.ToUpper(str(b["additional_id_type"])), "number": b["additional_id_number"]},
			},
		}},
	}
}

func (e *registrationEnv) registerPlaces(t *testing.T, input map[string]any) placesPerson {
	t.Helper()
	var got placesPayload
	e.mutate(registerPlaces, input).Into(t, &got)
	return got.RegisterIndividual.Customer.Person
}

// TestWalletsBodyRegistersUnderTheTenantsDefaultCountry: the wallet
// platform's customer, with a Californian address sent without a country
// and a Nigerian national phone number, registers in a tenant whose
// defaultCountry is Nigeria: the address is in the US (from its state,
// countrySource STATE), and the phone, which says nothing of the address,
// is read in the tenant's country. Without the default the same body is
// refused on its phone.
func TestWalletsBodyRegistersUnderTheTenantsDefaultCountry(t *testing.T) {
	env := newRegistrationEnv(t)
	refused := env.mutate(registerPlaces, walletsInput(t))
	if len(refused.Errors) != 1 || refused.Errors[0].Field() != "phone" || refused.Errors[0].Reason() != "INVALID_PHONE" {
		t.Fatalf("without a default country: %s", refused.Raw)
	}

	env.setTenant(t, map[string]any{"defaultCountry": "NG"})
	p := env.registerPlaces(t, walletsInput(t))
	want(t, "phone", s(p.Phone), "+2347036497792")
	same(t, "phoneNumber", *p.PhoneNumber, phoneNumber{"+2347036497792", 234, "7036497792", ptr("NG")})
	a := p.Addresses[0]
	want(t, "address", []string{a.Street, s(a.Line2), a.City, s(a.PostalCode), s(a.State), a.Country, a.CountrySource},
		[]string{"123 Main St", "Apt 456", "San Francisco", "94105", "US-CA", "US", "STATE"})
	want(t, "state forms", []string{s(a.StateCode), s(a.StateName)}, []string{"US-CA", "California"})
	want(t, "country forms", []string{a.CountryAlpha3, a.CountryName}, []string{"USA", "United States"})
	want(t, "addressLine", s(a.AddressLine), "")
	want(t, "documents", len(p.IdentityDocuments), 1)
	d := p.IdentityDocuments[0]
	want(t, "document", []any{d.Type, d.Number, d.IsPrimary}, []any{"UNSPECIFIED", "ABC123XYZ", true})
}

// TestCryptomateBodyRegisters: Cryptomate's alpha-3 state and country and
// its split phone are stored as alpha-2, ISO 3166-2 and E.164, and read
// back in every form.
func TestCryptomateBodyRegisters(t *testing.T) {
	env := newRegistrationEnv(t)
	p := env.registerPlaces(t, cryptomateInput(t))
	want(t, "phone", s(p.Phone), "+541168860622")
	same(t, "phoneNumber", *p.PhoneNumber, phoneNumber{"+541168860622", 54, "1168860622", ptr("AR")})
	a := p.Addresses[0]
	want(t, "address", []string{a.Street, a.City, s(a.PostalCode), s(a.State), a.Country, a.CountrySource},
		[]string{"Florida 9860", "Del Viso", "1669", "AR-B", "AR", "GIVEN"})
	want(t, "state forms", []string{s(a.StateCode), s(a.StateName)}, []string{"AR-B", "Buenos Aires"})
	want(t, "country forms", []string{a.CountryAlpha3, a.CountryName}, []string{"ARG", "Argentina"})
}

// TestPCXPayBodyRegistersItsOneLineAddress: the one-line address is kept
// verbatim and split into its parts; the first document is primary.
func TestPCXPayBodyRegistersItsOneLineAddress(t *testing.T) {
	env := newRegistrationEnv(t)
	p := env.registerPlaces(t, pcxpayInput(t))
	a := p.Addresses[0]
	want(t, "address", []string{a.Street, a.City, s(a.State), s(a.PostalCode), a.Country, a.CountrySource},
		[]string{"1 Market St", "San Francisco", "US-CA", "94105", "US", "GIVEN"})
	want(t, "addressLine", s(a.AddressLine), "1 Market St, San Francisco, CA 94105")
	same(t, "phoneNumber", *p.PhoneNumber, phoneNumber{"+14155550123", 1, "4155550123", ptr("US")})
	want(t, "documents", len(p.IdentityDocuments), 2)
	want(t, "primaries", []bool{p.IdentityDocuments[0].IsPrimary, p.IdentityDocuments[1].IsPrimary}, []bool{true, false})
}

// TestAddressCompletion: each way an address's country is completed, and
// each refusal on its path.
func TestAddressCompletion(t *testing.T) {
	env := newRegistrationEnv(t)
	register := func(t *testing.T, address map[string]any) *testutil.Response {
		in := cryptomateInput(t)
		in["email"] = testutil.RandomHex(6) + "@example.com"
		in["individualCustomer"].(map[string]any)["person"].(map[string]any)["addresses"] = []any{address}
		return env.mutate(registerPlaces, in)
	}
	stored := func(t *testing.T, address map[string]any) []string {
		t.Helper()
		var got placesPayload
		register(t, address).Into(t, &got)
		a := got.RegisterIndividual.Customer.Person.Addresses[0]
		return []string{a.Country, a.CountrySource, s(a.State)}
	}
	refused := func(t *testing.T, address map[string]any, field, reason string) {
		t.Helper()
		r := register(t, address)
		if len(r.Errors) != 1 || r.Errors[0].Field() != field || r.Errors[0].Reason() != reason || r.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Fatalf("want BAD_USER_INPUT %s on %s, got %s", reason, field, r.Raw)
		}
	}
	const addr = "individualCustomer.person.addresses.0."
	base := func(kv ...any) map[string]any {
		m := map[string]any{"street": "1 Way", "city": "Somewhere"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}

	// No tenant default: a state of one country completes it, anything
	// else leaves the country required.
	want(t, "ISO code", stored(t, base("state", "ARG-B")), []string{"AR", "STATE", "AR-B"})
	want(t, "unambiguous name", stored(t, base("state", "Bayern")), []string{"DE", "STATE", "DE-BY"})
	refused(t, base("state", "Cordoba"), addr+"country", "REQUIRED") // Argentina's and Colombia's
	refused(t, base(), addr+"country", "REQUIRED")

	env.setTenant(t, map[string]any{"defaultCountry": "Argentina"})
	want(t, "tenant default", stored(t, base()), []string{"AR", "TENANT_DEFAULT", ""})
	want(t, "a state of the default", stored(t, base("state", "Cordoba")), []string{"AR", "TENANT_DEFAULT", "AR-X"})
	want(t, "a state naming its own country", stored(t, base("state", "California")), []string{"US", "STATE", "US-CA"})
	want(t, "a country given", stored(t, base("country", "CL", "state", "Somewhere Region")), []string{"CL", "GIVEN", "Somewhere Region"})
	refused(t, base("state", "CA"), addr+"state", "STATE_NOT_IN_COUNTRY")
	refused(t, base("state", "Springfield"), addr+"state", "STATE_NOT_IN_COUNTRY")

	// A one-line address: explicit parts win, the country it ends with
	// is given, and a line without a city is refused on city.
	var got placesPayload
	register(t, map[string]any{"addressLine": "Florida 9860, Del Viso, Buenos Aires 1669, Argentina", "city": "Pilar"}).Into(t, &got)
	a := got.RegisterIndividual.Customer.Person.Addresses[0]
	want(t, "line split", []string{a.Street, a.City, s(a.State), s(a.PostalCode), a.Country, a.CountrySource, s(a.AddressLine)},
		[]string{"Florida 9860", "Pilar", "AR-B", "1669", "AR", "GIVEN", "Florida 9860, Del Viso, Buenos Aires 1669, Argentina"})
	r := register(t, map[string]any{"addressLine": "Florida 9860 Del Viso"})
	if len(r.Errors) != 1 || r.Errors[0].Field() != addr+"city" || r.Errors[0].Reason() != "REQUIRED" ||
		!strings.Contains(r.Errors[0].Message, "address line") {
		t.Fatalf("a line without a city: %s", r.Raw)
	}
	refused(t, map[string]any{"addressLine": strings.Repeat("a", 501)}, addr+"addressLine", "TOO_LONG")
}

// TestCountryNamesAndLineStates: a state that is also another country's
// name ("Georgia") names no country by itself; the last part of a one-line
// address that is a country is the address's country (countrySource
// GIVEN: the client wrote it), never its state; and a state read from the
// line that is not a region of the tenant's default country is refused on
// the line, not dropped.
func TestCountryNamesAndLineStates(t *testing.T) {
	env := newRegistrationEnv(t)
	register := func(t *testing.T, address map[string]any) *testutil.Response {
		in := cryptomateInput(t)
		in["email"] = testutil.RandomHex(6) + "@example.com"
		in["individualCustomer"].(map[string]any)["person"].(map[string]any)["addresses"] = []any{address}
		return env.mutate(registerPlaces, in)
	}
	// stored is the address as read back: street, city, state, postal
	// code, country and its source.
	stored := func(t *testing.T, address map[string]any) []string {
		t.Helper()
		var got placesPayload
		register(t, address).Into(t, &got)
		a := got.RegisterIndividual.Customer.Person.Addresses[0]
		return []string{a.Street, a.City, s(a.State), s(a.PostalCode), a.Country, a.CountrySource}
	}
	refused := func(t *testing.T, address map[string]any, field, reason string) {
		t.Helper()
		r := register(t, address)
		if len(r.Errors) != 1 || r.Errors[0].Field() != field || r.Errors[0].Reason() != reason || r.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("want BAD_USER_INPUT %s on %s, got %s", reason, field, r.Raw)
		}
	}
	const addr = "individualCustomer.person.addresses.0."
	line := func(l string) map[string]any { return map[string]any{"addressLine": l} }

	// No tenant default.
	refused(t, map[string]any{"street": "12 Rustaveli Ave", "city": "Tbilisi", "state": "Georgia"}, addr+"country", "REQUIRED")
	want(t, "a line ending in a country", stored(t, line("12 Rustaveli Ave, Tbilisi, Georgia")),
		[]string{"12 Rustaveli Ave", "Tbilisi", "", "", "GE", "GIVEN"})
	want(t, "a line ending in a country after its postal code", stored(t, line("10 Downing St, London, SW1A 2AA, United Kingdom")),
		[]string{"10 Downing St", "London", "", "SW1A 2AA", "GB", "GIVEN"})
	want(t, "a line's state and country", stored(t, line("1 Market St, San Francisco, CA 94105, USA")),
		[]string{"1 Market St", "San Francisco", "US-CA", "94105", "US", "GIVEN"})
	want(t, "a line's state resolved in the line's country", stored(t, line("Florida 9860, Del Viso, Cordoba 1669, Argentina")),
		[]string{"Florida 9860", "Del Viso", "AR-X", "1669", "AR", "GIVEN"})
	want(t, "a country sent: the line's last part is its state", stored(t,
		map[string]any{"addressLine": "1 Peachtree St, Atlanta, Georgia", "country": "US"}),
		[]string{"1 Peachtree St", "Atlanta", "US-GA", "", "US", "GIVEN"})
	want(t, "a name that is its own country's region", stored(t, map[string]any{"street": "1 Way", "city": "Leeds", "state": "England"}),
		[]string{"1 Way", "Leeds", "GB-ENG", "", "GB", "STATE"})

	// A Nigerian default: a line's state names its country when it can,
	// and is else a region of the default or refused on the line.
	env.setTenant(t, map[string]any{"defaultCountry": "NG"})
	refused(t, line("1 Market St, San Francisco, CA 94105"), addr+"addressLine", "STATE_NOT_IN_COUNTRY")
	refused(t, line("1 Main St, Springfield, IL 62701"), addr+"addressLine", "STATE_NOT_IN_COUNTRY")
	want(t, "a line's state naming its country", stored(t, line("1 Market St, San Francisco, California 94105")),
		[]string{"1 Market St", "San Francisco", "US-CA", "94105", "US", "STATE"})
	want(t, "a line's state of the default", stored(t, line("3 Broad St, Ikeja, LA 100001")),
		[]string{"3 Broad St", "Ikeja", "NG-LA", "100001", "NG", "TENANT_DEFAULT"})
	want(t, "a line without a state", stored(t, line("3 Broad St, Ikeja")),
		[]string{"3 Broad St", "Ikeja", "", "", "NG", "TENANT_DEFAULT"})
	refused(t, map[string]any{"street": "12 Rustaveli Ave", "city": "Tbilisi", "state": "Georgia"}, addr+"state", "STATE_NOT_IN_COUNTRY")

	// A US default: Georgia is then its state.
	env.setTenant(t, map[string]any{"defaultCountry": "US"})
	want(t, "a state of the default that is a country's name", stored(t, map[string]any{"street": "1 Peachtree St", "city": "Atlanta", "state": "Georgia"}),
		[]string{"1 Peachtree St", "Atlanta", "US-GA", "", "US", "TENANT_DEFAULT"})
}

// TestSplitPhoneRules: the split phone needs both parts, and with phone
// too must be the same number; identity documents have one primary.
func TestSplitPhoneAndDocumentRules(t *testing.T) {
	env := newRegistrationEnv(t)
	problems := func(t *testing.T, edit func(in map[string]any)) []string {
		t.Helper()
		in := cryptomateInput(t)
		edit(in)
		var out []string
		for _, e := range env.mutate(registerPlaces, in).Errors {
			out = append(out, e.Code()+" "+e.Reason()+" "+e.Field())
		}
		return out
	}
	person := func(in map[string]any) map[string]any {
		return in["individualCustomer"].(map[string]any)["person"].(map[string]any)
	}
	want(t, "code alone", problems(t, func(in map[string]any) { delete(in, "phoneNationalNumber") }),
		[]string{"BAD_USER_INPUT REQUIRED phoneNationalNumber"})
	want(t, "number alone", problems(t, func(in map[string]any) { delete(in, "phoneCountryCode") }),
		[]string{"BAD_USER_INPUT REQUIRED phoneCountryCode"})
	want(t, "not a number", problems(t, func(in map[string]any) { in["phoneCountryCode"] = 1 }),
		[]string{"BAD_USER_INPUT INVALID_PHONE phoneNationalNumber"})
	// The form says 1 to 999: a code outside is the code's problem.
	for _, code := range []int{0, 1000, -54} {
		want(t, fmt.Sprint("code ", code), problems(t, func(in map[string]any) { in["phoneCountryCode"] = code }),
			[]string{"BAD_USER_INPUT OUT_OF_RANGE phoneCountryCode"})
	}
	want(t, "two numbers", problems(t, func(in map[string]any) { in["phone"] = "+541168860623" }),
		[]string{"BAD_USER_INPUT PHONE_MISMATCH phone"})
	want(t, "two primaries", problems(t, func(in map[string]any) {
		person(in)["identityDocuments"] = []any{
			map[string]any{"number": "A1", "isPrimary": true},
			map[string]any{"type": "PASSPORT", "number": "A2", "isPrimary": true},
		}
	}), []string{"BAD_USER_INPUT MULTIPLE_PRIMARY individualCustomer.person.identityDocuments.1.isPrimary"})

	// The same number twice, in a national form read in the address's
	// country, is one phone.
	in := cryptomateInput(t)
	in["phone"] = "011 6886-0622"
	person(in)["identityDocuments"] = []any{map[string]any{"type": "NATIONAL_ID", "number": "A1"},
		map[string]any{"type": "PASSPORT", "number": "A2", "isPrimary": true}}
	p := env.registerPlaces(t, in)
	want(t, "phone", s(p.Phone), "+541168860622")
	want(t, "primaries", []bool{p.IdentityDocuments[0].IsPrimary, p.IdentityDocuments[1].IsPrimary}, []bool{false, true})
}

// TestPhoneNumbersAreReadSplitAndMasked: a phone contact's value is read
// split, other contacts have none, and without pii:read the number's
// personal parts are masked while staying non-null strings.
func TestPhoneNumbersAreReadSplitAndMasked(t *testing.T) {
	env := newRegistrationEnv(t)
	in := cryptomateInput(t)
	person := in["individualCustomer"].(map[string]any)["person"].(map[string]any)
	person["contacts"] = []any{
		map[string]any{"type": "MOBILE", "value": "11 6886-0622"},
		map[string]any{"type": "EMAIL", "value": "maria@example.com"},
	}
	var got placesPayload
	env.mutate(registerPlaces, in).Into(t, &got)
	contacts := got.RegisterIndividual.Customer.Person.Contacts
	same(t, "mobile", *contacts[0].PhoneNumber, phoneNumber{"+541168860622", 54, "1168860622", ptr("AR")})
	if contacts[1].PhoneNumber != nil {
		t.Errorf("an e-mail contact has a phoneNumber: %+v", contacts[1].PhoneNumber)
	}

	noPII := env.Token([]string{"acme"}, "customers:read")
	r := env.Do(testutil.Request{Token: noPII, TenantKey: "acme", Variables: map[string]any{"id": got.RegisterIndividual.ID},
		Query: `query($id: ID!) { node(id: $id) { ... on Customer { person {
			phoneNumber { e164 countryCallingCode nationalNumber regionCode }
			contacts { phoneNumber { e164 nationalNumber } } } } } }`})
	var masked struct {
		Node struct {
			Person struct {
				PhoneNumber phoneNumber
				Contacts    []struct{ PhoneNumber *phoneNumber }
			}
		}
	}
	r.Into(t, &masked)
	same(t, "masked phoneNumber", masked.Node.Person.PhoneNumber, phoneNumber{"****22", 54, "****22", ptr("AR")})
	want(t, "masked contact", masked.Node.Person.Contacts[0].PhoneNumber.E164, "****22")
}

// TestUpdateTenantSettings: every setting is changed and read back, a bad
// value is refused on its path (all at once), an empty defaultCountry
// clears it, the mutation needs catalog:write, and createTenant takes the
// same settings.
func TestUpdateTenantSettings(t *testing.T) {
	env := newRegistrationEnv(t)
	send := func(token string, input map[string]any) *testutil.Response {
		return env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: updateTenantSettings, Variables: map[string]any{"input": input}})
	}
	type tenant struct {
		Key, DuplicatePolicy string
		MinimumAge           int
		DefaultCountry       *string
	}
	var got struct{ UpdateTenantSettings struct{ Tenant tenant } }
	send(env.token, map[string]any{"minimumAge": 21, "defaultCountry": "nga", "duplicatePolicy": "REJECT"}).Into(t, &got)
	same(t, "settings", got.UpdateTenantSettings.Tenant, tenant{"acme", "REJECT", 21, ptr("NG")})

	send(env.token, map[string]any{"minimumAge": 18}).Into(t, &got)
	same(t, "untouched", got.UpdateTenantSettings.Tenant, tenant{"acme", "REJECT", 18, ptr("NG")})
	send(env.token, map[string]any{"defaultCountry": ""}).Into(t, &got)
	same(t, "cleared", got.UpdateTenantSettings.Tenant, tenant{"acme", "REJECT", 18, nil})

	r := send(env.token, map[string]any{"minimumAge": 151, "defaultCountry": "Atlantis"})
	var problems []string
	for _, e := range r.Errors {
		problems = append(problems, e.Code()+" "+e.Reason()+" "+e.Field())
	}
	want(t, "problems", problems, []string{"BAD_USER_INPUT OUT_OF_RANGE minimumAge", "BAD_USER_INPUT UNKNOWN_COUNTRY defaultCountry"})
	r = send(env.token, map[string]any{"minimumAge": -1})
	if len(r.Errors) != 1 || r.Errors[0].Reason() != "OUT_OF_RANGE" {
		t.Fatalf("a negative age: %s", r.Raw)
	}
	r = send(env.selfService, map[string]any{"minimumAge": 30})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" {
		t.Fatalf("without catalog:write: %s", r.Raw)
	}
	stored := env.Client().Tenant.GetX(env.As(env.tenantID), env.tenantID)
	want(t, "stored", []any{stored.MinimumAge, stored.DefaultCountry == nil, string(stored.DuplicatePolicy)}, []any{18, true, "REJECT"})

	operator := env.Token([]string{"*"}, "tenants:admin")
	create := func(input map[string]any) *testutil.Response {
		return env.Do(testutil.Request{Token: operator, Variables: map[string]any{"input": input},
			Query: `mutation C($input: CreateTenantInput!) { createTenant(input: $input) { tenant { key minimumAge defaultCountry duplicatePolicy } } }`})
	}
	var created struct{ CreateTenant struct{ Tenant tenant } }
	create(map[string]any{"key": "wallets", "name": "Wallets", "defaultCountry": "Nigeria", "duplicatePolicy": "REJECT"}).Into(t, &created)
	same(t, "created", created.CreateTenant.Tenant, tenant{"wallets", "REJECT", 18, ptr("NG")})
	create(map[string]any{"key": "plain", "name": "Plain"}).Into(t, &created)
	same(t, "created with defaults", created.CreateTenant.Tenant, tenant{"plain", "FLAG", 18, nil})
	r = create(map[string]any{"key": "bad", "name": "Bad", "defaultCountry": "XX"})
	if len(r.Errors) != 1 || r.Errors[0].Field() != "defaultCountry" || r.Errors[0].Reason() != "UNKNOWN_COUNTRY" {
		t.Fatalf("a bad default country: %s", r.Raw)
	}
}

// TestUpdatedDocumentsAndAddressesFollowTheRules: documents changed
// through updateIndividual keep one primary, and an address whose country
// came from its state gets the new state's country.
func TestUpdatedDocumentsAndAddressesFollowTheRules(t *testing.T) {
	env := newRegistrationEnv(t)
	env.setTenant(t, map[string]any{"defaultCountry": "NG"})
	var reg placesPayload
	env.mutate(registerPlaces, walletsInput(t)).Into(t, &reg)
	id := reg.RegisterIndividual.ID
	c := env.storedCustomer(t, id)
	first := c.Edges.Person.Edges.IdentityDocuments[0]
	home := c.Edges.Person.Edges.Addresses[0]

	r := env.update(updateIndividual, map[string]any{"customerId": id, "expectedVersion": 1,
		"identityDocuments": map[string]any{"add": []any{map[string]any{"type": "PASSPORT", "number": "P1", "isPrimary": true}}}})
	if len(r.Errors) != 1 || r.Errors[0].Reason() != "MULTIPLE_PRIMARY" || r.Errors[0].Field() != "identityDocuments.add.0.isPrimary" {
		t.Fatalf("a second primary document: %s", r.Raw)
	}
	env.update(updateIndividual, map[string]any{"customerId": id, "expectedVersion": 1,
		"identityDocuments": map[string]any{
			"change": []any{map[string]any{"id": first.ID, "isPrimary": false}},
			"add":    []any{map[string]any{"type": "PASSPORT", "number": "P1", "isPrimary": true}}},
		"addresses": map[string]any{"change": []any{map[string]any{"id": home.ID, "state": "Texas"}}},
	}).Into(t, &struct{}{})
	after := env.storedCustomer(t, id)
	for _, d := range after.Edges.Person.Edges.IdentityDocuments {
		want(t, "primary "+d.Number, d.IsPrimary, d.Number == "P1")
	}
	a := after.Edges.Person.Edges.Addresses[0]
	want(t, "moved address", []string{a.Country, a.State, string(a.CountrySource)}, []string{"US", "US-TX", "STATE"})

	// A state that names no country now takes the tenant's default, and
	// must then be one of its regions.
	r = env.update(updateIndividual, map[string]any{"customerId": id, "expectedVersion": 2,
		"addresses": map[string]any{"change": []any{map[string]any{"id": home.ID, "state": "Cordoba"}}}})
	if len(r.Errors) != 1 || r.Errors[0].Reason() != "STATE_NOT_IN_COUNTRY" {
		t.Fatalf("a state outside the default country: %s", r.Raw)
	}
	env.update(updateIndividual, map[string]any{"customerId": id, "expectedVersion": 2,
		"addresses": map[string]any{"change": []any{map[string]any{"id": home.ID, "state": "Lagos"}}}}).Into(t, &struct{}{})
	a = env.storedCustomer(t, id).Edges.Person.Edges.Addresses[0]
	want(t, "address in the default", []string{a.Country, a.State, string(a.CountrySource)}, []string{"NG", "NG-LA", "STATE"})

	// Moving the primary flag alone is a change: the version moves.
	var p1 string
	for _, d := range env.storedCustomer(t, id).Edges.Person.Edges.IdentityDocuments {
		if d.Number == "P1" {
			p1 = d.ID
		}
	}
	env.update(updateIndividual, map[string]any{"customerId": id, "expectedVersion": 3,
		"identityDocuments": map[string]any{"change": []any{
			map[string]any{"id": p1, "isPrimary": false}, map[string]any{"id": first.ID, "isPrimary": true}}},
	}).Into(t, &struct{}{})
	final := env.storedCustomer(t, id)
	want(t, "version", final.Version, 4)
	for _, d := range final.Edges.Person.Edges.IdentityDocuments {
		want(t, "primary again "+d.Number, d.IsPrimary, d.ID == first.ID)
	}
}

// same compares got and want as JSON, which shows pointers' values.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}
