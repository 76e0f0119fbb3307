package graph

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/schema"
)

// withoutPeoplesData are the object types that hold no one's personal
// data, each with the reason; every other object type's String fields are
// walked.
var withoutPeoplesData = map[string]string{
	"Category":                     "the tenant's catalog",
	"Feature":                      "the tenant's catalog",
	"CustomerFeature":              "a catalog feature applied to a customer: codes",
	"AppliedParameter":             "a feature parameter's name, value and source",
	"Parameter":                    "a feature parameter's name and value",
	"ParameterDefinition":          "a feature parameter's definition",
	"Role":                         "the tenant's roles",
	"Tenant":                       "the platform's tenants",
	"CustomerStatsRow":             "aggregate counts by category and country",
	"CustomerRequirements":         "computed requirements: codes, paths of ids and fixed descriptions",
	"Requirement":                  "a requirement's code, id path, reason and fixed description",
	"OnboardingPolicy":             "the tenant's catalog",
	"PolicyRequirement":            "the tenant's catalog",
	"ErasedCount":                  "how many records of a kind an erasure redacted",
	"WebhookEndpoint":              "the tenant's integration: a URL, event types, states, the token subject that made it",
	"WebhookEndpointChange":        "an endpoint's log: change types, token subjects, request ids, the tenant's or the worker's reasons",
	"WebhookDelivery":              "an event's id and type and delivery states",
	"WebhookAttempt":               "outcomes, status codes, latencies, and the start of the tenant's own receiver's answer",
	"CreateWebhookEndpointPayload": "the endpoint and its signing secret: a credential, not anyone's personal data",
	"RotateWebhookSecretPayload":   "the endpoint and its signing secret: a credential, not anyone's personal data",
	"CreateApiKeyPayload":          "the key and the key itself: a credential, not anyone's personal data",
	"RegistrationForm":             "a registration form: the mutation's name and the tenant's category",
	"FormField":                    "an input field's path, rules and fixed descriptions",
	"FormChoice":                   "an allowed value: codes, countries, the tenant's roles and catalog",
	"FormFeature":                  "the tenant's catalog",
	"FormParameter":                "a feature parameter's definition and the category's value",
}

// notPersonal are the String fields of peoplesTypes that are not personal
// data, each with the reason.
var notPersonal = map[string]string{
	"Person.nationality":                    "a country code shared by millions",
	"IdentityDocument.issuingCountry":       "a country code",
	"Address.city":                          "a city, without the street it locates nobody",
	"Address.state":                         "a region code",
	"Address.country":                       "a country code",
	"Address.stateCode":                     "a region code, as Address.state",
	"Address.stateName":                     "the region's name, or Address.state as stored",
	"Address.countryAlpha3":                 "a country code",
	"Address.countryName":                   "a country's name",
	"PhoneNumber.regionCode":                "the country code of the number's region",
	"Contact.operator":                      "the phone company",
	"Contact.purpose":                       "what the contact is for (personal, work)",
	"Employee.department":                   "the organization's department",
	"Customer.externalReference":            "the tenant's own reference",
	"Customer.registrationPlatform":         "web, ios, android",
	"Customer.registrationSource":           "which front end or partner sent the registration",
	"Customer.registeredBy":                 "the API client's token subject",
	"Customer.invitedBy":                    "a user reference of the tenant's own system, not a name",
	"Customer.createdBy":                    "a user reference of the tenant's own system, not a name",
	"Customer.segment":                      "the tenant's segment word, such as retail",
	"ApiKey.name":                           "the tenant's label for a server-to-server client",
	"ApiKey.hint":                           "the key's last characters, to tell keys apart",
	"ApiKey.scopes":                         "scope names of the API",
	"ApiKey.createdBy":                      "the API client's token subject",
	"Customer.tags":                         "the tenant's labels",
	"Organization.legalName":                "a company's registered name",
	"Organization.tradingName":              "a company's trading name",
	"Organization.registrationNumber":       "a company register's public number",
	"Organization.description":              "what the company does",
	"Organization.website":                  "the company's public site",
	"Organization.email":                    "the business's address, published for contact",
	"Organization.phone":                    "the business's number, published for contact",
	"Customer.statusReason":                 "a decision's reason code, from the tenant's list",
	"ConsentDocument.code":                  "the tenant's code of a published document",
	"ConsentDocument.title":                 "a published document's title",
	"ConsentDocument.url":                   "a published document's address",
	"Consent.code":                          "the accepted document's code",
	"Consent.acceptedBy":                    "the token subject that recorded the acceptance",
	"Verification.subjectID":                "an id inside the customer's graph",
	"Verification.provider":                 "the KYC/KYB provider's name",
	"Verification.reference":                "the provider's id of the check, which a tenant must keep",
	"Verification.recordedBy":               "the API client's token subject",
	"CustomerSessionPayload.token":          "a signed token naming ids only (user, tenant key, customer), for the customer it was created for",
	"CustomerEvent.type":                    "one of the event types",
	"CustomerEvent.subjectID":               "an id inside the customer's graph",
	"CustomerEvent.actor":                   "the token subject that made the change",
	"CustomerEvent.requestID":               "the request's id",
	"CustomerEvent.reason":                  "a decision's reason code, UPPER_SNAKE (onboarding.Decide checks it)",
	"FieldChange.field":                     "a field's path in the customer graph",
	"FieldChange.before":                    "masked by CustomerEvent.changes when the change is personal (graph/history.go), like @personalData",
	"FieldChange.after":                     "masked by CustomerEvent.changes when the change is personal (graph/history.go), like @personalData",
	"RegisterOrganizationPayload.tenantKey": "the tenant's key, as the client sent it in X-Tenant-ID",
	"RegisterOrganizationPayload.message":   "a fixed confirmation sentence",
}

