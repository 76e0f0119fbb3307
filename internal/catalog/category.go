package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/category"
	"onboard/ent/featurerelation"
	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/pulid"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// CategoryFeature attaches a feature to a category with default values.
type CategoryFeature struct {
	Feature         FeatureRef
	Enabled         bool
	Parametrization []schematype.Parameter
}

// CategoryInput is what createCategory takes.
type CategoryInput struct {
	Code         string
	ExternalID   *string
	Name         string
	Description  *string
	CustomerType schematype.CustomerType
	RiskLevel    category.RiskLevel
	IsActive     bool
	ParentID     *string
	IsDefault    bool
	Features     []CategoryFeature
	// Policy is what the category's customers need (none when nil).
	Policy *schematype.OnboardingPolicy
}

// CreateCategory creates a category with its feature relations. Becoming
// the default of its customer type takes the flag from the previous default
// (see lockCatalog for why concurrent defaults end with the last one).
func CreateCategory(ctx context.Context, client *ent.Client, in CategoryInput) (*ent.Category, error) {
	var problems apperr.List
	code := checkCode(&problems, apperr.Path{"code"}, in.Code)
	name := RequiredText(&problems, apperr.Path{"name"}, in.Name, 200)
	externalID := OptionalText(&problems, apperr.Path{"externalId"}, in.ExternalID, 255)
	description := optionalDescription(&problems, apperr.Path{"description"}, in.Description, 2000)
	if in.IsDefault && !in.IsActive {
		problems.Invalid(apperr.Path{"isDefault"}, vocab.ReasonInactiveDefault, "an inactive category cannot be the default")
	}
	// A new category cannot close a cycle, and categories and features are
	// never deleted, so the parent and the features are checked before the
	// lock.
	parent := checkParent(ctx, client, &problems, in.ParentID, in.CustomerType, "")
	relations := resolveRelations(ctx, client, &problems, apperr.Path{"features"}, in.Features)
	policy := CheckPolicy(&problems, apperr.Path{"policy"}, in.CustomerType, in.Policy)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	var c *ent.Category
	err := WithTx(ctx, client, func(tx *ent.Tx) error {
		if err := LockTenant(ctx, tx); err != nil {
			return err
		}
		if in.IsDefault {
			if err := clearDefault(ctx, tx.Client(), in.CustomerType, ""); err != nil {
				return err
			}
		}
		create := tx.Category.Create().
			SetCode(code).
			SetNillableExternalID(externalID).
			SetName(name).
			SetNillableDescription(description).
			SetCustomerType(in.CustomerType).
			SetRiskLevel(in.RiskLevel).
			SetIsActive(in.IsActive).
			SetIsDefault(in.IsDefault)
		if policy != nil {
			create.SetPolicy(*policy)
		}
		if parent != nil {
			create.SetParentID(parent.ID)
		}
		var err error
		if c, err = create.Save(ctx); err != nil {
			return err
		}
		return createRelations(ctx, tx.Client(), c.ID, relations)
	})
	if err != nil {
		return nil, categoryError(err)
	}
	// Rebind the entity from the finished transaction to the client, so its
	// edges can still be loaded.
	return c.Unwrap(), nil
}

// CategoryUpdate is what updateCategory takes; nil fields stay as they are.
type CategoryUpdate struct {
	ID          string
	Name        *string
	Description *string
	RiskLevel   *category.RiskLevel
	IsActive    *bool
	ParentID    *string
	ClearParent bool
	IsDefault   *bool
	Features    []CategoryFeature
	// ReplaceFeatures is true when Features was given (even empty).
	ReplaceFeatures bool
	// Policy, when not nil, replaces the category's onboarding policy.
	Policy *schematype.OnboardingPolicy
}

