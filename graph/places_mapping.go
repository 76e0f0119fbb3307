package graph

import (
	"slices"

	"onboard/ent/contact"
	"onboard/graph/model"
	"onboard/internal/values"
)

// The read side of addresses and phones (graph/places.graphqls): each
// field is computed from the loaded row by internal/values, with no query.

// nonEmpty is s, or nil for "" (a field the row has no value for).
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// phoneNumberOf is a stored E.164 phone split, or nil without one.
func phoneNumberOf(e164 string) *model.PhoneNumber {
	parts, ok := values.SplitPhone(e164)
	if !ok {
		return nil
	}
	return &model.PhoneNumber{E164: parts.E164, CountryCallingCode: parts.CountryCallingCode,
		NationalNumber: parts.NationalNumber, RegionCode: nonEmpty(parts.RegionCode)}
}

// phoneContactTypes are the contact types whose value is a phone number.
var phoneContactTypes = []contact.Type{contact.TypePHONE, contact.TypeMOBILE, contact.TypeFAX}

// contactPhoneNumber is a phone contact's value split, nil for a contact
// of another type.
func contactPhoneNumber(t contact.Type, value string) *model.PhoneNumber {
	if !slices.Contains(phoneContactTypes, t) {
		return nil
	}
	return phoneNumberOf(value)
}
