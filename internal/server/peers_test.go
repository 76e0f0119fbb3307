package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"onboard/internal/testutil"
)

// The peers' registration bodies, mapped to registerIndividual the way an
// integration would, and registered with nothing lost: every value of the
// body is found in the stored graph. A peer that sends no password gets one
// from the integration (its users set one at first login).

const peerPassword = "Integration#2026"

// peerCase is a peer body's mapping and what must be stored of it.
type peerCase struct {
	fixture string
	mapping func(body map[string]any) map[string]any
	check   func(t *testing.T, c registeredCustomer)
}

func str(v any) string { return fmt.Sprint(v) }

// num writes a JSON number as digits (fmt would use an exponent).
func num(v any) string { return strconv.FormatFloat(v.(float64), 'f', -1, 64) }

// individual builds our input from the parts every peer has.
func individual(email, first, middle, last, dob string, address map[string]any) map[string]any {
	person := map[string]any{"firstName": first, "lastName": last, "dateOfBirth": dob, "addresses": []any{address}}
	if middle != "" {
		person["middleName"] = middle
	}
	return map[string]any{
		"email": email, "password": peerPassword, "matchingPassword": peerPassword,
		"individualCustomer": map[string]any{"person": person},
	}
}

var peerCases = []peerCase{
	{
		fixture: "cryptomate-individual.json",
		mapping: func(b map[string]any) map[string]any {
			a := b["address"].(map[string]any)
			in := individual(str(b["email"]), str(b["first_name"]), str(b["second_name"]), str(b["last_name"]), str(b["birth_date"]),
				map[string]any{"street": a["street_line1"], "city": a["city"], "postalCode": a["postal_code"],
					"state": a["state"], "country": a["country"]})
			// The phone comes as a country calling code and a national number.
			in["phone"] = "+" + num(b["phone_country_code"]) + num(b["phone_number"])
			return in
		},
		check: func(t *testing.T, c registeredCustomer) {
			p, a := c.Person, c.Person.Addresses[0]
			want(t, "person", []string{p.FirstName, p.MiddleName, p.LastName, p.Email, p.DateOfBirth, p.Phone},
				[]string{"Maria", "Julia", "Barber", "mjuliabarber@example.com", "1984-11-21", "+541168860622"})
			want(t, "address", []string{a.Street, a.City, a.PostalCode, a.State, a.Country},
				[]string{"Florida 9860", "Del Viso", "1669", "AR-B", "AR"})
		},
	},
	{
		fixture: "wallets-person.json",
		mapping: func(b map[string]any) map[string]any {
			a := b["address"].(map[string]any)
			// The body has a US state but no country; the integration knows
			// its addresses are in the United States.
			in := individual(str(b["email"]), str(b["firstName"]), str(b["middleName"]), str(b["lastName"]), str(b["dateOfBirth"]),
				map[string]any{"street": a["addressLine1"], "line2": a["addressLine2"], "city": a["city"],
					"state": a["state"], "postalCode": a["zipCode"], "country": "US"})
			person := in["individualCustomer"].(map[string]any)["person"].(map[string]any)
			person["gender"] = b["gender"]
			// A national number without a country: 070… is a Nigerian
			// mobile number, which the integration knows of its users.
			person["contacts"] = []any{map[string]any{"type": "MOBILE", "value": "+234" + strings.TrimPrefix(str(b["phoneNumber"]), "0")}}
			person["identityDocuments"] = []any{map[string]any{"type": "OTHER", "number": b["identificationNumber"]}}
			in["externalReference"] = b["tenantUserId"]
			in["tags"] = []any{b["userTag"]}
			return in
		},
		check: func(t *testing.T, c registeredCustomer) {
			p, a := c.Person, c.Person.Addresses[0]
			want(t, "person", []string{p.FirstName, p.MiddleName, p.LastName, p.Email, p.DateOfBirth, p.Gender},
				[]string{"John", "Smith", "Doe", "john.doe@example.com", "1990-01-15", "MALE"})
			want(t, "address", []string{a.Street, a.Line2, a.City, a.State, a.PostalCode, a.Country},
				[]string{"123 Main St", "Apt 456", "San Francisco", "US-CA", "94105", "US"})
			want(t, "contacts", len(p.Contacts) == 1 && p.Contacts[0].Value == "+2347036497792", true)
			want(t, "document", p.IdentityDocuments[0].Number, "ABC123XYZ")
			want(t, "external reference", *c.ExternalReference, "unique_user_id")
			want(t, "tags", c.Tags, []string{"VIP"})
		},
	},
	{
		fixture: "pcxpay-user.json",
		mapping: func(b map[string]any) map[string]any {
			// "1 Market St, San Francisco, CA 94105": street, city, state and ZIP.
			parts := strings.Split(str(b["address"]), ", ")
			stateZip := strings.Fields(parts[2])
			in := individual(str(b["email"]), str(b["fname"]), "", str(b["lname"]), str(b["date_of_birth"]),
				map[string]any{"street": parts[0], "city": parts[1], "state": stateZip[0], "postalCode": stateZip[1], "country": b["country"]})
			in["password"], in["matchingPassword"] = b["password"], b["password"]
			in["phone"] = b["phone_number"]
			person := in["individualCustomer"].(map[string]any)["person"].(map[string]any)
			person["identityDocuments"] = []any{
				map[string]any{"type": strings.ToUpper(str(b["id_type"])), "number": b["id_number"]},
				map[string]any{"type": strings.ToUpper(str(b["additional_id_type"])), "number": b["additional_id_number"]},
			}
			// The peer's segment, organization and membership role have no
			// field of their own here: they are kept as tags.
			in["tags"] = []any{"role:" + str(b["role"]), "type:" + str(b["type"]),
				"org:" + str(b["org_name"]), "org_member_role:" + str(b["org_member_role"])}
			return in
		},
		check: func(t *testing.T, c registeredCustomer) {
			p, a := c.Person, c.Person.Addresses[0]
			want(t, "person", []string{p.FirstName, p.LastName, p.Email, p.DateOfBirth, p.Phone},
				[]string{"Jane", "Smith", "jsmith@example.com", "1990-01-15", "+14155550123"})
			want(t, "address", []string{a.Street, a.City, a.State, a.PostalCode, a.Country},
				[]string{"1 Market St", "San Francisco", "US-CA", "94105", "US"})
			want(t, "documents", len(p.IdentityDocuments), 2)
			want(t, "document types", p.IdentityDocuments[0].Type+" "+p.IdentityDocuments[1].Type, "PASSPORT DRIVERS_LICENSE")
			want(t, "tags", c.Tags, []string{"role:retail", "type:user", "org:Smith Trading", "org_member_role:owner"})
		},
	},
}

func want(t *testing.T, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestRegisterPeerBodies(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, pc := range peerCases {
		t.Run(pc.fixture, func(t *testing.T) {
			var got registered
			env.register(pc.mapping(testutil.Fixture(t, pc.fixture))).Into(t, &got)
			pc.check(t, got.RegisterIndividual.Customer)
		})
	}
}
