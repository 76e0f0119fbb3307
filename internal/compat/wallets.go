package compat

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"onboard/internal/apperr"
	"onboard/internal/registration"
)

// The wallet platform's route: POST /accounts/persons with its apiKey
// header. Its body registers an individual without a login: tenantUserId
// is the customer's externalReference, identificationNumber an identity
// document of UNSPECIFIED type, userTag a tag, dateOfBirth a date-time
// (its date is kept), the address has no country (the state's, else the
// tenant's defaultCountry) and phoneNumber is read as a national number of
// the tenant's defaultCountry. Every answer is the platform's envelope
// {status, statusCode, message, data, errors: [{message,
// descriptiveMessage, field, code, reason}]}: 201 with the person in data,
// or the error status with every problem in errors (message names the
// field as the platform does, descriptiveMessage says what is wrong).

type wallets struct{}

var walletsFields = map[string]string{
	"externalReference":                                 "tenantUserId",
	"email":                                             "email",
	"individualCustomer.person.email":                   "email",
	"individualCustomer.person.firstName":               "firstName",
	"individualCustomer.person.lastName":                "lastName",
	"individualCustomer.person.middleName":              "middleName",
	"individualCustomer.person.addresses":               "address",
	"individualCustomer.person.addresses[0]":            "address",
	"individualCustomer.person.addresses[0].street":     "address.addressLine1",
	"individualCustomer.person.addresses[0].line2":      "address.addressLine2",
	"individualCustomer.person.addresses[0].state":      "address.state",
	"individualCustomer.person.addresses[0].city":       "address.city",
	"individualCustomer.person.addresses[0].postalCode": "address.zipCode",
	"individualCustomer.person.addresses[0].country":    "address",
	"individualCustomer.person.identityDocuments":       "identificationNumber",
	"individualCustomer.person.dateOfBirth":             "dateOfBirth",
	"individualCustomer.person.gender":                  "gender",
	"phone":                                             "phoneNumber",
	"tags":                                              "userTag",
}

func (wallets) fieldOf(p apperr.Path) string { return mapField(walletsFields, p) }

func (wallets) decode(_ context.Context, body []byte) (*decoded, []problem) {
	var rd reader
	o := rd.root(body)
	in := registration.IndividualInput{ExternalReference: o.String("tenantUserId")}
	person := &registration.PersonInput{
		Email:       o.String("email"),
		FirstName:   deref(o.String("firstName")),
		LastName:    deref(o.String("lastName")),
		MiddleName:  o.String("middleName"),
		DateOfBirth: o.String("dateOfBirth"),
	}
	if g := o.String("gender"); g != nil {
		person.Gender = *g
	}
	if a := o.Object("address"); a != nil {
		person.Addresses = []registration.AddressInput{{
			Type:       ptr("HOME"),
			Street:     deref(a.String("addressLine1")),
			Line2:      a.String("addressLine2"),
			State:      a.String("state"),
			City:       deref(a.String("city")),
			PostalCode: a.String("zipCode"),
			IsPrimary:  true,
		}}
		a.Finish()
	}
	if id := o.String("identificationNumber"); id != nil {
		person.IdentityDocuments = []registration.DocumentInput{{Number: *id, IsPrimary: true}}
	}
	in.Phone = o.String("phoneNumber")
	if tag := o.String("userTag"); tag != nil {
		in.Tags = []string{*tag}
	}
	in.IndividualCustomer = &registration.IndividualCustomer{Person: person}
	o.Finish()
	return individual(in), rd.problems
}

// walletsEnvelope is the wallet platform's answer.
type walletsEnvelope struct {
	Status     string         `json:"status"`
	StatusCode int            `json:"statusCode"`
	Message    string         `json:"message"`
	Data       any            `json:"data"`
	Errors     []walletsError `json:"errors"`
	RequestID  string         `json:"requestId,omitempty"`
}