// TestPersonalDataIsMarked walks every object type of the executable
// schema: a String field that is neither marked @personalData nor explained
// in notPersonal, on a type not in withoutPeoplesData, fails, so a new
// personal field (of a new type or payload too) cannot go out in clear by
// being forgotten.
func TestPersonalDataIsMarked(t *testing.T) {
	s := NewExecutableSchema(Config{}).Schema()
	marked := 0
	for name, def := range s.Types {
		if def.Kind != ast.Object || def.BuiltIn || withoutPeoplesData[name] != "" {
			continue
		}
		for _, f := range def.Fields {
			if f.Type.Name() != "String" {
				continue
			}
			key := name + "." + f.Name
			isMarked := f.Directives.ForName(schema.PersonalDataDirective) != nil
			_, explained := notPersonal[key]
			switch {
			case isMarked && explained:
				t.Errorf("%s is marked @personalData and listed as not personal", key)
			case !isMarked && !explained:
				t.Errorf("%s is a String that may hold people's data: mark it (schema.PersonalData() on its ent field, @personalData in a .graphqls) or say in notPersonal why it is not personal", key)
			case isMarked:
				marked++
			}
		}
	}
	for name := range withoutPeoplesData {
		if s.Types[name] == nil {
			t.Errorf("withoutPeoplesData lists %s, which the schema does not have", name)
		}
	}
	for key := range notPersonal {
		typ, field, _ := strings.Cut(key, ".")
		if def := s.Types[typ]; def == nil || def.Fields.ForName(field) == nil {
			t.Errorf("notPersonal lists %s, which the schema does not have", key)
		}
	}
	if marked == 0 {
		t.Fatal("no @personalData field")
	}
}

// The filter set follows the marks, type by type: every predicate of a
// marked field in its own type's where-input, and nothing that merely
// starts like one or belongs to another type's unmarked field of the same
// name.
func TestPersonalDataFilters(t *testing.T) {
	for key, want := range map[[2]string]bool{
		{"PersonWhereInput", "phone"}: true, {"PersonWhereInput", "phoneNEQ"}: true,
		{"PersonWhereInput", "phoneContainsFold"}: true, {"PersonWhereInput", "phoneIsNil"}: true,
		{"PersonWhereInput", "dateOfBirthLT"}: true, {"IdentityDocumentWhereInput", "numberHasPrefix"}: true,
		{"AddressWhereInput", "street"}: true, {"AddressWhereInput", "line2"}: true,
		{"OrganizationWhereInput", "taxIDIn"}: true, {"AddressWhereInput", "postalCodeContains"}: true,
		{"ContactWhereInput", "value"}: true, {"UserWhereInput", "username"}: true,
		{"CustomerWhereInput", "registrationIPContains"}: true, {"CustomerWhereInput", "search"}: true,
		{"CustomerWhereInput", "name"}: true, {"CustomerWhereInput", "nameContainsFold"}: true,
		{"PersonWhereInput", "nationality"}: false, {"AddressWhereInput", "city"}: false,
		{"CustomerWhereInput", "registrationPlatform"}: false, {"CustomerWhereInput", "status"}: false,
		{"AddressWhereInput", "streets"}: false, {"CategoryWhereInput", "name"}: false,
		{"OrganizationWhereInput", "legalName"}: false, {"OrganizationWhereInput", "registrationNumber"}: false,
		{"OrganizationWhereInput", "email"}: false, {"OrganizationWhereInput", "phone"}: false,
	} {
		if got := isPersonalDataFilter(key[0], key[1]); got != want {
			t.Errorf("isPersonalDataFilter(%s, %q) = %v, want %v", key[0], key[1], got, want)
		}
	}
}

// Every order field value names a field of its type by entgql's
// convention (NAME → name), so that an ordering on a @personalData field
// is known as one; and the customer's NAME is the one such ordering today.
func TestPersonalDataOrders(t *testing.T) {
	s := NewExecutableSchema(Config{}).Schema()
	orders := orderFieldsOf(s)
	if len(orders) == 0 {
		t.Fatal("no order field enum in the schema")
	}
	for typ, fields := range orders {
		for value, f := range fields {
			if f == nil {
				t.Errorf("%sOrderField.%s names no field of %s (want %s)", typ, value, typ, orderFieldName(value))
			}
		}
	}
	customers := s.Query.Fields.ForName("customers")
	for field, want := range map[string]bool{"NAME": true, "CREATED_AT": false, "UPDATED_AT": false} {
		if got := isPersonalDataOrder(customers, field); got != want {
			t.Errorf("isPersonalDataOrder(customers, %s) = %v, want %v", field, got, want)
		}
	}
	if isPersonalDataOrder(s.Query.Fields.ForName("categories"), "NAME") {
		t.Error("ordering categories by NAME is refused as personal data")
	}
}
