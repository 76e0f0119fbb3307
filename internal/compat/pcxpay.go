package compat

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"onboard/ent"
	"onboard/ent/employee"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/registration"
)

// PCXPay's route: POST /v1/users/register, with an API key or a bearer
// token. Its body registers an individual with a login (email, password):
// fname/lname, date_of_birth, role (the customer's segment), type (only
// "user", an individual, is served: anything else is INVALID_VALUE on
// type), org_name (a new organization customer created with the user) or
// org_id (an existing one: its cus_/org_ id or external reference) with
// org_member_role, phone_number, the one-line address with its country,
// id_type/id_number and additional_id_type/additional_id_number (the
// first is the primary document), invited_by_user_id and created_by.
// The answer is {message, user: {…}, requires_confirmation} (201: the
// login waits for activation, so requires_confirmation is true); errors
// are {message, errors: [{field, code, reason, message}], request_id},
// every problem listed with PCXPay's field names.

type pcxpay struct{}

var pcxpayFields = map[string]string{
	"email":                                      "email",
	"password":                                   "password",
	"matchingPassword":                           "password",
	"individualCustomer.person.firstName":        "fname",
	"individualCustomer.person.lastName":         "lname",
	"individualCustomer.person.email":            "email",
	"individualCustomer.person.dateOfBirth":      "date_of_birth",
	"segment":                                    "role",
	"individualCustomer.organization":            "org_id",
	"individualCustomer.organization.name":       "org_name",
	"individualCustomer.organization.id":         "org_id",
	"individualCustomer.organization.memberRole": "org_member_role",
	"phone":                                                 "phone_number",
	"individualCustomer.person.addresses":                   "address",
	"individualCustomer.person.addresses[0]":                "address",
	"individualCustomer.person.addresses[0].country":        "country",
	"individualCustomer.person.identityDocuments[0]":        "id_number",
	"individualCustomer.person.identityDocuments[0].type":   "id_type",
	"individualCustomer.person.identityDocuments[0].number": "id_number",
	"individualCustomer.person.identityDocuments[1]":        "additional_id_number",
	"individualCustomer.person.identityDocuments[1].type":   "additional_id_type",
	"individualCustomer.person.identityDocuments[1].number": "additional_id_number",
	"invitedBy": "invited_by_user_id",
	"createdBy": "created_by",
}

func (pcxpay) fieldOf(p apperr.Path) string { return mapField(pcxpayFields, p) }

// pcxpayUserType is the one account type PCXPay's register serves here:
// a person. Its other types (merchants, organizations) have their own
// registrations in Onboard (registerOrganization).
const pcxpayUserType = "user"

// pcxpayDocumentTypes maps PCXPay's id types to ours (schematype.IdentityDocumentTypes).
var pcxpayDocumentTypes = map[string]string{
	"passport":        "PASSPORT",
	"drivers_license": "DRIVERS_LICENSE",
	"driver_license":  "DRIVERS_LICENSE",
	"national_id":     "NATIONAL_ID",
	"other":           "OTHER",
}

// pcxpayMemberRoles maps PCXPay's member roles to ours.
var pcxpayMemberRoles = map[string]string{"owner": "OWNER", "admin": "ADMIN", "member": "MEMBER"}

func (pcxpay) decode(_ context.Context, body []byte) (*decoded, []problem) {
	var rd reader
	o := rd.root(body)
	person := &registration.PersonInput{
		FirstName:   deref(o.String("fname")),
		LastName:    deref(o.String("lname")),
		DateOfBirth: o.String("date_of_birth"),
	}
	in := registration.IndividualInput{
		Email:     deref(o.String("email")),
		Segment:   o.String("role"),
		Phone:     o.String("phone_number"),
		InvitedBy: o.String("invited_by_user_id"),
		CreatedBy: o.String("created_by"),
	}
	if pw := o.String("password"); pw != nil {
		in.Password, in.MatchingPassword = *pw, *pw
	}
	if t := o.String("type"); t != nil && *t != pcxpayUserType {
		rd.add("type", vocab.ReasonInvalidValue, `this route registers persons: type must be "user"`)
	}
	line, country := o.String("address"), o.String("country")
	if line != nil || country != nil {
		person.Addresses = []registration.AddressInput{{Type: ptr("HOME"), AddressLine: line, Country: deref(country), IsPrimary: true}}
	}
	for i, names := range [][2]string{{"id_type", "id_number"}, {"additional_id_type", "additional_id_number"}} {
		typ, number := o.String(names[0]), o.String(names[1])
		if typ == nil && number == nil {
			continue
		}
		doc := registration.DocumentInput{Number: deref(number), IsPrimary: i == 0}
		if typ != nil && *typ != "" {
			ours, ok := pcxpayDocumentTypes[strings.ToLower(*typ)]
			if !ok {
				rd.add(names[0], vocab.ReasonInvalidValue, "must be passport, drivers_license, national_id or other")
			}
			doc.Type = ours
		}
		person.IdentityDocuments = append(person.IdentityDocuments, doc)
	}
	orgName, orgID, role := o.String("org_name"), o.String("org_id"), o.String("org_member_role")
	var membership *registration.MembershipInput
	if orgName != nil || orgID != nil {
		membership = &registration.MembershipInput{Name: orgName, ID: orgID}
	}
	if role != nil {
		ours, ok := pcxpayMemberRoles[strings.ToLower(*role)]
		switch {
		case !ok:
			rd.add("org_member_role", vocab.ReasonInvalidValue, "must be owner, admin or member")
		case membership == nil:
			rd.add("org_member_role", vocab.ReasonRequired, "a member role needs the organization: org_name or org_id")
		default:
			membership.MemberRole = &ours
		}
	}
	in.IndividualCustomer = &registration.IndividualCustomer{Person: person, Organization: membership}
	o.Finish()
	return individual(in), rd.problems
}

