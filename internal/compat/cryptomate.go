package compat

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/registration"
	"onboard/internal/values"
)

// Cryptomate's route: POST /management/clients/individuals with its
// x-api-key. Its body registers an individual without a login (it carries
// no password): names, e-mail (the person's), birth date, one address
// (state as ISO 3166-2 with an alpha-3 prefix, "ARG-B"; country alpha-3)
// and a split phone (phone_country_code and phone_number, both JSON
// numbers). The answer is the client object (201) in Cryptomate's style;
// errors are {"error": <message>, "status": <status>, "request_id": …,
// "details": [{"field", "code", "reason", "message"}]}, every problem
// listed with Cryptomate's field names ("address.country").

type cryptomate struct{}

// cryptomateFields maps our input's paths (apperr.Path.String()) to the
// body's field names; cryptomateFieldOf falls back on the nearest parent.
var cryptomateFields = map[string]string{
	"individualCustomer.person.firstName":               "first_name",
	"individualCustomer.person.middleName":              "second_name",
	"individualCustomer.person.lastName":                "last_name",
	"individualCustomer.person.email":                   "email",
	"individualCustomer.person.dateOfBirth":             "birth_date",
	"individualCustomer.person.addresses":               "address",
	"individualCustomer.person.addresses[0]":            "address",
	"individualCustomer.person.addresses[0].street":     "address.street_line1",
	"individualCustomer.person.addresses[0].city":       "address.city",
	"individualCustomer.person.addresses[0].postalCode": "address.postal_code",
	"individualCustomer.person.addresses[0].state":      "address.state",
	"individualCustomer.person.addresses[0].country":    "address.country",
	"phoneCountryCode":                                  "phone_country_code",
	"phoneNationalNumber":                               "phone_number",
	"phone":                                             "phone_number",
	"email":                                             "email",
}

func (cryptomate) fieldOf(p apperr.Path) string { return mapField(cryptomateFields, p) }

// mapField names our path p as a system names it: the entry of the
// longest prefix of p that fields holds (the route's own field names);
// a path the system has no name for is given whole in our notation.
func mapField(fields map[string]string, p apperr.Path) string {
	for n := len(p); n > 0; n-- {
		if name, ok := fields[p[:n].String()]; ok {
			return name
		}
	}
	return p.String()
}

// alpha3State is Cryptomate's state form: ISO 3166-2 with the country's
// alpha-3 code as prefix ("ARG-B" for AR-B), which registration reads as
// it reads an ISO 3166-2 code.
var alpha3State = regexp.MustCompile(`^[A-Z]{3}-[A-Z0-9]{1,3}$`)

func (cryptomate) decode(_ context.Context, body []byte) (*decoded, []problem) {
	var rd reader
	o := rd.root(body)
	person := &registration.PersonInput{
		FirstName:   deref(o.String("first_name")),
		MiddleName:  o.String("second_name"),
		LastName:    deref(o.String("last_name")),
		Email:       o.String("email"),
		DateOfBirth: o.String("birth_date"),
	}
	in := registration.IndividualInput{IndividualCustomer: &registration.IndividualCustomer{Person: person}}
	if a := o.Object("address"); a != nil {
		person.Addresses = []registration.AddressInput{{
			Type:       ptr("HOME"),
			Street:     deref(a.String("street_line1")),
			City:       deref(a.String("city")),
			PostalCode: a.String("postal_code"),
			State:      a.String("state"),
			Country:    deref(a.String("country")),
			IsPrimary:  true,
		}}
		a.Finish()
	}
	if cc := o.Number("phone_country_code"); cc != nil {
		n, err := strconv.Atoi(cc.String())
		if err != nil {
			rd.add("phone_country_code", vocab.ReasonInvalidPhone, "must be a country calling code, a whole number such as 54")
		} else {
			in.PhoneCountryCode = &n
		}
	}
	if nn := o.Number("phone_number"); nn != nil {
		s := nn.String()
		if _, err := strconv.ParseUint(s, 10, 64); err != nil {
			rd.add("phone_number", vocab.ReasonInvalidPhone, "must be the national number's digits, a whole number such as 1168860622")
		} else {
			in.PhoneNationalNumber = &s
		}
	}
	o.Finish()
	return individual(in), rd.problems
}

