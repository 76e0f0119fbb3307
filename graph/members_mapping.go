package graph

import (
	"context"

	"onboard/ent"
	"onboard/ent/organization"
	"onboard/graph/model"
)

// This file builds the payloads of the organization management mutations.

// representativePayload is a changed representative with its organization.
func (r *Resolver) representativePayload(ctx context.Context, rep *ent.Representative) (*model.RepresentativePayload, error) {
	org, err := r.payloadOrganization(ctx, rep.OrganizationID)
	if err != nil {
		return nil, err
	}
	return &model.RepresentativePayload{Representative: rep, Organization: org}, nil
}

// employeePayload is a changed employee with its organization.
func (r *Resolver) employeePayload(ctx context.Context, emp *ent.Employee) (*model.EmployeePayload, error) {
	org, err := r.payloadOrganization(ctx, emp.OrganizationID)
	if err != nil {
		return nil, err
	}
	return &model.EmployeePayload{Employee: emp, Organization: org}, nil
}

// removeMemberPayload names a removed representative or employee and its
// organization.
func (r *Resolver) removeMemberPayload(ctx context.Context, removedID, organizationID string) (*model.RemoveMemberPayload, error) {
	org, err := r.payloadOrganization(ctx, organizationID)
	if err != nil {
		return nil, err
	}
	return &model.RemoveMemberPayload{RemovedID: removedID, Organization: org}, nil
}

// payloadOrganization loads the organization a payload names with the
// people and the rest its selection reads.
func (r *Resolver) payloadOrganization(ctx context.Context, id string) (*ent.Organization, error) {
	return loadOne(ctx, "organization", r.Client.Organization.Query().Where(organization.ID(id)))
}