// pcxpayError is PCXPay's error answer.
type pcxpayError struct {
	Message   string        `json:"message"`
	Errors    []pcxpayIssue `json:"errors"`
	RequestID string        `json:"request_id"`
}

type pcxpayIssue struct {
	Field              string        `json:"field,omitempty"`
	Code               apperr.Code   `json:"code"`
	Reason             apperr.Reason `json:"reason,omitempty"`
	Message            string        `json:"message"`
	ExistingCustomerID any           `json:"existing_customer_id,omitempty"`
}

func (pcxpay) fail(w http.ResponseWriter, r *http.Request, status int, problems []problem) {
	out := pcxpayError{Message: http.StatusText(status), Errors: make([]pcxpayIssue, len(problems)), RequestID: middleware.GetReqID(r.Context())}
	if status == http.StatusBadRequest {
		out.Message = "Validation failed"
	}
	for i, p := range problems {
		out.Errors[i] = pcxpayIssue{Field: p.Field, Code: p.Code, Reason: p.Reason, Message: p.Message, ExistingCustomerID: p.Details["existingCustomerId"]}
	}
	writeJSON(w, status, out)
}

// pcxpayUser is the user PCXPay answers.
type pcxpayUser struct {
	ID                 string    `json:"id"`
	CustomerID         string    `json:"customer_id"`
	Email              string    `json:"email"`
	Fname              string    `json:"fname"`
	Lname              string    `json:"lname"`
	DateOfBirth        string    `json:"date_of_birth"`
	Role               string    `json:"role"`
	Type               string    `json:"type"`
	Status             string    `json:"status"`
	OrgID              string    `json:"org_id,omitempty"`
	OrgName            string    `json:"org_name,omitempty"`
	OrgMemberRole      string    `json:"org_member_role,omitempty"`
	PhoneNumber        string    `json:"phone_number"`
	Address            string    `json:"address"`
	Country            string    `json:"country"`
	IDType             string    `json:"id_type,omitempty"`
	IDNumber           string    `json:"id_number,omitempty"`
	AdditionalIDType   string    `json:"additional_id_type,omitempty"`
	AdditionalIDNumber string    `json:"additional_id_number,omitempty"`
	InvitedByUserID    string    `json:"invited_by_user_id,omitempty"`
	CreatedBy          string    `json:"created_by,omitempty"`
	CreatedAt          time.Time `json:"created_at"`
}

func (pcxpay) succeed(ctx context.Context, h *Handler, w http.ResponseWriter, res *registration.Result) error {
	stored, err := loadPerson(ctx, h, res)
	if err != nil {
		return err
	}
	p, c := stored.person, res.Customer
	out := pcxpayUser{ID: c.ID, CustomerID: c.ID, Fname: pii(ctx, p.FirstName), Lname: pii(ctx, p.LastName),
		Role: c.Segment, Type: pcxpayUserType, Status: string(c.Status), PhoneNumber: pii(ctx, p.Phone),
		InvitedByUserID: c.InvitedBy, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt}
	if res.User != nil {
		out.ID, out.Email = res.User.ID, res.User.Email
	}
	if p.DateOfBirth != nil {
		out.DateOfBirth = pii(ctx, p.DateOfBirth.Format(time.DateOnly))
	}
	if a := stored.address; a != nil {
		out.Address, out.Country = pii(ctx, a.AddressLine), a.Country
	}
	for i, d := range stored.documents {
		typ := strings.ToLower(string(d.Type))
		switch i {
		case 0:
			out.IDType, out.IDNumber = typ, pii(ctx, d.Number)
		case 1:
			out.AdditionalIDType, out.AdditionalIDNumber = typ, pii(ctx, d.Number)
		}
	}
	if m, err := h.Client.Employee.Query().Where(employee.PersonID(p.ID)).
		WithOrganization(func(q *ent.OrganizationQuery) { q.WithCustomer() }).First(ctx); err == nil {
		out.OrgMemberRole = strings.ToLower(string(m.MemberRole))
		if org := m.Edges.Organization; org != nil {
			out.OrgName = org.LegalName
			if org.Edges.Customer != nil {
				out.OrgID = org.Edges.Customer.ID
			}
		}
	} else if !ent.IsNotFound(err) {
		return apperr.FromData(err, nil)
	}
	writeJSON(w, successStatus(res), map[string]any{
		"message":               "User registered successfully",
		"user":                  out,
		"requires_confirmation": res.User != nil,
		"possible_duplicates":   snakeDuplicates(stored.duplicates),
	})
	return nil
}
