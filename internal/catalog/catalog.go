// Package catalog holds the rules of a tenant's catalog: tenants and their
// standard roles, roles, features with their parameter definitions, and
// categories with the default parametrization of their features.
package catalog

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"onboard/ent"
	"onboard/ent/category"
	"onboard/ent/feature"
	"onboard/ent/featurerelation"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// StandardRoles are created with every tenant. NotSelfAssignable marks
// the powers a registrant must not grant itself (Role.self_assignable
// false): administering the organization and approving transactions are
// granted by the tenant's back office (customers:manage).
var StandardRoles = []struct {
	Code, Name        string
	NotSelfAssignable bool
}{
	{"ACCOUNT_OWNER", "Account owner", false},
	{"USER", "User", false},
	{"ADMIN", "Administrator", false},
	{"ADMIN_USER", "Organization administrator", true},
	{"EMPLOYEE", "Employee", false},
	{"TRANSACTION_APPROVER", "Transaction approver", true},
}

var (
	tenantKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	codePattern      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,99}$`)
)

// ValidTenantKey reports whether key is one CreateTenant could have made:
// a request naming any other X-Tenant-ID names no tenant, which is known
// without asking the database (PostgreSQL fails on a NUL in it).
func ValidTenantKey(key string) bool { return tenantKeyPattern.MatchString(key) }

// TenantInput is what createTenant takes: the tenant's key and name, and
// settings other than the defaults.
type TenantInput struct {
	Key, Name string
	Settings  TenantSettings
}

// CreateTenant creates a tenant and its standard roles in one transaction.
func CreateTenant(ctx context.Context, client *ent.Client, in TenantInput) (*ent.Tenant, error) {
	if !viewer.FromContext(ctx).Operator() {
		return nil, apperr.New(apperr.Forbidden, vocab.ReasonNotPlatformOperator, "only tokens granting every tenant (\"*\") create tenants")
	}
	var problems apperr.List
	key := strings.TrimSpace(in.Key)
	if !ValidTenantKey(key) {
		problems.Invalid(apperr.Path{"key"}, vocab.ReasonInvalidFormat, "key must be 1 to 64 letters, digits, '.', '_' or '-'")
	}
	name := RequiredText(&problems, apperr.Path{"name"}, in.Name, 200)
	settings := in.Settings.checked(&problems, nil)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	var t *ent.Tenant
	err := WithTx(ctx, client, func(tx *ent.Tx) error {
		create := tx.Tenant.Create().SetKey(key).SetName(name)
		settings.apply(create.Mutation())
		var err error
		t, err = create.Save(ctx)
		if err != nil {
			return err
		}
		return createStandardRoles(viewer.ForTenant(ctx, t.ID), tx.Client())
	})
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	return t.Unwrap(), nil
}

func createStandardRoles(ctx context.Context, client *ent.Client) error {
	builders := make([]*ent.RoleCreate, len(StandardRoles))
	for i, r := range StandardRoles {
		builders[i] = client.Role.Create().SetCode(r.Code).SetName(r.Name).SetSelfAssignable(!r.NotSelfAssignable)
	}
	return client.Role.CreateBulk(builders...).OnConflictColumns("tenant_id", "code").DoNothing().Exec(ctx)
}

// RoleInput is what createRole takes.
type RoleInput struct{ Code, Name string }

// CreateRole creates a role in the viewer's tenant.
func CreateRole(ctx context.Context, client *ent.Client, in RoleInput) (*ent.Role, error) {
	var problems apperr.List
	code := checkCode(&problems, apperr.Path{"code"}, in.Code)
	name := RequiredText(&problems, apperr.Path{"name"}, in.Name, 200)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	r, err := client.Role.Create().SetCode(code).SetName(name).Save(ctx)
	return r, apperr.FromData(err, nil)
}

// FeatureInput is what createFeature takes.
type FeatureInput struct {
	Code        string
	ExternalID  *string
	Name        string
	Description *string
	Parameters  []schematype.ParameterDefinition
}

// CreateFeature creates a feature after checking its parameter definitions.
func CreateFeature(ctx context.Context, client *ent.Client, in FeatureInput) (*ent.Feature, error) {
	var problems apperr.List
	code := checkCode(&problems, apperr.Path{"code"}, in.Code)
	name := RequiredText(&problems, apperr.Path{"name"}, in.Name, 200)
	externalID := OptionalText(&problems, apperr.Path{"externalId"}, in.ExternalID, 255)
	description := optionalDescription(&problems, apperr.Path{"description"}, in.Description, 2000)
	params := checkDefinitions(&problems, apperr.Path{"parameters"}, in.Parameters)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	f, err := client.Feature.Create().
		SetCode(code).
		SetNillableExternalID(externalID).
		SetName(name).
		SetNillableDescription(description).
		SetParameters(params).
		Save(ctx)
	return f, apperr.FromData(err, nil)
}

// checkDefinitions validates parameter definitions: unique names, ranges
// that make sense, allowed and default values of the parameter's type.
func checkDefinitions(problems *apperr.List, path apperr.Path, defs []schematype.ParameterDefinition) []schematype.ParameterDefinition {
	seen := map[string]bool{}
	out := make([]schematype.ParameterDefinition, 0, len(defs))
	for i, d := range defs {
		p := path.With(i)
		d.Name = RequiredText(problems, p.With("name"), d.Name, 100)
		if d.Name != "" && seen[d.Name] {
			problems.Invalid(p.With("name"), vocab.ReasonDuplicate, "parameter "+d.Name+" is defined twice")
		}
		seen[d.Name] = true
		if desc := optionalDescription(problems, p.With("description"), &d.Description, 2000); desc != nil {
			d.Description = *desc
		} else {
			d.Description = ""
		}
		if d.Min != nil && d.Max != nil && *d.Min > *d.Max {
			problems.Invalid(p.With("min"), vocab.ReasonInvalidRange, "min is greater than max")
		}
		if (d.Min != nil || d.Max != nil) && d.Type != schematype.ParameterTypeInteger && d.Type != schematype.ParameterTypeDecimal {
			problems.Invalid(p.With("min"), vocab.ReasonInvalidRange, "only INTEGER and DECIMAL parameters take a range")
		}
		// Only the allowed values that pass are kept, so that the default
		// value's check never repeats a refused one in its message.
		unrestricted := d
		unrestricted.AllowedValues = nil
		allowed := d.AllowedValues[:0:0]
		for j, v := range d.AllowedValues {
			if reason, msg := CheckValue(unrestricted, v); reason != "" {
				problems.Invalid(p.With("allowedValues", j), reason, msg)
				continue
			}
			allowed = append(allowed, v)
		}
		if d.AllowedValues != nil {
			d.AllowedValues = allowed
		}
		if d.DefaultValue != nil {
			if reason, msg := CheckValue(d, *d.DefaultValue); reason != "" {
				problems.Invalid(p.With("defaultValue"), reason, msg)
			}
		}
		out = append(out, d)
	}
	return out
}

// WithTx runs fn in a transaction, committing when it returns nil and
// rolling back otherwise (also on panic).
func WithTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) (err error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return err
	}
	return tx.Commit()
}

// FeatureRef names a feature by id (node id or external id) and/or code.
type FeatureRef struct {
	ID   *string
	Code *string
}

// ResolveFeature finds the feature a reference names. When both parts are
// given they must name the same feature. Problems are reported on path.
func ResolveFeature(ctx context.Context, client *ent.Client, path apperr.Path, ref FeatureRef) (*ent.Feature, *apperr.Error) {
	var byID, byCode *ent.Feature
	if ref.ID != nil && *ref.ID != "" {
		f, err := lookUp(ctx, *ref.ID, client.Feature.Query().
			Where(feature.Or(feature.ID(*ref.ID), feature.ExternalID(*ref.ID))).
			First)
		if err != nil {
			return nil, apperr.FromLookup(err, path.With("id"), "no feature with this id")
		}
		byID = f
	}
	if ref.Code != nil && *ref.Code != "" {
		f, err := lookUp(ctx, *ref.Code, client.Feature.Query().Where(feature.Code(*ref.Code)).First)
		if err != nil {
			return nil, apperr.FromLookup(err, path.With("code"), "no feature with this code")
		}
		byCode = f
	}
	switch {
	case byID != nil && byCode != nil && byID.ID != byCode.ID:
		return nil, apperr.Invalid(path, vocab.ReasonReferenceMismatch, "id and code name different features")
	case byID != nil:
		return byID, nil
	case byCode != nil:
		return byCode, nil
	}
	return nil, apperr.Invalid(path, vocab.ReasonRequired, "name the feature by id or code")
}

// lookUp runs query for a reference the client sent as value, unless value
// could not be stored at all: PostgreSQL refuses a NUL in a text parameter
// with an error (22021) where SQLite finds nothing, so such a value names
// nothing on either, without a query (ent's not found, which FromLookup
// makes NOT_FOUND).
func lookUp[T any](ctx context.Context, value string, query func(context.Context) (T, error)) (T, error) {
	if strings.IndexByte(value, 0) >= 0 || !utf8.ValidString(value) {
		var none T
		return none, &ent.NotFoundError{}
	}
	return query(ctx)
}

// CategoryRef names a category by id (node id or external id) and/or by
// code or name.
type CategoryRef struct {
	ID   *string
	Code *string
	Name *string
}

// ResolveCategory finds the category a reference names; when several parts
// are given they must name the same category. A name that several
// categories share is AMBIGUOUS_REFERENCE.
func ResolveCategory(ctx context.Context, client *ent.Client, path apperr.Path, ref CategoryRef) (*ent.Category, *apperr.Error) {
	type part struct {
		field string
		value *string
		where func(string) *ent.CategoryQuery
	}
	parts := []part{
		{"id", ref.ID, func(v string) *ent.CategoryQuery {
			return client.Category.Query().Where(category.Or(category.ID(v), category.ExternalID(v)))
		}},
		{"code", ref.Code, func(v string) *ent.CategoryQuery { return client.Category.Query().Where(category.Code(v)) }},
		{"name", ref.Name, func(v string) *ent.CategoryQuery {
			return client.Category.Query().Where(category.Or(category.Name(v), category.Code(v)))
		}},
	}
	var found *ent.Category
	for _, p := range parts {
		if p.value == nil || strings.TrimSpace(*p.value) == "" {
			continue
		}
		// Names need not be unique, so a name may match several.
		value := strings.TrimSpace(*p.value)
		matches, err := lookUp(ctx, value, p.where(value).Limit(2).All)
		if err != nil {
			return nil, apperr.FromLookup(err, path.With(p.field), "no category with this "+p.field)
		}
		if len(matches) == 0 {
			return nil, apperr.NotFoundf(path.With(p.field), "no category with this %s", p.field)
		}
		if len(matches) > 1 {
			return nil, apperr.Invalid(path.With(p.field), vocab.ReasonAmbiguousReference,
				fmt.Sprintf("several categories have the %s %q; name the category by id or code", p.field, *p.value))
		}
		c := matches[0]
		if found != nil && found.ID != c.ID {
			return nil, apperr.Invalid(path.With(p.field), vocab.ReasonReferenceMismatch, "the reference's parts name different categories")
		}
		found = c
	}
	if found == nil {
		return nil, apperr.Invalid(path, vocab.ReasonRequired, "name the category by id, code or name")
	}
	return found, nil
}

// DefaultCategory returns the tenant's default category for a customer
// type, or nil when it has none.
func DefaultCategory(ctx context.Context, client *ent.Client, t schematype.CustomerType) (*ent.Category, error) {
	c, err := client.Category.Query().
		Where(category.CustomerTypeEQ(t), category.IsDefault(true), category.IsActive(true)).
		First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return c, err
}

// Relations loads the feature relations of a category with their features.
func Relations(ctx context.Context, client *ent.Client, categoryID string) ([]*ent.FeatureRelation, error) {
	return client.FeatureRelation.Query().
		Where(featurerelation.CategoryID(categoryID)).
		WithFeature().
		All(ctx)
}
