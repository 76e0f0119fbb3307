package registration

import (
	"context"
	"fmt"
	"strings"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/schema/schematype"
)

// categoryRequest is the categorization part of a registration: the
// category named at the top level (customerCategory) and the one named,
// with parameter overrides, inside the customer (categorization).
type categoryRequest struct {
	Type       schematype.CustomerType
	Ref        *CategoryRef
	RefPath    apperr.Path
	Detail     *Categorization
	DetailPath apperr.Path
}

// AppliedFeature is a feature as frozen on a new customer.
type AppliedFeature struct {
	FeatureID  string
	Code       string
	Parameters []schematype.AppliedParameter
}

// categorization is the outcome of categorize.
type categorization struct {
	Category *ent.Category // nil when none was named and the tenant has no default
	Features []AppliedFeature
}

// categorize resolves the category of a registration and the features it
// applies (DESIGN §6). Problems with the input go to problems; the error is
// for failures of the database.
func categorize(ctx context.Context, client *ent.Client, req categoryRequest, problems *apperr.List) (categorization, error) {
	var out categorization
	if req.Detail != nil {
		// Not applied, but refused like any text when it is not text.
		var c checker
		c.multiline(req.DetailPath.With("description"), req.Detail.Description, schematype.MaxDescriptionLen)
		*problems = append(*problems, c.problems...)
	}
	cat, ok, err := namedCategory(ctx, client, req, problems)
	if err != nil || !ok {
		return out, err
	}
	if cat == nil {
		def, err := catalog.DefaultCategory(ctx, client, req.Type)
		if err != nil {
			return out, err
		}
		if def == nil {
			if req.Detail != nil && len(req.Detail.CategoryFeatureRelations) > 0 {
				problems.Invalid(req.DetailPath.With("categoryFeatureRelations"), vocab.ReasonNoCategory,
					"feature parameters were given but no category applies: name one")
			}
			if req.Detail != nil && len(req.Detail.Parametrization) > 0 {
				problems.Invalid(req.DetailPath.With("parametrization"), vocab.ReasonNoCategory,
					"category parameters were given but no category applies: name one")
			}
			return out, nil
		}
		cat = def
	}
	out.Category = cat
	relations, err := catalog.Relations(ctx, client, cat.ID)
	if err != nil {
		return out, err
	}
	overrides, err := requestOverrides(ctx, client, req, relations, problems)
	if err != nil {
		return out, err
	}
	shared := categoryParameters(req, relations, problems)
	for _, rel := range relations {
		if !rel.Enabled {
			continue
		}
		out.Features = append(out.Features, applyFeature(req, rel, overrides[rel.FeatureID], shared, problems))
	}
	return out, nil
}

// namedCategory resolves the category the request names, checking that the
// two places that may name it agree and that it fits the customer. It
// returns (nil, true) when no category is named and (nil, false) when the
// reference is wrong (the problem is recorded); the error is a look-up that
// failed (see lookupProblem).
func namedCategory(ctx context.Context, client *ent.Client, req categoryRequest, problems *apperr.List) (*ent.Category, bool, error) {
	type placedRef struct {
		ref  *CategoryRef
		path apperr.Path
	}
	var found *ent.Category
	var foundAt apperr.Path
	refs := []placedRef{{req.Ref, req.RefPath}}
	if req.Detail != nil {
		refs = append(refs, placedRef{&req.Detail.CategoryRef, req.DetailPath})
	}
	for _, r := range refs {
		if r.ref == nil || r.ref.empty() {
			continue
		}
		c, perr := catalog.ResolveCategory(ctx, client, r.path, catalog.CategoryRef{ID: r.ref.ID, Code: r.ref.Code, Name: r.ref.Name})
		if perr != nil {
			return nil, false, lookupProblem(perr, problems)
		}
		if found != nil && found.ID != c.ID {
			problems.Invalid(r.path, vocab.ReasonCategoryMismatch, "names another category than "+foundAt.String()+" does")
			return nil, false, nil
		}
		found, foundAt = c, r.path
	}
	if found == nil {
		return nil, true, nil
	}
	if found.CustomerType != req.Type {
		problems.Invalid(foundAt, vocab.ReasonCategoryTypeMismatch,
			fmt.Sprintf("category %s is for %s customers", found.Code, strings.ToLower(string(found.CustomerType))))
		return nil, false, nil
	}
	if !found.IsActive {
		problems.Invalid(foundAt, vocab.ReasonCategoryInactive, fmt.Sprintf("category %s is not active", found.Code))
		return nil, false, nil
	}
	return found, true, nil
}

