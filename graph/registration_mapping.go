package graph

import (
	"context"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/employee"
	"onboard/ent/representative"
	"onboard/ent/role"
	"onboard/ent/user"
	"onboard/graph/model"
	"onboard/internal/registration"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// This file builds the registration payloads. The inputs need no mapping:
// gqlgen binds them to internal/registration's structs (gqlgen.yml).

type originKey struct{}

// WithOrigin stores what the HTTP layer knows of a request's origin, for
// the registration resolvers to pass on (see origin).
func WithOrigin(ctx context.Context, o registration.Origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

// origin is the request's origin as WithOrigin stored it (the zero Origin
// when there is none), with the token's subject.
func origin(ctx context.Context) registration.Origin {
	o, _ := ctx.Value(originKey{}).(registration.Origin)
	if v := viewer.FromContext(ctx); v != nil {
		o.Subject = v.Subject
	}
	return o
}

// registrationPayload is FinHub's response shape over a registration
// result, its customer loaded with what the selection reads.
func (r *Resolver) registrationPayload(ctx context.Context, res *registration.Result) (*model.RegisterIndividualPayload, error) {
	c, err := r.payloadCustomer(ctx, res.Customer.ID)
	if err != nil {
		return nil, err
	}
	out := &model.RegisterIndividualPayload{
		ID:               res.Customer.ID,
		Status:           model.RegistrationStatusRegistrationComplete,
		User:             res.User,
		Customer:         c,
		IdempotentReplay: res.Replay,
	}
	if res.User != nil {
		// A customer registered without a login has none (null).
		out.UserID = &res.User.ID
	}
	if res.Person != nil {
		out.PersonID = res.Person.ID
	}
	return out, nil
}

// organizationPayload is FinHub's organization response shape over a
// registration result: the organization's people in FinHub's lists, and
// the customer, each loaded with what the selection reads.
func (r *Resolver) organizationPayload(ctx context.Context, res *registration.Result) (*model.RegisterOrganizationPayload, error) {
	out := &model.RegisterOrganizationPayload{
		ID:               res.Customer.ID,
		OrganizationID:   res.Organization.ID,
		TenantID:         res.Customer.TenantID,
		Message:          organizationRegisteredMessage,
		Email:            res.User.Email,
		Status:           model.RegistrationStatusRegistrationComplete,
		User:             res.User,
		IdempotentReplay: res.Replay,
	}
	var err error
	if out.TenantKey, err = r.tenantKey(ctx, res.Customer.TenantID); err != nil {
		return nil, err
	}
	orgID := res.Organization.ID
	if out.Directors, err = loadList(ctx, "directors", directors(r.Client, orgID)); err != nil {
		return nil, err
	}
	if out.Shareholders, err = loadList(ctx, "shareholders", shareholders(r.Client, orgID)); err != nil {
		return nil, err
	}
	if out.Employees, err = loadList(ctx, "employees", employees(r.Client, orgID)); err != nil {
		return nil, err
	}
	if out.AdminEmployees, err = loadList(ctx, "adminEmployees", admins(r.Client, orgID)); err != nil {
		return nil, err
	}
	out.Customer, err = r.payloadCustomer(ctx, res.Customer.ID)
	return out, err
}

// organizationRegisteredMessage is FinHub's message of an organization
// registration's answer.
const organizationRegisteredMessage = "Organization registered successfully"

// tenantKey is the key of the tenant tenantID the request acts in: the
// X-Tenant-ID the viewer was resolved from, or, for a viewer that carries
// its tenant without the header (an API key), the tenant's own.
func (r *Resolver) tenantKey(ctx context.Context, tenantID string) (string, error) {
	if v := viewer.FromContext(ctx); v != nil && v.TenantKey != "" {
		return v.TenantKey, nil
	}
	t, err := r.Client.Tenant.Get(ctx, tenantID)
	if err != nil {
		return "", err
	}
	return t.Key, nil
}

// addLoginPayload is addCustomerLogin's answer, its customer and user
// loaded with what the selection reads.
// The user is read again, as the one written belongs to the committed
// transaction.
func (r *Resolver) addLoginPayload(ctx context.Context, customerID, userID string) (*model.AddCustomerLoginPayload, error) {
	c, err := r.payloadCustomer(ctx, customerID)
	if err != nil {
		return nil, err
	}
	u, err := loadOne(ctx, "user", r.Client.User.Query().Where(user.ID(userID)))
	if err != nil {
		return nil, err
	}
	return &model.AddCustomerLoginPayload{Customer: c, User: u}, nil
}

// payloadCustomer loads the customer a registration payload names with
// what its selection reads.
func (r *Resolver) payloadCustomer(ctx context.Context, id string) (*ent.Customer, error) {
	return loadOne(ctx, "customer", r.Client.Customer.Query().Where(customer.ID(id)))
}

// nonNil makes an empty list [] rather than null in the response.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// The lists of FinHub's organization response, each a query so that the
// caller eager-loads what it shows, oldest first. They are the read side
// of what registration writes, so they live with the payload.

// directors selects the organization's representatives in a director's or
// officer's position (see registration.IsDirector).
func directors(client *ent.Client, organizationID string) *ent.RepresentativeQuery {
	positions := make([]representative.Position, len(schematype.DirectorPositions))
	for i, p := range schematype.DirectorPositions {
		positions[i] = representative.Position(p)
	}
	return client.Representative.Query().
		Where(representative.OrganizationID(organizationID), representative.PositionIn(positions...)).
		Order(representative.ByCreatedAt(), representative.ByID())
}

// shareholders selects the organization's representatives holding a
// share (see registration.IsShareholder).
func shareholders(client *ent.Client, organizationID string) *ent.RepresentativeQuery {
	return client.Representative.Query().
		Where(representative.OrganizationID(organizationID), representative.OwnershipShareGT(0)).
		Order(representative.ByCreatedAt(), representative.ByID())
}

// employees selects every employee of the organization, the admin
// included.
func employees(client *ent.Client, organizationID string) *ent.EmployeeQuery {
	return client.Employee.Query().
		Where(employee.OrganizationID(organizationID)).
		Order(employee.ByCreatedAt(), employee.ByID())
}

// admins selects the organization's employees holding
// registration.AdminRole.
func admins(client *ent.Client, organizationID string) *ent.EmployeeQuery {
	return employees(client, organizationID).Where(employee.HasRolesWith(role.Code(registration.AdminRole)))
}
