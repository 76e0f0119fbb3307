package onboarding

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"onboard/ent"
)

// A verification rests on its subject's verified fields: a person's name,
// date of birth and identity document numbers; an organization's legal
// name and registration number. Their digest is stored with the result;
// when the subject's fields no longer give the same digest, the
// verification no longer holds and its requirement is due again, whichever
// write changed them (an update, a member change).

// PersonDigest is the digest of a person's verified fields; docs are its
// identity documents.
func PersonDigest(p *ent.Person, docs []*ent.IdentityDocument) string {
	numbers := make([]string, 0, len(docs))
	for _, d := range docs {
		numbers = append(numbers, string(d.Type)+":"+d.Number)
	}
	slices.Sort(numbers)
	dob := ""
	if p.DateOfBirth != nil {
		dob = p.DateOfBirth.Format("2006-01-02")
	}
	return digest(append([]string{"person", p.FirstName, p.MiddleName, p.LastName, dob}, numbers...)...)
}

// OrganizationDigest is the digest of an organization's verified fields.
func OrganizationDigest(o *ent.Organization) string {
	regNo := ""
	if o.RegistrationNumber != nil {
		regNo = *o.RegistrationNumber
	}
	return digest("organization", o.LegalName, regNo)
}

func digest(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}
