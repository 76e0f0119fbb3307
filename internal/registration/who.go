package registration

import (
	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/schema/schematype"
)

// Who is who brought a customer in, as the client's own system knows it:
// the user who invited it (PCXPay's invited_by_user_id), the one who
// created it (created_by) and the client's segment for it (PCXPay's
// type: retail, business). They are the client's references, kept as
// text; the token's subject, which Onboard itself knows, is
// registeredBy (createCustomer).
type Who struct {
	InvitedBy, CreatedBy, Segment string
}

// who checks the top-level invitedBy, createdBy and segment as text.
func (c *checker) who(invitedBy, createdBy, segment *string) Who {
	return Who{
		InvitedBy: c.text(apperr.Path{"invitedBy"}, invitedBy, schematype.MaxReferenceLen),
		CreatedBy: c.text(apperr.Path{"createdBy"}, createdBy, schematype.MaxReferenceLen),
		Segment:   c.text(apperr.Path{"segment"}, segment, schematype.MaxSegmentLen),
	}
}

// set puts the values given on a customer being created.
func (w Who) set(create *ent.CustomerCreate) {
	for _, f := range []struct {
		value string
		set   func(string) *ent.CustomerCreate
	}{
		{w.InvitedBy, create.SetInvitedBy},
		{w.CreatedBy, create.SetCreatedBy},
		{w.Segment, create.SetSegment},
	} {
		if f.value != "" {
			f.set(f.value)
		}
	}
}