// cryptomateError is Cryptomate's error answer.
type cryptomateError struct {
	Error     string             `json:"error"`
	Status    int                `json:"status"`
	RequestID string             `json:"request_id"`
	Details   []cryptomateDetail `json:"details"`
}

type cryptomateDetail struct {
	Field              string        `json:"field,omitempty"`
	Code               apperr.Code   `json:"code"`
	Reason             apperr.Reason `json:"reason,omitempty"`
	Message            string        `json:"message"`
	ExistingCustomerID any           `json:"existing_customer_id,omitempty"`
}

func (cryptomate) fail(w http.ResponseWriter, r *http.Request, status int, problems []problem) {
	out := cryptomateError{Error: http.StatusText(status), Status: status, RequestID: middleware.GetReqID(r.Context()),
		Details: make([]cryptomateDetail, len(problems))}
	if status == http.StatusBadRequest {
		out.Error = "validation error"
	}
	for i, p := range problems {
		out.Details[i] = cryptomateDetail{Field: p.Field, Code: p.Code, Reason: p.Reason, Message: p.Message,
			ExistingCustomerID: p.Details["existingCustomerId"]}
	}
	writeJSON(w, status, out)
}

// cryptomateClient is the client object Cryptomate answers.
type cryptomateClient struct {
	ID               string             `json:"id"`
	FirstName        string             `json:"first_name"`
	SecondName       string             `json:"second_name"`
	LastName         string             `json:"last_name"`
	Email            string             `json:"email"`
	BirthDate        string             `json:"birth_date"`
	Address          *cryptomateAddress `json:"address"`
	PhoneCountryCode *int               `json:"phone_country_code"`
	PhoneNumber      *int64             `json:"phone_number"`
	Status           string             `json:"status"`
	// PossibleDuplicates are the existing clients this one looks like.
	PossibleDuplicates []map[string]string `json:"possible_duplicates"`
	CreatedAt          time.Time           `json:"created_at"`
	UpdatedAt          time.Time           `json:"updated_at"`
}

// cryptomateAddress is the client's address: each code beside its name.
type cryptomateAddress struct {
	StreetLine1 string `json:"street_line1"`
	StreetLine2 string `json:"street_line2,omitempty"`
	City        string `json:"city"`
	PostalCode  string `json:"postal_code"`
	State       string `json:"state"`
	StateCode   string `json:"state_code"`
	Country     string `json:"country"`
	CountryCode string `json:"country_code"`
}

func (cryptomate) succeed(ctx context.Context, h *Handler, w http.ResponseWriter, res *registration.Result) error {
	stored, err := loadPerson(ctx, h, res)
	if err != nil {
		return err
	}
	p := stored.person
	out := cryptomateClient{PossibleDuplicates: snakeDuplicates(stored.duplicates), ID: res.Customer.ID, FirstName: pii(ctx, p.FirstName), SecondName: pii(ctx, p.MiddleName),
		LastName: pii(ctx, p.LastName), Email: pii(ctx, p.Email), Status: string(res.Customer.Status),
		CreatedAt: res.Customer.CreatedAt, UpdatedAt: res.Customer.UpdatedAt}
	if p.DateOfBirth != nil {
		out.BirthDate = pii(ctx, p.DateOfBirth.Format(time.DateOnly))
	}
	if a := stored.address; a != nil {
		place := describePlace(a.Country, a.State)
		out.Address = &cryptomateAddress{StreetLine1: pii(ctx, a.Street), StreetLine2: pii(ctx, a.Line2), City: a.City,
			PostalCode: pii(ctx, a.PostalCode),
			State:      place.stateName, StateCode: place.stateCodeAlpha3, Country: place.countryName, CountryCode: place.countryAlpha3}
	}
	// The phone is two JSON numbers, which cannot be masked: without
	// pii:read both are null.
	if ph, ok := values.SplitPhone(p.Phone); ok && readsPII(ctx) {
		out.PhoneCountryCode = &ph.CountryCallingCode
		if n, err := strconv.ParseInt(ph.NationalNumber, 10, 64); err == nil {
			out.PhoneNumber = &n
		}
	}
	writeJSON(w, successStatus(res), out)
	return nil
}
