package graph

import (
	"context"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/graph/model"
	"onboard/internal/registration"
)

// This file builds the registration payloads. The inputs need no mapping:
// gqlgen binds them to internal/registration's structs (gqlgen.yml).

// registrationPayload is FinHub's response shape over a registration
// result, its customer loaded with what the selection reads.
func (r *Resolver) registrationPayload(ctx context.Context, res *registration.Result) (*model.RegisterIndividualPayload, error) {
	c, err := r.payloadCustomer(ctx, res.Customer.ID)
	if err != nil {
		return nil, err
	}
	out := &model.RegisterIndividualPayload{
		ID:               res.Customer.ID,
		UserID:           res.User.ID,
		Status:           model.RegistrationStatusRegistrationComplete,
		User:             res.User,
		Customer:         c,
		IdempotentReplay: res.Replay,
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
		Email:            res.User.Email,
		Status:           model.RegistrationStatusRegistrationComplete,
		User:             res.User,
		IdempotentReplay: res.Replay,
	}
	orgID := res.Organization.ID
	var err error
	if out.Directors, err = loadList(ctx, "directors", registration.Directors(r.Client, orgID)); err != nil {
		return nil, err
	}
	if out.Shareholders, err = loadList(ctx, "shareholders", registration.Shareholders(r.Client, orgID)); err != nil {
		return nil, err
	}
	if out.Employees, err = loadList(ctx, "employees", registration.Employees(r.Client, orgID)); err != nil {
		return nil, err
	}
	if out.AdminEmployees, err = loadList(ctx, "adminEmployees", registration.Admins(r.Client, orgID)); err != nil {
		return nil, err
	}
	out.Customer, err = r.payloadCustomer(ctx, res.Customer.ID)
	return out, err
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
