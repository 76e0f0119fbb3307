package registration

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"onboard/internal/apperr"
	"onboard/internal/values"
)

// Field length limits: generous for real data, small enough that nothing
// oversized reaches the database (where it would be INTERNAL).
const (
	maxName         = 100
	maxEmail        = 254
	maxStreet       = 200
	maxCity         = 100
	maxPostal       = 20
	maxState        = 100
	maxDocument     = 64
	maxTag          = 64
	maxTags         = 50
	maxListLen      = 20
	maxRef          = 255
	maxCustomerName = 300
	maxParamValue   = 1000
)

var (
	addressTypes  = []string{"HOME", "WORK", "MAILING", "BILLING", "REGISTERED", "REGISTERED_OFFICE", "BUSINESS", "TRADING", "OTHER"}
	contactTypes  = []string{"EMAIL", "PHONE", "MOBILE", "FAX", "WEBSITE", "OTHER"}
	documentTypes = []string{"PASSPORT", "DRIVERS_LICENSE", "NATIONAL_ID", "OTHER"}
	userStatuses  = []string{"PENDING_ACTIVATION", "ACTIVE"}
)

// Person is a validated, normalized person.
type Person struct {
	FirstName, MiddleName, LastName string
	Email, Phone                    string
	DateOfBirth                     *time.Time
	Gender                          string
	Nationality, PlaceOfBirth       string
	Addresses                       []Address
	Contacts                        []Contact
	Documents                       []Document
}

// Address is a validated address.
type Address struct {
	Type, Street, Line2, City, State, PostalCode, Country string
	IsPrimary                                             bool
}

// Contact is a validated contact with its value normalized.
type Contact struct {
	Type, Value string
	IsPrimary   bool
}

// Document is a validated identity document.
type Document struct{ Type, Number, IssuingCountry string }

// checker collects problems while normalizing values.
type checker struct {
	problems apperr.List
}

func (c *checker) fail(path apperr.Path, err error) {
	var p *values.Problem
	msg := "invalid value"
	if errors.As(err, &p) {
		msg = p.Message
	}
	c.problems.Invalid(path, values.ReasonOf(err), path.String()+": "+msg)
}

