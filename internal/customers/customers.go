// Package customers is the read side's domain: the customer filters that
// the generated where-inputs do not give, and the dashboard aggregates.
package customers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"onboard/ent/category"
	"onboard/ent/customer"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/ent/predicate"
	"onboard/ent/user"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
	"onboard/internal/viewer"
)

// InCountry keeps the customers whose primary address (the person's for an
// individual, the organization's for an organization) is in country, an
// ISO code or a country name as registrations accept it. It reads the
// customer's own copy of that country (schema/customer.go), which the
// index (tenant_id, country, status) serves. An unknown country is a
// problem on field.
func InCountry(field apperr.Path, country string) (predicate.Customer, error) {
	code, err := countryCode(field, country)
	if err != nil {
		return nil, err
	}
	return customer.Country(code), nil
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
		return nil, apperr.Invalid(field, vocab.ReasonTooMany, fmt.Sprintf("at most %d tags", MaxTags))
	}
	each := make([]predicate.Customer, len(tags))
	for i, tag := range tags {
		each[i] = func(s *sql.Selector) {
			s.Where(sqljson.ValueContains(s.C(customer.FieldTags), tag))
		}
	}
	return customer.And(each...), nil
}

// Matching keeps the customers of the viewer's tenant (ctx) in which text
// appears, ignoring case: in the customer's name, the login e-mail, the
// person's names and e-mail, or the organization's legal name, trading
// name and e-mail. Blank text keeps all; without a tenant nothing matches
// (the privacy rules refuse such a query anyway).
//
// On PostgreSQL it is `id IN (… UNION …)`, one branch a table, each
// `ILIKE` served by a trigram index (schema/search.go) and bounded to the
// tenant: an OR across EXISTS over four tables would scan every customer.
// SQLite, which has no such index, keeps the EXISTS form.
func Matching(ctx context.Context, text string) predicate.Customer {
	var tenantID string
	if v := viewer.FromContext(ctx); v != nil {
		tenantID = v.TenantID
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return customer.And()
	}
	portable := customer.Or(
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
	return func(s *sql.Selector) {
		if s.Dialect() != dialect.Postgres {
			portable(s)
			return
		}
		// branch selects the customer ids that table's columns match in.
		branch := func(table, customerColumn string, columns ...string) *sql.Selector {
			t := sql.Table(table)
			matches := make([]*sql.Predicate, len(columns))
			for i, c := range columns {
				matches[i] = sql.ContainsFold(t.C(c), text)
			}
			return sql.Select(t.C(customerColumn)).From(t).Where(sql.And(
				sql.EQ(t.C(customer.FieldTenantID), tenantID),
				sql.NotNull(t.C(customerColumn)),
				sql.Or(matches...),
			))
		}
		ids := branch(customer.Table, customer.FieldID, customer.FieldName).
			Union(branch(user.Table, customer.UserColumn, user.FieldEmail)).
			Union(branch(person.Table, customer.PersonColumn, person.FieldFirstName, person.FieldLastName, person.FieldEmail)).
			Union(branch(organization.Table, customer.OrganizationColumn,
				organization.FieldLegalName, organization.FieldTradingName, organization.FieldEmail))
		s.Where(sql.In(s.C(customer.FieldID), ids))
	}
}