// lookupProblem sorts the error of a catalog look-up (catalog.ResolveCategory,
// ResolveFeature): a reference that names nothing (NOT_FOUND) or is
// malformed (BAD_USER_INPUT) is a problem of the input, added to problems;
// any other (the database unavailable, or an internal error) is returned,
// to abort the registration: a reference that could not be looked up is
// not one the client should change.
func lookupProblem(perr *apperr.Error, problems *apperr.List) error {
	switch perr.Code {
	case apperr.NotFound, apperr.BadUserInput:
		problems.Add(perr)
		return nil
	}
	return perr
}

func (r *CategoryRef) empty() bool {
	return !nonBlank(r.ID) && !nonBlank(r.Code) && !nonBlank(r.Name)
}

// override is the request's parametrization of one feature.
type override struct {
	path   apperr.Path // of the categoryFeatureRelations element
	values map[string]string
}

// value is the request's value for a parameter.
func (o *override) value(name string) (string, bool) {
	if o == nil {
		return "", false
	}
	v, ok := o.values[name]
	return v, ok
}

// requestOverrides checks categoryFeatureRelations against the category's
// relations and the features' parameter definitions, and returns the valid
// values by feature id; the error is a look-up that failed (lookupProblem).
func requestOverrides(ctx context.Context, client *ent.Client, req categoryRequest, relations []*ent.FeatureRelation, problems *apperr.List) (map[string]*override, error) {
	out := map[string]*override{}
	if req.Detail == nil {
		return out, nil
	}
	for i, in := range req.Detail.CategoryFeatureRelations {
		path := req.DetailPath.With("categoryFeatureRelations", i)
		var ref catalog.FeatureRef
		if in.Feature != nil {
			ref = *in.Feature
		}
		f, perr := catalog.ResolveFeature(ctx, client, path.With("feature"), ref)
		if perr != nil {
			if err := lookupProblem(perr, problems); err != nil {
				return nil, err
			}
			continue
		}
		var rel *ent.FeatureRelation
		for _, r := range relations {
			if r.FeatureID == f.ID {
				rel = r
			}
		}
		switch {
		case rel == nil:
			problems.Invalid(path.With("feature"), vocab.ReasonFeatureNotInCategory,
				fmt.Sprintf("the category has no feature %s", f.Code))
			continue
		case out[f.ID] != nil:
			problems.Invalid(path.With("feature"), vocab.ReasonDuplicate, fmt.Sprintf("feature %s is named twice", f.Code))
			continue
		case !rel.Enabled:
			problems.Invalid(path.With("feature"), vocab.ReasonFeatureDisabled,
				fmt.Sprintf("feature %s is disabled in the category; it takes no parameters", f.Code))
			continue
		case in.Enabled != nil && !*in.Enabled:
			problems.Invalid(path.With("enabled"), vocab.ReasonFeatureStateMismatch,
				fmt.Sprintf("the category decides whether %s applies, and it does", f.Code))
		}
		o := &override{path: path, values: map[string]string{}}
		out[f.ID] = o
		named := map[string]bool{}
		for j, p := range in.Parametrization {
			pp := path.With("parametrization", j)
			text := &checker{}
			name := text.text(pp.With("name"), &p.Name, maxParameterNameLen)
			value := text.text(pp.With("value"), &p.Value, schematype.MaxParameterValueLen)
			if len(text.problems) > 0 {
				*problems = append(*problems, text.problems...)
				continue
			}
			def, known := catalog.Definition(f.Parameters, name)
			switch {
			case !known:
				problems.Invalid(pp.With("name"), vocab.ReasonUnknownParameter,
					fmt.Sprintf("feature %s has no parameter of this name", f.Code))
			case named[name]:
				problems.Invalid(pp.With("name"), vocab.ReasonDuplicate, fmt.Sprintf("parameter %s is given twice", name))
			default:
				named[name] = true
				if reason, msg := catalog.CheckValue(def, value); reason != "" {
					problems.Invalid(pp.With("value"), reason, msg)
					continue
				}
				o.values[name] = value
			}
		}
	}
	return out, nil
}

