package graph

import (
	"context"

	"onboard/ent"
	"onboard/ent/organization"
	"onboard/ent/representative"
	"onboard/graph/model"
	"onboard/internal/apperr"
)

// This file builds the payloads of the organization management mutations.

// representativePayload is a changed representative with its organization.
// The representative is read again with what the selection reads (its
// person in the same read, not one query per field): a removal that
// commits between the change and this read leaves no representative, or
// one whose person is gone, and either answers NOT_FOUND on id, as a
// change that found its object removed does.
func (r *Resolver) representativePayload(ctx context.Context, rep *ent.Representative) (*model.RepresentativePayload, error) {
	loaded, err := loadOne(ctx, "representative", r.Client.Representative.Query().Where(representative.ID(rep.ID)))
	if err == nil && loaded != nil {
		_, err = loaded.Edges.PersonOrErr() // not selected: not loaded, which is fine
		if ent.IsNotLoaded(err) {
			err = nil
		}
	}
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf(apperr.Path{"id"}, "no representative with this id")
	}
	if err != nil {
		return nil, err
	}
	org, err := r.payloadOrganization(ctx, rep.OrganizationID)
	if err != nil {
		return nil, err
	}
	return &model.RepresentativePayload{Representative: loaded, Organization: org}, nil
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