// UpdateCategory changes a category. Customers keep the features applied
// at their registration: only future registrations see the change. A
// policy is not copied to customers: their requirements are computed from
// the category's policy at each read, so a new one applies to them at once.
//
// The rules that depend on what is stored (an inactive category is not the
// default, the hierarchy has no cycle) are checked under the catalog's
// lock against the category as it is then, and only the fields the update
// names are written: a concurrent update is built upon, never undone.
func UpdateCategory(ctx context.Context, client *ent.Client, in CategoryUpdate) (*ent.Category, error) {
	if !pulid.Valid(in.ID, "cat") {
		// Not an id this API made (NUL included, which PostgreSQL refuses
		// with an error): no such category, before any SQL.
		return nil, apperr.NotFoundf(apperr.Path{"id"}, "no category with this id")
	}
	var c *ent.Category
	err := WithTx(ctx, client, func(tx *ent.Tx) error {
		if err := LockTenant(ctx, tx); err != nil {
			return err
		}
		current, err := tx.Category.Get(ctx, in.ID)
		if err != nil {
			if ent.IsNotFound(err) {
				return apperr.NotFoundf(apperr.Path{"id"}, "no category with this id")
			}
			return err
		}
		var problems apperr.List
		var name *string
		if in.Name != nil {
			n := RequiredText(&problems, apperr.Path{"name"}, *in.Name, 200)
			name = &n
		}
		description := optionalDescription(&problems, apperr.Path{"description"}, in.Description, 2000)
		active := current.IsActive
		if in.IsActive != nil {
			active = *in.IsActive
		}
		isDefault := current.IsDefault
		if in.IsDefault != nil {
			isDefault = *in.IsDefault
		}
		if isDefault && !active {
			problems.Invalid(apperr.Path{"isDefault"}, vocab.ReasonInactiveDefault, "an inactive category cannot be the default")
		}
		parent := checkParent(ctx, tx.Client(), &problems, in.ParentID, current.CustomerType, current.ID)
		relations := resolveRelations(ctx, tx.Client(), &problems, apperr.Path{"features"}, in.Features)
		policy := CheckPolicy(&problems, apperr.Path{"policy"}, current.CustomerType, in.Policy)
		if err := problems.Err(); err != nil {
			return err
		}
		if isDefault && !current.IsDefault {
			if err := clearDefault(ctx, tx.Client(), current.CustomerType, current.ID); err != nil {
				return err
			}
		}
		update := tx.Category.UpdateOneID(current.ID).
			SetNillableName(name).
			SetNillableDescription(description).
			SetNillableRiskLevel(in.RiskLevel).
			SetNillableIsActive(in.IsActive).
			SetNillableIsDefault(in.IsDefault)
		if policy != nil {
			update.SetPolicy(*policy)
		}
		switch {
		case parent != nil:
			update.SetParentID(parent.ID)
		case in.ClearParent:
			update.ClearParent()
		}
		if c, err = update.Save(ctx); err != nil {
			return err
		}
		if !in.ReplaceFeatures {
			return nil
		}
		if _, err := tx.FeatureRelation.Delete().Where(featurerelation.CategoryID(c.ID)).Exec(ctx); err != nil {
			return err
		}
		return createRelations(ctx, tx.Client(), c.ID, relations)
	})
	if err != nil {
		return nil, categoryError(err)
	}
	// Rebind the entity from the finished transaction to the client, so its
	// edges can still be loaded.
	return c.Unwrap(), nil
}

// LockTenant serializes the changes to the viewer's tenant's catalog (its
// categories here, its consent documents' versions in internal/onboarding):
// it takes the tenant's row FOR NO KEY UPDATE until the transaction ends.
// That lock conflicts only with itself (and with changes to the tenant),
// not with the FOR KEY SHARE locks that inserting a tenant-owned row takes,
// so registrations go on meanwhile. On SQLite transactions already run one
// at a time (BEGIN IMMEDIATE), and SQLite has no row locks.
//
// Serialized, concurrent changes of the default end as they would one
// after the other: the last one wins and exactly one default remains. That
// is the documented contract ("the previous default of that type stops
// being the default"), and every such request is legitimate, so none is
// refused. The partial unique index CategoryOneDefaultIndex keeps the rule
// for any writer that does not take this lock: its second default fails
// with CONFLICT DEFAULT_CATEGORY_EXISTS (see categoryError).
func LockTenant(ctx context.Context, tx *ent.Tx) error {
	v := viewer.FromContext(ctx)
	if v == nil || v.TenantID == "" {
		return privacy.Denyf("no tenant in context")
	}
	q := tx.Tenant.Query().Where(tenant.ID(v.TenantID)).Unique(false)
	q.Modify(func(s *sql.Selector) {
		if s.Dialect() == dialect.Postgres {
			s.For(sql.LockNoKeyUpdate)
		}
	})
	_, err := q.Only(ctx)
	return err
}