// applyFeature freezes one feature's parameters: the request's value for
// the feature, else the request's category-level value (shared), else the
// category's default, else, for an optional parameter, the feature's
// own default. A mandatory parameter needs a value from the request or the
// category (DESIGN §6); without one it is a problem on the request's
// relation, or on the list when the request did not name the feature.
func applyFeature(req categoryRequest, rel *ent.FeatureRelation, o *override, shared map[string]string, problems *apperr.List) AppliedFeature {
	f := rel.Edges.Feature
	applied := AppliedFeature{FeatureID: f.ID, Code: f.Code}
	for _, def := range f.Parameters {
		value, source := "", schematype.ParameterSource("")
		if v, ok := o.value(def.Name); ok {
			value, source = v, schematype.SourceRequest
		} else if v, ok := shared[def.Name]; ok {
			value, source = v, schematype.SourceRequest
		} else if v, ok := categoryDefault(rel, def); ok {
			value, source = v, schematype.SourceCategoryDefault
		} else if def.DefaultValue != nil && !def.Mandatory {
			value, source = *def.DefaultValue, schematype.SourceFeatureDefault
		}
		if source == "" {
			if def.Mandatory {
				path := req.DetailPath.With("categoryFeatureRelations")
				if o != nil {
					path = o.path.With("parametrization")
				}
				problems.Invalid(path, vocab.ReasonMissingParameter,
					fmt.Sprintf("feature %s needs a value for its parameter %s", f.Code, def.Name))
			}
			continue
		}
		applied.Parameters = append(applied.Parameters, schematype.AppliedParameter{Name: def.Name, Value: value, Source: source})
	}
	return applied
}

// categoryDefault is the category's value for a parameter, if it has one
// that the feature's current definition still accepts.
func categoryDefault(rel *ent.FeatureRelation, def schematype.ParameterDefinition) (string, bool) {
	for _, p := range rel.Parametrization {
		if p.Name == def.Name {
			reason, _ := catalog.CheckValue(def, p.Value)
			return p.Value, reason == ""
		}
	}
	return "", false
}

// categoryParameters checks categorization.parametrization, the request's
// category-level parameters (FinHub's), and returns the valid values by
// name. Each applies to every enabled feature of the category that defines
// a parameter of its name, so its value must suit each such definition; a
// name none of them defines is UNKNOWN_PARAMETER.
func categoryParameters(req categoryRequest, relations []*ent.FeatureRelation, problems *apperr.List) map[string]string {
	out := map[string]string{}
	if req.Detail == nil {
		return out
	}
	named := map[string]bool{}
	for j, p := range req.Detail.Parametrization {
		pp := req.DetailPath.With("parametrization", j)
		text := &checker{}
		name := text.text(pp.With("name"), &p.Name, 100)
		value := text.text(pp.With("value"), &p.Value, schematype.MaxParameterValueLen)
		if len(text.problems) > 0 {
			*problems = append(*problems, text.problems...)
			continue
		}
		if named[name] {
			problems.Invalid(pp.With("name"), vocab.ReasonDuplicate, fmt.Sprintf("parameter %s is given twice", name))
			continue
		}
		named[name] = true
		known, valid := false, true
		for _, rel := range relations {
			if !rel.Enabled {
				continue
			}
			def, ok := catalog.Definition(rel.Edges.Feature.Parameters, name)
			if !ok {
				continue
			}
			known = true
			if reason, msg := catalog.CheckValue(def, value); reason != "" && valid {
				problems.Invalid(pp.With("value"), reason, fmt.Sprintf("feature %s: %s", rel.Edges.Feature.Code, msg))
				valid = false
			}
		}
		switch {
		case !known:
			problems.Invalid(pp.With("name"), vocab.ReasonUnknownParameter, "no feature of the category has a parameter of this name")
		case valid:
			out[name] = value
		}
	}
	return out
}