type walletsError struct {
	Message            string        `json:"message"`
	DescriptiveMessage string        `json:"descriptiveMessage"`
	Field              string        `json:"field,omitempty"`
	Code               apperr.Code   `json:"code"`
	Reason             apperr.Reason `json:"reason,omitempty"`
	ExistingCustomerID any           `json:"existingCustomerId,omitempty"`
}

func (wallets) fail(w http.ResponseWriter, r *http.Request, status int, problems []problem) {
	out := walletsEnvelope{Status: "error", StatusCode: status, Message: http.StatusText(status),
		Errors: make([]walletsError, len(problems)), RequestID: middleware.GetReqID(r.Context())}
	if status == http.StatusBadRequest {
		out.Message = "Validation failed"
	}
	for i, p := range problems {
		short := string(p.Reason)
		if p.Field != "" {
			short = p.Field + ": " + short
		}
		out.Errors[i] = walletsError{Message: short, DescriptiveMessage: p.Message, Field: p.Field, Code: p.Code, Reason: p.Reason,
			ExistingCustomerID: p.Details["existingCustomerId"]}
	}
	writeJSON(w, status, out)
}

// walletsPerson is the person the platform answers.
type walletsPerson struct {
	ID                   string          `json:"id"`
	TenantUserID         string          `json:"tenantUserId"`
	Email                string          `json:"email"`
	FirstName            string          `json:"firstName"`
	LastName             string          `json:"lastName"`
	MiddleName           string          `json:"middleName"`
	Address              *walletsAddress `json:"address"`
	IdentificationNumber string          `json:"identificationNumber"`
	PhoneNumber          string          `json:"phoneNumber"`
	UserTag              string          `json:"userTag"`
	DateOfBirth          string          `json:"dateOfBirth"`
	Gender               string          `json:"gender"`
	Status               string          `json:"status"`
	PossibleDuplicates   []duplicate     `json:"possibleDuplicates"`
	CreatedAt            time.Time       `json:"createdAt"`
}

type walletsAddress struct {
	AddressLine1 string `json:"addressLine1"`
	AddressLine2 string `json:"addressLine2"`
	State        string `json:"state"`
	City         string `json:"city"`
	ZipCode      string `json:"zipCode"`
	Country      string `json:"country"`
}

func (wallets) succeed(ctx context.Context, h *Handler, w http.ResponseWriter, res *registration.Result) error {
	stored, err := loadPerson(ctx, h, res)
	if err != nil {
		return err
	}
	p, c := stored.person, res.Customer
	out := walletsPerson{PossibleDuplicates: stored.duplicates, ID: c.ID, TenantUserID: deref(c.ExternalReference), Email: pii(ctx, p.Email),
		FirstName: pii(ctx, p.FirstName), LastName: pii(ctx, p.LastName), MiddleName: pii(ctx, p.MiddleName),
		PhoneNumber: pii(ctx, p.Phone), Status: string(c.Status), CreatedAt: c.CreatedAt}
	if len(c.Tags) > 0 {
		out.UserTag = c.Tags[0]
	}
	if p.DateOfBirth != nil {
		out.DateOfBirth = pii(ctx, p.DateOfBirth.Format(time.DateOnly)+"T00:00:00.000Z")
	}
	if p.Gender != nil {
		out.Gender = string(*p.Gender)
	}
	if len(stored.documents) > 0 {
		out.IdentificationNumber = pii(ctx, stored.documents[0].Number)
	}
	if a := stored.address; a != nil {
		out.Address = &walletsAddress{AddressLine1: pii(ctx, a.Street), AddressLine2: pii(ctx, a.Line2), State: describePlace(a.Country, a.State).stateName,
			City: a.City, ZipCode: pii(ctx, a.PostalCode), Country: a.Country}
	}
	status := successStatus(res)
	writeJSON(w, status, walletsEnvelope{Status: "success", StatusCode: status, Message: "Person created successfully", Data: out, Errors: []walletsError{}})
	return nil
}
