package registration

import (
	"context"
	"math"
	"slices"
	"strings"

	"onboard/ent"
	"onboard/ent/representative"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/schema/schematype"
)

// BeneficialOwnerThreshold is the ownership share, in percent, from which a
// representative is a beneficial owner (the usual AML rule: 25 % or more,
// the threshold included).
const BeneficialOwnerThreshold = 25.0

// IsDirector reports whether a representative in position (case-insensitive)
// is one of the organization's directors: DIRECTOR, MANAGING_DIRECTOR, CEO,
// CFO, COO, CHAIRMAN or SECRETARY.
func IsDirector(position string) bool {
	return slices.Contains(schematype.DirectorPositions, strings.ToUpper(strings.TrimSpace(position)))
}

// IsShareholder reports whether a representative with share (percent) is
// one of the organization's shareholders: anyone with a share above 0.
func IsShareholder(share float64) bool { return share > 0 }

// IsBeneficialOwner reports whether a representative with share (percent)
// is a beneficial owner: share ≥ BeneficialOwnerThreshold.
func IsBeneficialOwner(share float64) bool { return share >= BeneficialOwnerThreshold }

// Ownership is one representative's stake as checkOwnership sees it.
type Ownership struct {
	// Share is the ownership share in percent.
	Share          float64
	IsPrimaryOwner bool
	// Path is the representative's input object; problems are reported on
	// Path+"ownershipShare" and Path+"isPrimaryOwner". Stored
	// representatives need none: they are never reported on.
	Path apperr.Path
}

// checkOwnership checks the ownership rules for representatives added or
// changed (added, each with its path) next to the organization's other
// representatives (existing: those already stored, without the ones being
// changed). Each added share must be 0–100
// (OWNERSHIP_SHARE_OUT_OF_RANGE); at most one representative of all may be
// the primary owner (MULTIPLE_PRIMARY_OWNERS on every added one after the
// first); all the shares together must not exceed 100
// (OWNERSHIP_TOTAL_EXCEEDED on totalPath; out-of-range shares are left out
// of the sum, being reported already). Only added entries are reported on.
//
// Registration passes no existing ones; addRepresentative and
// updateRepresentative pass the stored others, read in the transaction that
// writes (with the organization locked, so concurrent adds are serialized).
func checkOwnership(existing, added []Ownership, totalPath apperr.Path) apperr.List {
	var problems apperr.List
	total := 0.0
	primary := false
	for _, o := range existing {
		total += o.Share
		primary = primary || o.IsPrimaryOwner
	}
	for _, o := range added {
		if math.IsNaN(o.Share) || o.Share < minOwnershipShare || o.Share > maxOwnershipShare {
			problems.Invalid(o.Path.With("ownershipShare"), vocab.ReasonOwnershipShareOutOfRange, "must be between 0 and 100")
		} else {
			total += o.Share
		}
		if o.IsPrimaryOwner {
			if primary {
				problems.Invalid(o.Path.With("isPrimaryOwner"), vocab.ReasonMultiplePrimaryOwners, "only one representative may be the primary owner")
			}
			primary = true
		}
	}
	// The tolerance absorbs binary rounding (33.33 + 33.33 + 33.34).
	if total > maxOwnershipShare+1e-9 {
		problems.Invalid(totalPath, vocab.ReasonOwnershipTotalExceeded, "the ownership shares together must not exceed 100")
	}
	return problems
}

// ownShare checks a representative's share on its own (0–100), so that
// an out-of-range share is reported with the input's other problems; the
// total is checked under the organization's lock (checkStakes).
func (c *checker) ownShare(rep Representative, path apperr.Path) {
	own := []Ownership{{Share: rep.OwnershipShare, Path: path}}
	c.problems = append(c.problems, checkOwnership(nil, own, path.With("ownershipShare"))...)
}

// checkStakes checks rep's ownership (reported at path) against the
// organization's other stored representatives (all but exceptID). It
// must run under the organization's lock.
func checkStakes(ctx context.Context, tx *ent.Tx, organizationID, exceptID string, rep Representative, path apperr.Path) error {
	others, err := tx.Representative.Query().
		Where(representative.OrganizationID(organizationID), representative.IDNEQ(exceptID)).
		All(ctx)
	if err != nil {
		return err
	}
	existing := make([]Ownership, len(others))
	for i, o := range others {
		existing[i] = Ownership{Share: o.OwnershipShare, IsPrimaryOwner: o.IsPrimaryOwner}
	}
	added := []Ownership{{Share: rep.OwnershipShare, IsPrimaryOwner: rep.IsPrimaryOwner, Path: path}}
	return checkOwnership(existing, added, path.With("ownershipShare")).Err()
}
