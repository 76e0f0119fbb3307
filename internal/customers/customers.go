// Package customers is the read side's domain: the customer filters that
// the generated where-inputs do not give, and the dashboard aggregates.
package customers

import (
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"onboard/ent/address"
	"onboard/ent/category"
	"onboard/ent/customer"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/ent/predicate"
	"onboard/ent/user"
	"onboard/internal/apperr"
	"onboard/internal/values"
)

// InCountry keeps the customers whose primary address (the person's for an
// individual, the organization's for an organization) is in country, an
// ISO code or a country name as registrations accept it. An unknown
// country is a problem on field.
func InCountry(field apperr.Path, country string) (predicate.Customer, error) {
	code, err := countryCode(field, country)
	if err != nil {
		return nil, err
	}
	primary := []predicate.Address{address.IsPrimary(true), address.Country(code)}
	return customer.Or(
		customer.HasPersonWith(person.HasAddressesWith(primary...)),
		customer.HasOrganizationWith(organization.HasAddressesWith(primary...)),
	), nil
}

// OfNationality keeps the individuals of nationality (ISO code or name).
func OfNationality(field apperr.Path, nationality string) (predicate.Customer, error) {
	code, err := countryCode(field, nationality)
	if err != nil {
		return nil, err
	}
	return customer.HasPersonWith(person.Nationality(code)), nil
}

// countryCode reads a country as registrations accept it; an unknown one
// is a problem on field.
func countryCode(field apperr.Path, s string) (string, error) {
	code, err := values.ParseCountry(s)
	if err != nil {
		return "", apperr.Invalid(field, values.ReasonUnknownCountry, "unknown country")
	}
	return code, nil
}

// InCategory keeps the customers of the category that ref names by id,
// code or external id.
func InCategory(ref string) predicate.Customer {
	ref = strings.TrimSpace(ref)
	return customer.HasCategoryWith(category.Or(category.ID(ref), category.Code(ref), category.ExternalID(ref)))
}

// MaxTags is how many tags a customer carries at most (maxTags in
// internal/registration), hence how many a filter may name.
const MaxTags = 50

// Tagged keeps the customers that carry every one of tags; more than
// MaxTags distinct tags is a problem on field (no customer could match,
// and each tag is one more condition for the database).
func Tagged(field apperr.Path, tags []string) (predicate.Customer, error) {
	slices.Sort(tags)
	tags = slices.Compact(tags)
	if len(tags) > MaxTags {
		return nil, apperr.Invalid(field, "TOO_MANY", fmt.Sprintf("at most %d tags", MaxTags))
	}
	each := make([]predicate.Customer, len(tags))
	for i, tag := range tags {
		each[i] = func(s *sql.Selector) {
			s.Where(sqljson.ValueContains(s.C(customer.FieldTags), tag))
		}
	}
	return customer.And(each...), nil
}

// Matching keeps the customers in which text appears, ignoring case: in
// the customer's name, the login e-mail, the person's names and e-mail, or
// the organization's legal name, trading name and e-mail. Blank text
// keeps all.
func Matching(text string) predicate.Customer {
	text = strings.TrimSpace(text)
	if text == "" {
		return customer.And()
	}
	return customer.Or(
		customer.NameContainsFold(text),
		customer.HasUserWith(user.EmailContainsFold(text)),
		customer.HasPersonWith(person.Or(
			person.FirstNameContainsFold(text),
			person.LastNameContainsFold(text),
			person.EmailContainsFold(text),
		)),
		customer.HasOrganizationWith(organization.Or(
			organization.LegalNameContainsFold(text),
			organization.TradingNameContainsFold(text),
			organization.EmailContainsFold(text),
		)),
	)
}
