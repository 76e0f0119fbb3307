package graph

import (
	"context"

	"onboard/ent"
	"onboard/graph/model"
)

// This file builds the payloads of the organization management mutations.

// representativePayload is a changed representative with its organization.
func (r *Resolver) representativePayload(ctx context.Context, rep *ent.Representative) (*model.RepresentativePayload, error) {
	org, err := r.Client.Organization.Get(ctx, rep.OrganizationID)
	if err != nil {
		return nil, err
	}
	return &model.RepresentativePayload{Representative: rep, Organization: org}, nil
}

// employeePayload is a changed employee with its organization.
func (r *Resolver) employeePayload(ctx context.Context, emp *ent.Employee) (*model.EmployeePayload, error) {
	org, err := r.Client.Organization.Get(ctx, emp.OrganizationID)
	if err != nil {
		return nil, err
	}
	return &model.EmployeePayload{Employee: emp, Organization: org}, nil
}

// removeMemberPayload names a removed representative or employee and its
// organization.
func (r *Resolver) removeMemberPayload(ctx context.Context, removedID, organizationID string) (*model.RemoveMemberPayload, error) {
	org, err := r.Client.Organization.Get(ctx, organizationID)
	if err != nil {
		return nil, err
	}
	return &model.RemoveMemberPayload{RemovedID: removedID, Organization: org}, nil
}
