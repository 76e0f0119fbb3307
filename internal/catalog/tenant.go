package catalog

import (
	"context"
	"errors"
	"strconv"

	"onboard/ent"
	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
	"onboard/internal/viewer"
)

// TenantSettings are a tenant's settings to set; a nil field is left as
// it is.
type TenantSettings struct {
	// MinimumAge is the youngest age at which an individual may register
	// (0 to MaxMinimumAge; 0 checks nothing).
	MinimumAge *int
	// DefaultCountry is a country as ParseCountry reads it, stored as
	// alpha-2; "" (or blanks) clears it.
	DefaultCountry *string
	// DuplicatePolicy is FLAG or REJECT.
	DuplicatePolicy *tenant.DuplicatePolicy
}

// MaxMinimumAge bounds a tenant's minimum age, as the tenant column does.
const MaxMinimumAge = 150

// checked is the settings checked, each problem on its field's path under
// path; the default country comes back normalized ("" to clear).
func (in TenantSettings) checked(problems *apperr.List, path apperr.Path) TenantSettings {
	out := in
	if in.MinimumAge != nil && (*in.MinimumAge < 0 || *in.MinimumAge > MaxMinimumAge) {
		problems.Invalid(path.With("minimumAge"), vocab.ReasonOutOfRange, "must be from 0 to "+strconv.Itoa(MaxMinimumAge))
	}
	if in.DefaultCountry != nil {
		country := ""
		if trimmed := OptionalText(problems, path.With("defaultCountry"), in.DefaultCountry, 64); trimmed != nil {
			c, err := values.ParseCountry(*trimmed)
			if err != nil {
				problems.Invalid(path.With("defaultCountry"), values.ReasonOf(err), problemMessage(err))
			}
			country = c
		}
		out.DefaultCountry = &country
	}
	if in.DuplicatePolicy != nil {
		if err := tenant.DuplicatePolicyValidator(*in.DuplicatePolicy); err != nil {
			problems.Invalid(path.With("duplicatePolicy"), vocab.ReasonInvalidValue, "must be FLAG or REJECT")
		}
	}
	return out
}

// problemMessage is a values problem's message for the client.
func problemMessage(err error) string {
	var p *values.Problem
	if errors.As(err, &p) {
		return p.Message
	}
	return "invalid value"
}

// apply sets the checked settings on a tenant being created or updated.
func (in TenantSettings) apply(m interface {
	SetMinimumAge(int)
	SetDefaultCountry(string)
	ClearDefaultCountry()
	SetDuplicatePolicy(tenant.DuplicatePolicy)
}) {
	if in.MinimumAge != nil {
		m.SetMinimumAge(*in.MinimumAge)
	}
	switch {
	case in.DefaultCountry == nil:
	case *in.DefaultCountry == "":
		m.ClearDefaultCountry()
	default:
		m.SetDefaultCountry(*in.DefaultCountry)
	}
	if in.DuplicatePolicy != nil {
		m.SetDuplicatePolicy(*in.DuplicatePolicy)
	}
}

// UpdateTenantSettings changes the viewer's tenant's settings. Every bad
// value is BAD_USER_INPUT on its field, all at once.
//
// The Tenant policy lets only platform operators change tenants (their
// keys and names); a tenant's own settings are its catalog's, changed by
// a token holding catalog:write in that tenant. So the write runs with a
// privacy decision of its own, after checking that scope, and only on
// the viewer's tenant.
func UpdateTenantSettings(ctx context.Context, client *ent.Client, in TenantSettings) (*ent.Tenant, error) {
	v := viewer.FromContext(ctx)
	if v == nil || v.TenantID == "" {
		return nil, apperr.New(apperr.BadUserInput, vocab.ReasonMissingTenant, "the X-Tenant-ID header is required")
	}
	if !v.Has(viewer.ScopeCatalogWrite) {
		return nil, apperr.ForbiddenScope(viewer.ScopeCatalogWrite)
	}
	var problems apperr.List
	in = in.checked(&problems, nil)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	update := client.Tenant.UpdateOneID(v.TenantID)
	in.apply(update.Mutation())
	t, err := update.Save(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	return t, nil
}