// categoryError maps a failed category write to the API's errors: the
// one-default index (on tenant_id, customer_type) to CONFLICT
// DEFAULT_CATEGORY_EXISTS on isDefault, the other unique indexes (code,
// externalId) to CONFLICT ALREADY_EXISTS on their field.
func categoryError(err error) error {
	if col, ok := apperr.UniqueViolation(err); ok && col == category.FieldCustomerType {
		return &apperr.Error{Code: apperr.Conflict, Field: apperr.Path{"isDefault"}, Reason: vocab.ReasonDefaultCategoryExists,
			Message: "another category of this customer type became the default meanwhile; retry"}
	}
	return apperr.FromData(err, nil)
}

// checkParent resolves parentID to a category of the same customer type
// that is not self and does not descend from self (no cycles). Changing a
// parent must call it under the catalog's lock, so that two updates cannot
// each close half of a cycle.
func checkParent(ctx context.Context, client *ent.Client, problems *apperr.List, parentID *string, t schematype.CustomerType, self string) *ent.Category {
	if parentID == nil || *parentID == "" {
		return nil
	}
	path := apperr.Path{"parentId"}
	parent, err := lookUp(ctx, *parentID, func(ctx context.Context) (*ent.Category, error) {
		return client.Category.Get(ctx, *parentID)
	})
	if err != nil {
		problems.Add(apperr.FromLookup(err, path, "no category with this id"))
		return nil
	}
	if parent.CustomerType != t {
		problems.Invalid(path, vocab.ReasonCustomerTypeMismatch, "the parent category is for another customer type")
		return nil
	}
	// The walk stops at a category seen before too, so that a cycle
	// stored by an older version cannot keep it going.
	seen := map[string]bool{}
	for ancestor := parent; ancestor != nil; {
		if ancestor.ID == self || seen[ancestor.ID] {
			problems.Invalid(path, vocab.ReasonCycle, "a category cannot descend from itself")
			return nil
		}
		seen[ancestor.ID] = true
		if ancestor.ParentID == nil {
			break
		}
		if ancestor, err = client.Category.Get(ctx, *ancestor.ParentID); err != nil {
			break
		}
	}
	return parent
}

type resolvedRelation struct {
	feature *ent.Feature
	in      CategoryFeature
}

// resolveRelations finds each feature and checks the default values
// against its parameter definitions.
func resolveRelations(ctx context.Context, client *ent.Client, problems *apperr.List, path apperr.Path, in []CategoryFeature) []resolvedRelation {
	out := make([]resolvedRelation, 0, len(in))
	seen := map[string]bool{}
	for i, cf := range in {
		p := path.With(i)
		f, perr := ResolveFeature(ctx, client, p, cf.Feature)
		if perr != nil {
			// The input names the parts featureId / featureCode.
			perr.Field = renameLast(perr.Field, map[string]string{"id": "featureId", "code": "featureCode"})
			problems.Add(perr)
			continue
		}
		if seen[f.ID] {
			problems.Invalid(p, vocab.ReasonDuplicate, "the feature "+f.Code+" is attached twice")
			continue
		}
		seen[f.ID] = true
		names := map[string]bool{}
		for j, param := range cf.Parametrization {
			pp := p.With("parametrization", j)
			def, ok := Definition(f.Parameters, param.Name)
			switch {
			case !ok:
				problems.Invalid(pp.With("name"), vocab.ReasonUnknownParameter, "feature "+f.Code+" has no parameter of this name")
			case names[param.Name]:
				problems.Invalid(pp.With("name"), vocab.ReasonDuplicate, "parameter "+param.Name+" is given twice")
			default:
				if reason, msg := CheckValue(def, param.Value); reason != "" {
					problems.Invalid(pp.With("value"), reason, msg)
				}
			}
			names[param.Name] = true
		}
		out = append(out, resolvedRelation{feature: f, in: cf})
	}
	return out
}

func renameLast(p apperr.Path, names map[string]string) apperr.Path {
	if len(p) == 0 {
		return p
	}
	if s, ok := p[len(p)-1].(string); ok && names[s] != "" {
		return p[:len(p)-1].With(names[s])
	}
	return p
}

func createRelations(ctx context.Context, client *ent.Client, categoryID string, relations []resolvedRelation) error {
	if len(relations) == 0 {
		return nil
	}
	builders := make([]*ent.FeatureRelationCreate, len(relations))
	for i, r := range relations {
		builders[i] = client.FeatureRelation.Create().
			SetCategoryID(categoryID).
			SetFeatureID(r.feature.ID).
			SetEnabled(r.in.Enabled).
			SetParametrization(r.in.Parametrization)
	}
	return client.FeatureRelation.CreateBulk(builders...).Exec(ctx)
}

