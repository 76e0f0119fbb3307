package graph

import (
	"onboard/ent/category"
	"onboard/graph/model"
	"onboard/internal/catalog"
	"onboard/schema/schematype"
)

// This file maps GraphQL inputs to domain inputs. It lives outside the
// *.resolvers.go files because gqlgen rewrites those.

func categoryInput(in model.CreateCategoryInput) catalog.CategoryInput {
	risk := category.RiskLevelMEDIUM
	if in.RiskLevel != nil {
		risk = *in.RiskLevel
	}
	return catalog.CategoryInput{
		Code:         in.Code,
		ExternalID:   in.ExternalID,
		Name:         in.Name,
		Description:  in.Description,
		CustomerType: in.CustomerType,
		RiskLevel:    risk,
		IsActive:     in.IsActive == nil || *in.IsActive,
		ParentID:     in.ParentID,
		IsDefault:    in.IsDefault != nil && *in.IsDefault,
		Features:     categoryFeatures(in.Features),
		Policy:       onboardingPolicy(in.Policy),
	}
}

func categoryUpdate(in model.UpdateCategoryInput) catalog.CategoryUpdate {
	return catalog.CategoryUpdate{
		ID:              in.ID,
		Name:            in.Name,
		Description:     in.Description,
		RiskLevel:       in.RiskLevel,
		IsActive:        in.IsActive,
		ParentID:        in.ParentID,
		ClearParent:     in.ClearParent != nil && *in.ClearParent,
		IsDefault:       in.IsDefault,
		Features:        categoryFeatures(in.Features),
		ReplaceFeatures: in.Features != nil,
		Policy:          onboardingPolicy(in.Policy),
	}
}

// onboardingPolicy is a policy input as catalog.CheckPolicy takes it; nil
// stays nil (no policy given).
func onboardingPolicy(in *model.OnboardingPolicyInput) *schematype.OnboardingPolicy {
	if in == nil {
		return nil
	}
	p := &schematype.OnboardingPolicy{FullOwnershipDisclosure: in.FullOwnershipDisclosure != nil && *in.FullOwnershipDisclosure}
	for _, r := range in.Requirements {
		due := schematype.DueBeforeActivation
		if r.Due != nil {
			due = *r.Due
		}
		p.Requirements = append(p.Requirements, schematype.PolicyRequirement{Kind: r.Kind, Code: r.Code, Due: due})
	}
	return p
}

func categoryFeatures(in []*model.CategoryFeatureInput) []catalog.CategoryFeature {
	out := make([]catalog.CategoryFeature, len(in))
	for i, f := range in {
		out[i] = catalog.CategoryFeature{
			Feature:         catalog.FeatureRef{ID: f.FeatureID, Code: f.FeatureCode},
			Enabled:         f.Enabled == nil || *f.Enabled,
			Parametrization: deref(f.Parametrization),
		}
	}
	return out
}

func featureInput(in model.CreateFeatureInput) catalog.FeatureInput {
	return catalog.FeatureInput{
		Code:        in.Code,
		ExternalID:  in.ExternalID,
		Name:        in.Name,
		Description: in.Description,
		Parameters:  deref(in.Parameters),
	}
}

// deref copies a list of pointers (as gqlgen builds input lists) into values.
func deref[T any](in []*T) []T {
	out := make([]T, 0, len(in))
	for _, p := range in {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}
