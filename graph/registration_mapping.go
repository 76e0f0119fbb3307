package graph

import (
	"context"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/graph/model"
	"onboard/internal/registration"
)

// This file maps the registration inputs to the domain's; see mapping.go.

func individualInput(in model.RegisterIndividualInput) registration.IndividualInput {
	out := registration.IndividualInput{
		FirstName:         in.FirstName,
		LastName:          in.LastName,
		Email:             val(in.Email),
		Phone:             in.Phone,
		Password:          val(in.Password),
		MatchingPassword:  val(in.MatchingPassword),
		RoleIDs:           in.RoleIds,
		CustomerCategory:  categoryRef(in.CustomerCategory),
		ExternalReference: in.ExternalReference,
		Tags:              in.Tags,
	}
	if c := in.IndividualCustomer; c != nil {
		out.Customer = &registration.IndividualCustomer{
			CustomerName:   c.CustomerName,
			Person:         personInput(c.Person),
			User:           userInput(c.User),
			Categorization: categorization(c.Categorization),
		}
	}
	return out
}

func organizationInput(in model.RegisterOrganizationInput) registration.OrganizationInput {
	out := registration.OrganizationInput{
		Email:            val(in.Email),
		Password:         val(in.Password),
		MatchingPassword: val(in.MatchingPassword),
		RoleIDs:          in.RoleIds,
		CustomerCategory: categoryRef(in.CustomerCategory),
		OrganizationID:   in.OrganizationID,
		Tags:             in.Tags,
	}
	c := in.OrganizationCustomer
	if c == nil {
		return out
	}
	out.Customer = &registration.OrganizationCustomer{
		CustomerName:   c.CustomerName,
		Organization:   organizationDetails(c.Organization),
		User:           userInput(c.User),
		Categorization: categorization(c.Categorization),
	}
	for _, e := range deref(c.Employees) {
		out.Customer.Employees = append(out.Customer.Employees, *employeeInput(&e))
	}
	return out
}

func organizationDetails(in *model.OrganizationInput) *registration.OrganizationDetails {
	if in == nil {
		return nil
	}
	out := &registration.OrganizationDetails{
		LegalName: val(in.LegalName), TradingName: in.TradingName, RegistrationNumber: val(in.RegistrationNumber),
		TaxID: in.TaxID, IncorporationDate: in.IncorporationDate, LegalForm: in.LegalForm, Industry: in.Industry,
		BusinessType: in.BusinessType, BusinessDescription: in.BusinessDescription, Website: in.Website,
		Email: in.Email, Phone: in.Phone, Addresses: addressInputs(in.Addresses), Contacts: contactInputs(in.Contacts),
	}
	for _, r := range deref(in.Representatives) {
		out.Representatives = append(out.Representatives, *representativeInput(&r))
	}
	return out
}

func representativeInput(r *model.RepresentativeInput) *registration.RepresentativeInput {
	if r == nil {
		return nil
	}
	return &registration.RepresentativeInput{
		FirstName: val(r.FirstName), MiddleName: r.MiddleName, LastName: val(r.LastName), Position: r.Position,
		Email: r.Email, Phone: r.Phone, DateOfBirth: r.DateOfBirth, Nationality: r.Nationality, Gender: r.Gender,
		IsPrimaryOwner: r.IsPrimaryOwner, OwnershipShare: r.OwnershipShare,
	}
}

func employeeInput(e *model.EmployeeInput) *registration.EmployeeInput {
	if e == nil {
		return nil
	}
	out := &registration.EmployeeInput{
		Person: personInput(e.Person), Role: e.Role, Roles: e.Roles, Department: e.Department,
		Addresses: addressInputs(e.Addresses),
	}
	for _, t := range deref(e.TelephoneNumbers) {
		out.TelephoneNumbers = append(out.TelephoneNumbers, registration.TelephoneInput{
			Number: val(t.Number), Country: t.Country, PhoneType: t.PhoneType,
			Operator: t.Operator, Purpose: t.Purpose, IsPrimary: val(t.IsPrimary),
		})
	}
	return out
}

func representativeChange(in model.UpdateRepresentativeInput) registration.RepresentativeChange {
	return registration.RepresentativeChange{
		FirstName: in.FirstName, MiddleName: in.MiddleName, LastName: in.LastName, Position: in.Position,
		Email: in.Email, Phone: in.Phone, DateOfBirth: in.DateOfBirth, Nationality: in.Nationality,
		Gender: in.Gender, IsPrimaryOwner: in.IsPrimaryOwner, OwnershipShare: in.OwnershipShare,
	}
}

func addressInputs(in []*model.AddressInput) []registration.AddressInput {
	var out []registration.AddressInput
	for _, a := range deref(in) {
		out = append(out, registration.AddressInput{
			Type: a.Type, Street: val(a.Street), Line2: a.Line2, City: val(a.City), State: a.State,
			PostalCode: a.PostalCode, Country: val(a.Country), IsPrimary: val(a.IsPrimary),
		})
	}
	return out
}

func contactInputs(in []*model.ContactInput) []registration.ContactInput {
	var out []registration.ContactInput
	for _, c := range deref(in) {
		out = append(out, registration.ContactInput{Type: val(c.Type), Value: val(c.Value), IsPrimary: val(c.IsPrimary)})
	}
	return out
}

func categoryRef(in *model.CategoryReferenceInput) *registration.CategoryRef {
	if in == nil {
		return nil
	}
	return &registration.CategoryRef{ID: in.ID, Code: in.Code, Name: in.Name}
}

func personInput(in *model.PersonInput) *registration.PersonInput {
	if in == nil {
		return nil
	}
	out := &registration.PersonInput{
		FirstName:    val(in.FirstName),
		MiddleName:   in.MiddleName,
		LastName:     val(in.LastName),
		Email:        in.Email,
		DateOfBirth:  in.DateOfBirth,
		Gender:       in.Gender,
		Nationality:  in.Nationality,
		PlaceOfBirth: in.PlaceOfBirth,
		FullName:     in.FullName,
	}
	out.Addresses = addressInputs(in.Addresses)
	out.Contacts = contactInputs(in.Contacts)
	for _, d := range deref(in.IdentityDocuments) {
		out.IdentityDocuments = append(out.IdentityDocuments, registration.DocumentInput{
			Type: val(d.Type), Number: val(d.Number), IssuingCountry: d.IssuingCountry,
		})
	}
	return out
}

func userInput(in *model.RegistrationUserInput) *registration.UserInput {
	if in == nil {
		return nil
	}
	return &registration.UserInput{
		Username:               in.Username,
		Email:                  in.Email,
		Password:               in.Password,
		Status:                 in.Status,
		Roles:                  in.Roles,
		IsActive:               in.IsActive,
		RequiresPasswordChange: in.RequiresPasswordChange,
		TwoFactorEnabled:       in.TwoFactorEnabled,
	}
}

func categorization(in *model.CategorizationInput) *registration.Categorization {
	if in == nil {
		return nil
	}
	out := &registration.Categorization{CategoryRef: registration.CategoryRef{ID: in.ID, Code: in.Code, Name: in.Name},
		Description: in.Description}
	for _, r := range deref(in.CategoryFeatureRelations) {
		rel := registration.RelationInput{Enabled: r.Enabled, Parametrization: deref(r.Parametrization)}
		if r.Feature != nil {
			rel.FeatureID, rel.FeatureCode = r.Feature.ID, r.Feature.Code
		}
		out.Relations = append(out.Relations, rel)
	}
	return out
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

// val is the value *p points to, or the zero value for nil.
func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