// clearDefault removes the default flag from the categories of a customer
// type other than except.
func clearDefault(ctx context.Context, client *ent.Client, t schematype.CustomerType, except string) error {
	return client.Category.Update().
		Where(category.CustomerTypeEQ(t), category.IsDefault(true), category.IDNEQ(except)).
		SetIsDefault(false).
		Exec(ctx)
}

// MaxPolicyRequirements bounds a policy's requirements: a few dozen
// verifications, documents and consents already make a long onboarding.
const MaxPolicyRequirements = 50

// CheckPolicy validates a category's onboarding policy for customers of
// type t, reporting every problem at once on path: each requirement's
// kind and due must be known; a VERIFICATION names a verification kind
// that applies to t (BUSINESS and BENEFICIAL_OWNER are an organization's);
// a DOCUMENT an identity document type; a CONSENT a well-formed consent
// code (its document may be published later: until then the requirement
// is listed as UNPUBLISHED); no requirement twice. It returns the policy
// to store (codes trimmed, dues defaulted to BEFORE_ACTIVATION), or nil
// when p is nil.
func CheckPolicy(problems *apperr.List, path apperr.Path, t schematype.CustomerType, p *schematype.OnboardingPolicy) *schematype.OnboardingPolicy {
	if p == nil {
		return nil
	}
	out := &schematype.OnboardingPolicy{FullOwnershipDisclosure: p.FullOwnershipDisclosure,
		Requirements: make([]schematype.PolicyRequirement, 0, len(p.Requirements))}
	if p.FullOwnershipDisclosure && t != schematype.CustomerTypeOrganization {
		problems.Invalid(path.With("fullOwnershipDisclosure"), vocab.ReasonCustomerTypeMismatch,
			"full ownership disclosure applies to organizations only")
	}
	if len(p.Requirements) > MaxPolicyRequirements {
		problems.Invalid(path.With("requirements"), vocab.ReasonTooMany,
			fmt.Sprintf("a policy has at most %d requirements", MaxPolicyRequirements))
		return out
	}
	seen := map[[2]string]bool{}
	for i, r := range p.Requirements {
		rp := path.With("requirements", i)
		due := r.Due
		if due == "" {
			due = schematype.DueBeforeActivation
		}
		if !slices.Contains(schematype.RequirementDues, due) {
			problems.Invalid(rp.With("due"), vocab.ReasonInvalidValue,
				"due is one of "+strings.Join(schematype.RequirementDues, ", "))
		}
		code := strings.TrimSpace(r.Code)
		switch r.Kind {
		case schematype.RequirementVerification:
			switch {
			case !slices.Contains(schematype.VerificationKinds, code):
				problems.Invalid(rp.With("code"), vocab.ReasonInvalidValue,
					"a verification requirement names a kind: "+strings.Join(schematype.VerificationKinds, ", "))
			case t != schematype.CustomerTypeOrganization && (code == "BUSINESS" || code == "BENEFICIAL_OWNER"):
				problems.Invalid(rp.With("code"), vocab.ReasonCustomerTypeMismatch,
					"a "+code+" verification applies to organizations only")
			}
		case schematype.RequirementDocument:
			if !slices.Contains(schematype.IdentityDocumentTypes, code) {
				problems.Invalid(rp.With("code"), vocab.ReasonInvalidValue,
					"a document requirement names an identity document type: "+strings.Join(schematype.IdentityDocumentTypes, ", "))
			}
		case schematype.RequirementConsent:
			code = checkCode(problems, rp.With("code"), code)
		default:
			problems.Invalid(rp.With("kind"), vocab.ReasonInvalidValue,
				"kind is one of "+strings.Join(schematype.RequirementKinds, ", "))
		}
		key := [2]string{r.Kind, code}
		if seen[key] {
			problems.Invalid(rp, vocab.ReasonDuplicate, "the requirement "+r.Kind+" "+code+" is given twice")
		}
		seen[key] = true
		out.Requirements = append(out.Requirements, schematype.PolicyRequirement{Kind: r.Kind, Code: code, Due: due})
	}
	return out
}
