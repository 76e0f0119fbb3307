package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"onboard/ent"
	"onboard/ent/category"
	"onboard/ent/customer"
	"onboard/ent/identitydocument"
	"onboard/ent/representative"
	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// customerSpec describes a customer to seed directly in the database, for
// the read side's tests and benchmarks (registration is exercised by its
// own tests; seeding through it would spend seconds hashing passwords).
type customerSpec struct {
	Name string
	// Organization makes an organization customer (else an individual).
	Organization bool
	Status       customer.Status
	Tags         []string
	// Category is a category code of the tenant (or "").
	Category          string
	Country           string
	Nationality       string
	Email             string
	ExternalReference string
	// RegistrationNumber defaults to one derived from the name.
	RegistrationNumber string
	// Shares are the representatives' ownership shares (organizations).
	Shares    []float64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// seedCustomers writes specs in bulk (a few statements per batch of 500,
// whatever their number) and returns the customers' ids in order. Each
// individual gets a person with a primary address, a contact and an
// identity document; each organization gets a primary address, a tax id
// and its representatives, each a person with an address.
func seedCustomers(t testing.TB, ctx context.Context, client *ent.Client, specs []customerSpec) []string {
	t.Helper()
	categories := map[string]string{}
	for _, c := range client.Category.Query().AllX(ctx) {
		categories[c.Code] = c.ID
	}
	ids := make([]string, 0, len(specs))
	const batch = 500
	for start := 0; start < len(specs); start += batch {
		part := specs[start:min(start+batch, len(specs))]
		ids = append(ids, seedBatch(t, ctx, client, categories, part)...)
	}
	return ids
}

func seedBatch(t testing.TB, ctx context.Context, client *ent.Client, categories map[string]string, specs []customerSpec) []string {
	t.Helper()
	var (
		customers []*ent.CustomerCreate
		persons   []*ent.PersonCreate
		addresses []*ent.AddressCreate
		contacts  []*ent.ContactCreate
		documents []*ent.IdentityDocumentCreate
		orgs      []*ent.OrganizationCreate
		reps      []*ent.RepresentativeCreate
	)
	ids := make([]string, len(specs))
	now := time.Now().UTC().Truncate(time.Microsecond)
	dob := time.Date(1980, 5, 15, 0, 0, 0, 0, time.UTC)
	newPerson := func(first, last, email, nationality, country, owner string) string {
		id := pulid.New("per")
		p := client.Person.Create().SetID(id).SetFirstName(first).SetLastName(last).SetEmail(email).
			SetNationality(nationality).SetDateOfBirth(dob)
		if owner != "" {
			p.SetCustomerID(owner)
		}
		persons = append(persons, p)
		addresses = append(addresses, client.Address.Create().SetType("HOME").SetStreet("12 Sample Street").
			SetLine2("Flat 3456").SetCity("Sample City").SetCountry(country).SetIsPrimary(true).SetPersonID(id))
		return id
	}
	for i, s := range specs {
		ids[i] = pulid.New("cus")
		typ := schematype.CustomerTypeIndividual
		if s.Organization {
			typ = schematype.CustomerTypeOrganization
		}
		created, updated := s.CreatedAt, s.UpdatedAt
		if created.IsZero() {
			created = now
		}
		if updated.IsZero() {
			updated = created
		}
		c := client.Customer.Create().SetID(ids[i]).SetType(typ).SetName(s.Name).
			SetCreatedAt(created).SetUpdatedAt(updated).
			SetCountry(s.Country) // as registration copies its primary address's
		if s.Status != "" {
			c.SetStatus(s.Status)
		}
		if len(s.Tags) > 0 {
			c.SetTags(s.Tags)
		}
		if s.Category != "" {
			id, ok := categories[s.Category]
			if !ok {
				t.Fatalf("no category %s", s.Category)
			}
			c.SetCategoryID(id)
		}
		if s.ExternalReference != "" {
			c.SetExternalReference(s.ExternalReference)
		}
		customers = append(customers, c)
		email := s.Email
		if email == "" {
			email = fmt.Sprintf("customer%s@example.com", ids[i][len(ids[i])-8:])
		}
		if !s.Organization {
			pid := newPerson(s.Name, "Sample", email, s.Nationality, s.Country, ids[i])
			contacts = append(contacts, client.Contact.Create().SetType("EMAIL").SetValue(email).
				SetIsPrimary(true).SetPersonID(pid))
			documents = append(documents, client.IdentityDocument.Create().SetType(identitydocument.TypePASSPORT).
				SetNumber("P"+ids[i][len(ids[i])-10:]).SetIssuingCountry(s.Country).SetPersonID(pid))
			continue
		}
		orgID := pulid.New("org")
		reg := s.RegistrationNumber
		if reg == "" {
			reg = "REG-" + ids[i]
		}
		orgs = append(orgs, client.Organization.Create().SetID(orgID).SetLegalName(s.Name).
			SetRegistrationNumber(reg).SetTaxID("TAX"+ids[i][len(ids[i])-8:]).SetEmail(email).SetCustomerID(ids[i]))
		addresses = append(addresses, client.Address.Create().SetType("REGISTERED_OFFICE").SetStreet("1 Office Road").
			SetCity("Sample City").SetCountry(s.Country).SetIsPrimary(true).SetOrganizationID(orgID))
		for j, share := range s.Shares {
			pid := newPerson(fmt.Sprintf("Rep%d", j), s.Name, fmt.Sprintf("rep%d.%s", j, email), s.Country, s.Country, "")
			reps = append(reps, client.Representative.Create().SetOrganizationID(orgID).SetPersonID(pid).
				SetPosition(representative.PositionDIRECTOR).SetOwnershipShare(share).
				SetIsBeneficialOwner(share >= 25).SetIsPrimaryOwner(j == 0 && share > 0))
		}
	}
	client.Customer.CreateBulk(customers...).ExecX(ctx)
	client.Organization.CreateBulk(orgs...).ExecX(ctx)
	client.Person.CreateBulk(persons...).ExecX(ctx)
	client.Address.CreateBulk(addresses...).ExecX(ctx)
	client.Contact.CreateBulk(contacts...).ExecX(ctx)
	client.IdentityDocument.CreateBulk(documents...).ExecX(ctx)
	client.Representative.CreateBulk(reps...).ExecX(ctx)
	return ids
}

// categoryID is the id of the tenant's category code.
func categoryID(t testing.TB, ctx context.Context, client *ent.Client, code string) string {
	t.Helper()
	return client.Category.Query().Where(category.Code(code)).OnlyIDX(ctx)
}