// text cleans an optional string (nil and blank give "").
func (c *checker) text(path apperr.Path, s *string, max int) string {
	if s == nil {
		return ""
	}
	v, err := values.CleanString(*s, max)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

// required cleans a required string.
func (c *checker) required(path apperr.Path, s string, max int) string {
	v, err := values.CleanString(s, max)
	if err != nil {
		c.fail(path, err)
		return ""
	}
	if v == "" {
		c.problems.Invalid(path, values.ReasonRequired, path.String()+" is required")
	}
	return v
}

func (c *checker) email(path apperr.Path, s string) string {
	if c.required(path, s, maxEmail) == "" {
		return ""
	}
	v, err := values.ParseEmail(s)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

func (c *checker) country(path apperr.Path, s string) string {
	v, err := values.ParseCountry(s)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

func (c *checker) phone(path apperr.Path, s, region string) string {
	v, err := values.ParsePhone(s, region)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

// oneOf upper-cases s and checks it against allowed.
func (c *checker) oneOf(path apperr.Path, s string, allowed []string, def string) string {
	v := strings.ToUpper(strings.TrimSpace(s))
	if v == "" {
		return def
	}
	if !slices.Contains(allowed, v) {
		c.problems.Invalid(path, "INVALID_VALUE", path.String()+" must be one of "+strings.Join(allowed, ", "))
	}
	return v
}

// person validates a person at path; loginEmail is the default contact e-mail.
func (c *checker) person(path apperr.Path, in PersonInput, loginEmail string, now time.Time, minAge int) Person {
	p := Person{
		FirstName:    c.required(path.With("firstName"), in.FirstName, maxName),
		MiddleName:   c.text(path.With("middleName"), in.MiddleName, maxName),
		LastName:     c.required(path.With("lastName"), in.LastName, maxName),
		PlaceOfBirth: c.text(path.With("placeOfBirth"), in.PlaceOfBirth, maxName),
		Email:        loginEmail,
	}
	if in.Email != nil && strings.TrimSpace(*in.Email) != "" {
		p.Email = c.email(path.With("email"), *in.Email)
	}
	if in.DateOfBirth != nil {
		dobPath := path.With("dateOfBirth")
		if dob, err := values.ParseDate(*in.DateOfBirth); err != nil {
			c.fail(dobPath, err)
		} else if err := values.CheckDateOfBirth(dob, now, minAge); err != nil {
			c.fail(dobPath, err)
		} else {
			p.DateOfBirth = &dob
		}
	}
	if in.Gender != nil {
		if g, err := values.ParseGender(in.Gender); err != nil {
			c.fail(path.With("gender"), err)
		} else {
			p.Gender = g
		}
	}
	if in.Nationality != nil && strings.TrimSpace(*in.Nationality) != "" {
		p.Nationality = c.country(path.With("nationality"), *in.Nationality)
	}
	c.addresses(path.With("addresses"), in.Addresses, &p)
	region := p.Nationality
	if primary := primaryAddress(p.Addresses); primary != nil {
		region = primary.Country
	}
	c.contacts(path.With("contacts"), in.Contacts, region, &p)
	c.documents(path.With("identityDocuments"), in.IdentityDocuments, &p)
	return p
}

func (c *checker) addresses(path apperr.Path, in []AddressInput, p *Person) {
	if len(in) == 0 {
		c.problems.Invalid(path, "REQUIRED", "at least one address is required")
		return
	}
	if len(in) > maxListLen {
		c.problems.Invalid(path, "TOO_MANY", "too many addresses")
		return
	}
	primaries := 0
	for i, a := range in {
		ap := path.With(i)
		addr := Address{
			Type:       c.oneOf(ap.With("type"), deref(a.Type), addressTypes, "HOME"),
			Street:     c.required(ap.With("street"), a.Street, maxStreet),
			Line2:      c.text(ap.With("line2"), a.Line2, maxStreet),
			City:       c.required(ap.With("city"), a.City, maxCity),
			PostalCode: c.text(ap.With("postalCode"), a.PostalCode, maxPostal),
			IsPrimary:  a.IsPrimary,
		}
		if c.required(ap.With("country"), a.Country, maxName) != "" {
			addr.Country = c.country(ap.With("country"), a.Country)
		}
		if a.State != nil && addr.Country != "" {
			state, err := values.ParseSubdivision(addr.Country, *a.State)
			if err != nil {
				c.fail(ap.With("state"), err)
			} else if len([]rune(state)) > maxState {
				c.problems.Invalid(ap.With("state"), values.ReasonTooLong, "state is too long")
			}
			addr.State = state
		}
		if a.IsPrimary {
			primaries++
			if primaries > 1 {
				c.problems.Invalid(ap.With("isPrimary"), "MULTIPLE_PRIMARY", "only one address may be primary")
			}
		}
		p.Addresses = append(p.Addresses, addr)
	}
	if primaries == 0 {
		p.Addresses[0].IsPrimary = true
	}
}

func (c *checker) contacts(path apperr.Path, in []ContactInput, region string, p *Person) {
	if len(in) > maxListLen {
		c.problems.Invalid(path, "TOO_MANY", "too many contacts")
		return
	}
	primaryByType := map[string]bool{}
	for i, ci := range in {
		cp := path.With(i)
		contact := Contact{Type: c.oneOf(cp.With("type"), ci.Type, contactTypes, ""), IsPrimary: ci.IsPrimary}
		if contact.Type == "" {
			c.problems.Invalid(cp.With("type"), values.ReasonRequired, "type is required")
		}
		switch contact.Type {
		case "EMAIL":
			contact.Value = c.email(cp.With("value"), ci.Value)
		case "PHONE", "MOBILE", "FAX":
			if c.required(cp.With("value"), ci.Value, 64) != "" {
				contact.Value = c.phone(cp.With("value"), ci.Value, region)
			}
		case "WEBSITE":
			if c.required(cp.With("value"), ci.Value, 2048) != "" {
				v, err := values.ParseWebsite(ci.Value)
				if err != nil {
					c.fail(cp.With("value"), err)
				}
				contact.Value = v
			}
		default:
			contact.Value = c.required(cp.With("value"), ci.Value, 2048)
		}
		if ci.IsPrimary {
			if primaryByType[contact.Type] {
				c.problems.Invalid(cp.With("isPrimary"), "MULTIPLE_PRIMARY", "only one "+contact.Type+" contact may be primary")
			}
			primaryByType[contact.Type] = true
		}
		p.Contacts = append(p.Contacts, contact)
	}
}

func (c *checker) documents(path apperr.Path, in []DocumentInput, p *Person) {
	if len(in) > maxListLen {
		c.problems.Invalid(path, "TOO_MANY", "too many identity documents")
		return
	}
	for i, d := range in {
		dp := path.With(i)
		doc := Document{
			Type:   c.oneOf(dp.With("type"), d.Type, documentTypes, ""),
			Number: c.required(dp.With("number"), d.Number, maxDocument),
		}
		if doc.Type == "" {
			c.problems.Invalid(dp.With("type"), values.ReasonRequired, "type is required")
		}
		if d.IssuingCountry != nil && strings.TrimSpace(*d.IssuingCountry) != "" {
			doc.IssuingCountry = c.country(dp.With("issuingCountry"), *d.IssuingCountry)
		}
		p.Documents = append(p.Documents, doc)
	}
}

func primaryAddress(as []Address) *Address {
	for i := range as {
		if as[i].IsPrimary {
			return &as[i]
		}
	}
	return nil
}

// truncate cuts s to at most max runes.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
