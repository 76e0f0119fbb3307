package compat

import (
	"context"
	"strings"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/identitydocument"
	"onboard/ent/person"
	"onboard/graph"
	"onboard/internal/apperr"
	"onboard/internal/registration"
	"onboard/internal/values"
	"onboard/internal/viewer"
)

// What the answers read back of a registration: the stored values, not
// the body's, so that an answer shows what was kept (normalized e-mail,
// E.164 phone, ISO codes). Personal data is masked as GraphQL masks it
// for a caller without pii:read.

// storedPerson is a registered individual's person with its primary
// address and documents, and the customer's possible duplicates: what
// every individual's answer shows.
type storedPerson struct {
	person     *ent.Person
	address    *ent.Address
	documents  []*ent.IdentityDocument
	duplicates []duplicate
}

func loadPerson(ctx context.Context, h *Handler, res *registration.Result) (*storedPerson, error) {
	if res.Person == nil {
		return nil, apperr.InternalError(nil)
	}
	p, err := h.Client.Person.Query().
		Where(person.ID(res.Person.ID)).
		WithAddresses(func(q *ent.AddressQuery) {
			q.Order(ent.Desc(address.FieldIsPrimary), ent.Asc(address.FieldCreatedAt), ent.Asc(address.FieldID))
		}).
		WithIdentityDocuments(func(q *ent.IdentityDocumentQuery) {
			q.Order(ent.Asc(identitydocument.FieldCreatedAt), ent.Asc(identitydocument.FieldID))
		}).
		Only(ctx)
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	out := &storedPerson{person: p, documents: p.Edges.IdentityDocuments}
	if len(p.Edges.Addresses) > 0 {
		out.address = p.Edges.Addresses[0]
	}
	if out.duplicates, err = possibleDuplicates(ctx, h, res.Customer.ID); err != nil {
		return nil, err
	}
	return out, nil
}

// pii is s as the viewer may read it (graph.MaskPersonalData).
func pii(ctx context.Context, s string) string { return graph.MaskPersonalData(ctx, s) }

// readsPII reports whether the viewer reads personal data whole.
func readsPII(ctx context.Context) bool { return viewer.FromContext(ctx).ReadsPersonalData() }

// place is an address's country and state in every form the systems
// answer, read as GraphQL's Address fields read them (internal/values).
type place struct {
	countryAlpha2, countryAlpha3, countryName string
	stateCode, stateCodeAlpha3, stateName     string
}

// describePlace describes the stored country (alpha-2) and state (ISO
// 3166-2 where known, else free text, given as the name).
func describePlace(alpha2, state string) place {
	out := place{countryAlpha2: alpha2, countryAlpha3: values.CountryAlpha3(alpha2), countryName: values.CountryName(alpha2),
		stateCode: values.StateCode(state), stateName: values.StateName(state)}
	// Cryptomate's form of a state code: the country's alpha-3 code as
	// its prefix ("ARG-B" for AR-B).
	if _, suffix, ok := strings.Cut(out.stateCode, "-"); ok && out.countryAlpha3 != "" {
		out.stateCodeAlpha3 = out.countryAlpha3 + "-" + suffix
	}
	return out
}

// duplicate is a possible duplicate the registration found (under the
// tenant's FLAG policy): the existing customer and the rule that matched.
type duplicate struct {
	CustomerID string `json:"customerId"`
	Rule       string `json:"rule"`
}

// possibleDuplicates are the customer's possible duplicates ([] for none).
// They name other customers, so, as in GraphQL (Customer.possibleDuplicates'
// @hasScope), only a caller that may read customers learns them: to a
// register-only client the list is always empty, or its answers would tell
// whether someone with a given name, birth date and document exists.
func possibleDuplicates(ctx context.Context, h *Handler, customerID string) ([]duplicate, error) {
	if !viewer.FromContext(ctx).Has(viewer.ScopeCustomersRead) {
		return []duplicate{}, nil
	}
	found, err := registration.PossibleDuplicates(ctx, h.Client, []string{customerID},
		func(q *ent.CustomerQuery) ([]*ent.Customer, error) { return q.All(ctx) })
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	out := []duplicate{}
	for _, d := range found[customerID] {
		out = append(out, duplicate{CustomerID: d.Customer.ID, Rule: string(d.Rule)})
	}
	return out, nil
}

// snakeDuplicates are duplicates in the snake_case systems' style.
func snakeDuplicates(ds []duplicate) []map[string]string {
	out := make([]map[string]string, len(ds))
	for i, d := range ds {
		out[i] = map[string]string{"customer_id": d.CustomerID, "rule": d.Rule}
	}
	return out
}
