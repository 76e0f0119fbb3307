package onboarding

import (
	"context"
	"encoding/json"
	"time"

	"onboard/ent"
	"onboard/ent/consent"
	"onboard/ent/customer"
	"onboard/ent/customerevent"
	"onboard/ent/customerfeature"
	"onboard/ent/verification"
	"onboard/internal/apperr"
	"onboard/internal/viewer"
)

// ExportFormat names the shape of Export's document, so that a reader can
// tell it from a later one.
const ExportFormat = "onboard.personal-data-export/v1"

// Export is everything held about one customer (GDPR article 15), as
// exportPersonalData answers it. Each part is the ent entity as stored,
// with its JSON tags (snake_case field names, its loaded edges under
// "edges"), so that the document follows the schema field for field;
// sensitive fields (a password hash, a verification's subject digest) are
// left out by ent itself. Lists are in id order, that is in the order
// they were recorded; a part that does not apply is null.
type Export struct {
	Format     string    `json:"format"`
	ExportedAt time.Time `json:"exportedAt"`
	// Customer is the customer's own record.
	Customer *ent.Customer `json:"customer"`
	// Person is an individual's person with its addresses, contacts and
	// identity documents.
	Person *ent.Person `json:"person"`
	// Organization is an organization's record with its addresses,
	// contacts, representatives and employees, each with its person (and
	// the person's addresses, contacts and documents) and an employee's
	// login user and roles.
	Organization *ent.Organization `json:"organization"`
	// User is the customer's login user with its roles.
	User          *ent.User              `json:"user"`
	Features      []*ent.CustomerFeature `json:"features"`
	Verifications []*ent.Verification    `json:"verifications"`
	Consents      []*ent.Consent         `json:"consents"`
	// History is every event, oldest first, with its changes.
	History []*ent.CustomerEvent `json:"history"`
}

// MayExport reports whether the viewer may export a customer's data, which
// goes out in clear: a platform token needs customers:manage and pii:read
// (managing customers does not by itself entitle one to read their
// personal data). A customer session may not: the export holds its
// verification outcomes (sanctions, PEP) and the back office's decisions,
// which would tip it off (AML); a data subject's access request goes
// through the platform, which applies the AML exemptions.
func MayExport(ctx context.Context) error {
	v := viewer.FromContext(ctx)
	switch {
	case !v.Has(viewer.ScopeCustomersManage):
		return apperr.ForbiddenScope(viewer.ScopeCustomersManage)
	case !v.Has(viewer.ScopePIIRead):
		return apperr.ForbiddenScope(viewer.ScopePIIRead)
	}
	return nil
}

// Export gathers everything held about customerID, for a viewer MayExport
// allows; another tenant's customer is not found, as any.
func (s *Service) Export(ctx context.Context, customerID string) (*Export, error) {
	if err := MayExport(ctx); err != nil {
		return nil, err
	}
	c, err := customerOf(ctx, s.Client, customerID)
	if err != nil {
		return nil, err
	}
	out := &Export{Format: ExportFormat, ExportedAt: s.now(), Customer: c}
	withPersonal := func(q *ent.PersonQuery) { q.WithAddresses().WithContacts().WithIdentityDocuments() }
	out.Person, err = s.Client.Customer.QueryPerson(c).
		WithAddresses().WithContacts().WithIdentityDocuments().Only(ctx)
	if err = notFoundIsNone(err); err != nil {
		return nil, err
	}
	out.Organization, err = s.Client.Customer.QueryOrganization(c).
		WithAddresses().WithContacts().
		WithRepresentatives(func(q *ent.RepresentativeQuery) { q.WithPerson(withPersonal) }).
		WithEmployees(func(q *ent.EmployeeQuery) {
			q.WithPerson(withPersonal).WithUser(func(q *ent.UserQuery) { q.WithRoles() }).WithRoles()
		}).Only(ctx)
	if err = notFoundIsNone(err); err != nil {
		return nil, err
	}
	out.User, err = s.Client.Customer.QueryUser(c).WithRoles().Only(ctx)
	if err = notFoundIsNone(err); err != nil {
		return nil, err
	}
	if out.Features, err = s.Client.CustomerFeature.Query().
		Where(customerfeature.HasCustomerWith(customer.ID(c.ID))).Order(ent.Asc(customerfeature.FieldID)).All(ctx); err != nil {
		return nil, err
	}
	if out.Verifications, err = s.Client.Verification.Query().
		Where(verification.CustomerID(c.ID)).Order(ent.Asc(verification.FieldID)).All(ctx); err != nil {
		return nil, err
	}
	if out.Consents, err = s.Client.Consent.Query().
		Where(consent.CustomerID(c.ID)).Order(ent.Asc(consent.FieldID)).All(ctx); err != nil {
		return nil, err
	}
	if out.History, err = s.Client.CustomerEvent.Query().
		Where(customerevent.CustomerID(c.ID)).Order(ent.Asc(customerevent.FieldID)).All(ctx); err != nil {
		return nil, err
	}
	out.Features, out.Verifications = nonNil(out.Features), nonNil(out.Verifications)
	out.Consents, out.History = nonNil(out.Consents), nonNil(out.History)
	return out, nil
}

// nonNil makes an empty list [] in the document rather than null.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// JSON encodes the export as its document.
func (e *Export) JSON() (json.RawMessage, error) { return json.Marshal(e) }

// notFoundIsNone reads a missing optional part (an individual has no
// organization) as none.
func notFoundIsNone(err error) error {
	if ent.IsNotFound(err) {
		return nil
	}
	return err
}
