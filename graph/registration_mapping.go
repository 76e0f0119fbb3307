package graph

import (
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
	}
	for _, a := range deref(in.Addresses) {
		out.Addresses = append(out.Addresses, registration.AddressInput{
			Type: a.Type, Street: val(a.Street), Line2: a.Line2, City: val(a.City), State: a.State,
			PostalCode: a.PostalCode, Country: val(a.Country), IsPrimary: val(a.IsPrimary),
		})
	}
	for _, c := range deref(in.Contacts) {
		out.Contacts = append(out.Contacts, registration.ContactInput{
			Type: val(c.Type), Value: val(c.Value), IsPrimary: val(c.IsPrimary),
		})
	}
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
	out := &registration.Categorization{CategoryRef: registration.CategoryRef{ID: in.ID, Code: in.Code, Name: in.Name}}
	for _, r := range deref(in.CategoryFeatureRelations) {
		rel := registration.RelationInput{Enabled: r.Enabled, Parametrization: deref(r.Parametrization)}
		if r.Feature != nil {
			rel.FeatureID, rel.FeatureCode = r.Feature.ID, r.Feature.Code
		}
		out.Relations = append(out.Relations, rel)
	}
	return out
}

// registrationPayload is FinHub's response shape over a registration result.
func registrationPayload(res *registration.Result) *model.RegisterIndividualPayload {
	out := &model.RegisterIndividualPayload{
		ID:               res.Customer.ID,
		UserID:           res.User.ID,
		Status:           model.RegistrationStatusRegistrationComplete,
		User:             res.User,
		Customer:         res.Customer,
		IdempotentReplay: res.Replay,
	}
	if res.Person != nil {
		out.PersonID = res.Person.ID
	}
	return out
}

// val is the value *p points to, or the zero value for nil.
func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
