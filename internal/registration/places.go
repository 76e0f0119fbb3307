package registration

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

// address validates one address at ap. Its country is completed when the
// client sent none, and recorded with where it came from:
//   - GIVEN: the client sent it;
//   - STATE: the state names a subdivision of exactly one country (an ISO
//     3166-2 code such as "US-CA" or "ARG-B", or a name such as
//     "California" that no other country's subdivision has);
//   - TENANT_DEFAULT: the tenant's defaultCountry, and then a state given
//     must be a subdivision of it (STATE_NOT_IN_COUNTRY otherwise: a state
//     of another country is a mistake to report, not a guess to make).
//
// With neither a resolvable state nor a default, the country is REQUIRED.
// An addressLine is kept verbatim and split into the parts not given
// (splitAddressLine); parts given explicitly win. A country the line ends
// with is the address's country when none is sent, GIVEN: the client
// wrote it, as much as in the country field. With a country sent, that
// last part is a state candidate instead ("Atlanta, Georgia" with US is
// US-GA). A state read from the line is resolved like a sent one, except
// that with a given country it is kept only when it is one of the
// country's regions (a part that fits nowhere stays in the line), and a
// state outside the tenant's default country is STATE_NOT_IN_COUNTRY on
// addressLine: the client sent the line, and a state it names is never
// dropped for the default.
func (c *checker) address(ap apperr.Path, a AddressInput) Address {
	addr := Address{
		Type:        c.oneOf(ap.With("type"), deref(a.Type), schematype.AddressTypes, defaultAddressType),
		Line2:       c.text(ap.With("line2"), a.Line2, schematype.MaxStreetLen),
		IsPrimary:   a.IsPrimary,
		AddressLine: c.text(ap.With("addressLine"), a.AddressLine, schematype.MaxAddressLineLen),
	}
	var line lineParts
	split := addr.AddressLine != "" && a.source == ""
	if split {
		line = splitAddressLine(addr.AddressLine)
	}
	linePath := ap.With("addressLine")
	street, city := a.Street, a.City
	if split && strings.TrimSpace(street) == "" {
		street = c.linePart(linePath, line.street, schematype.MaxStreetLen, "street")
	}
	if split && strings.TrimSpace(city) == "" {
		city = c.linePart(linePath, line.city, schematype.MaxCityLen, "city")
		if line.city == "" {
			c.problems.Invalid(ap.With("city"), vocab.ReasonRequired,
				"a value is required: the address line could not be split into a street and a city (separate them with a comma)")
		}
	}
	if nonBlank(a.AddressLine) && addr.AddressLine == "" {
		// The line is refused already: its missing parts are not news.
		addr.Street = c.text(ap.With("street"), &street, schematype.MaxStreetLen)
		addr.City = c.text(ap.With("city"), &city, schematype.MaxCityLen)
	} else {
		addr.Street = c.required(ap.With("street"), street, schematype.MaxStreetLen)
		if city != "" || !split {
			addr.City = c.required(ap.With("city"), city, schematype.MaxCityLen)
		}
	}
	addr.PostalCode = c.text(ap.With("postalCode"), a.PostalCode, schematype.MaxPostalCodeLen)
	if split && a.PostalCode == nil {
		addr.PostalCode = c.linePart(linePath, line.postal, schematype.MaxPostalCodeLen, "postal code")
	}

	// The state comes from the input, else from the line: a state read
	// from the line is only a candidate, kept when it resolves. The
	// line's country counts when no country is sent; with one sent, the
	// part is a state candidate when the line has no other.
	state, fromLine := deref(a.State), false
	lineCountry := split && line.country != "" && strings.TrimSpace(a.Country) == ""
	if a.State == nil && split && line.state != "" {
		state, fromLine = line.state, true
	} else if a.State == nil && split && line.countryText != "" && !lineCountry {
		state, fromLine = line.countryText, true
	}
	hasState := strings.TrimSpace(state) != ""
	switch {
	case strings.TrimSpace(a.Country) != "":
		if c.required(ap.With("country"), a.Country, schematype.MaxNameLen) != "" {
			addr.Country = c.country(ap.With("country"), a.Country)
		}
		addr.CountrySource = schematype.CountrySourceGiven
		if a.source != "" {
			addr.CountrySource = a.source
		}
	case lineCountry:
		addr.Country, addr.CountrySource = line.country, schematype.CountrySourceGiven
	case hasState:
		if country, code, ok := values.SubdivisionCountry(state); ok {
			addr.Country, addr.State, addr.CountrySource = country, code, schematype.CountrySourceState
			return addr
		}
		if c.defaultCountry == "" {
			c.problems.Invalid(ap.With("country"), vocab.ReasonRequired,
				"a value is required: the state names no single country and the tenant has no default country")
			if !fromLine {
				addr.State = c.freeState(ap.With("state"), "", state)
			}
			return addr
		}
		addr.Country, addr.CountrySource = c.defaultCountry, schematype.CountrySourceTenantDefault
		code, err := values.ParseSubdivision(addr.Country, state)
		switch {
		case fromLine && err != nil:
			c.fail(linePath, err)
		case fromLine && !values.IsSubdivision(code):
			c.problems.Invalid(linePath, vocab.ReasonStateNotInCountry,
				"the address has no country and the state read from the address line is not a region of the tenant's default country "+addr.Country+": give the country")
		case err != nil:
			c.fail(ap.With("state"), err)
		case !values.IsSubdivision(code):
			c.problems.Invalid(ap.With("state"), vocab.ReasonStateNotInCountry,
				"the address has no country and its state is not a region of the tenant's default country "+addr.Country+": give the country")
		default:
			addr.State = code
		}
		return addr
	case c.defaultCountry != "":
		addr.Country, addr.CountrySource = c.defaultCountry, schematype.CountrySourceTenantDefault
	default:
		c.problems.Invalid(ap.With("country"), vocab.ReasonRequired, msgRequired)
	}
	switch {
	case !hasState:
	case !fromLine:
		addr.State = c.freeState(ap.With("state"), addr.Country, state)
	case addr.Country != "":
		if code, err := values.ParseSubdivision(addr.Country, state); err == nil && values.IsSubdivision(code) {
			addr.State = code
		}
	}
	return addr
}

// freeState normalizes a state given with a country (or with none known):
// the ISO 3166-2 code where known, else the cleaned text.
func (c *checker) freeState(path apperr.Path, country, s string) string {
	state, err := values.ParseSubdivision(country, s)
	if err != nil {
		c.fail(path, err)
	} else if _, err := values.CleanString(state, schematype.MaxStateLen); err != nil {
		c.fail(path, err) // too long
	}
	return state
}

// linePart is a part of an address line, within max characters; one
// longer is TOO_LONG on the line's path (the client sent the line, not the
// part).
func (c *checker) linePart(linePath apperr.Path, part string, max int, what string) string {
	if utf8.RuneCountInString(part) > max {
		c.problems.Invalid(linePath, vocab.ReasonTooLong, "the "+what+" read from the address line is too long: give it separately")
		return ""
	}
	return part
}

// lineParts are the parts splitAddressLine finds in an address line:
// country is the alpha-2 code of the country the line ends with, and
// countryText that part as written.
type lineParts struct{ street, city, state, postal, country, countryText string }

// splitAddressLine splits a one-line address ("1 Market St, San Francisco,
// CA 94105") at its commas: the first part is the street, the second the
// city, and a later part holds a postal code (from its first word with a
// digit on: "94105", "SW1A 1AA") after an optional state ("CA"), or is the
// state alone. The last part after the city is the country when it is a
// country's name or code ("Georgia", "United Kingdom", "USA"), never the
// state; a two-letter code right after the city is a state's abbreviation
// rather ("San Francisco, CA" is not Canada), and the country only after
// another part ("CA 94105, US"). The state is a candidate the caller
// resolves against the address's country; a part that fits nowhere (a
// second state) stays in the line only.
func splitAddressLine(line string) lineParts {
	var parts []string
	for _, p := range strings.Split(line, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	var out lineParts
	if len(parts) > 0 {
		out.street = parts[0]
	}
	if len(parts) > 1 {
		out.city = parts[1]
	}
	rest := parts[min(2, len(parts)):]
	if n := len(rest); n > 0 && (n > 1 || len(rest[n-1]) != 2) {
		if country, err := values.ParseCountry(rest[n-1]); err == nil {
			out.country, out.countryText = country, rest[n-1]
			rest = rest[:n-1]
		}
	}
	for _, p := range rest {
		words := strings.Fields(p)
		digit := -1
		for i, w := range words {
			if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
				digit = i
				break
			}
		}
		if digit < 0 {
			if out.state == "" {
				out.state = p
			}
			continue
		}
		if out.postal == "" {
			out.postal = strings.Join(words[digit:], " ")
		}
		if digit > 0 && out.state == "" {
			out.state = strings.Join(words[:digit], " ")
		}
	}
	return out
}

// individualPhone is the person's phone from the top-level phone and the
// split one (phoneCountryCode + phoneNationalNumber, both or neither,
// values.PhoneFromParts); when both forms are sent they must be the same
// number (PHONE_MISMATCH). A calling code outside 1-999, the range the
// registration form gives, is OUT_OF_RANGE on phoneCountryCode. A
// national-format phone is read in region.
func (c *checker) individualPhone(in IndividualInput, region string) string {
	whole := ""
	if nonBlank(in.Phone) {
		whole = c.phone(apperr.Path{"phone"}, *in.Phone, region)
	}
	numberPath := apperr.Path{"phoneNationalNumber"}
	if in.PhoneNationalNumber != nil {
		if _, err := values.CleanString(*in.PhoneNationalNumber, schematype.MaxPhoneFieldLen); err != nil {
			c.fail(numberPath, err) // text that is no number at all, however it pairs
			return whole
		}
	}
	hasCode, hasNumber := in.PhoneCountryCode != nil, nonBlank(in.PhoneNationalNumber)
	switch {
	case !hasCode && !hasNumber:
		return whole
	case !hasCode:
		c.problems.Invalid(apperr.Path{"phoneCountryCode"}, vocab.ReasonRequired, "a value is required with phoneNationalNumber")
		return whole
	case !hasNumber:
		c.problems.Invalid(numberPath, vocab.ReasonRequired, "a value is required with phoneCountryCode")
		return whole
	}
	if code := *in.PhoneCountryCode; code < 1 || code > 999 {
		// No number has such a code: the code is wrong, not the number.
		c.problems.Invalid(apperr.Path{"phoneCountryCode"}, vocab.ReasonOutOfRange, "a country calling code is 1 to 999")
		return whole
	}
	split, err := values.PhoneFromParts(*in.PhoneCountryCode, *in.PhoneNationalNumber)
	if err != nil {
		c.fail(numberPath, err)
		return whole
	}
	if whole != "" && whole != split {
		c.problems.Invalid(apperr.Path{"phone"}, vocab.ReasonPhoneMismatch, "must be the number phoneCountryCode and phoneNationalNumber give")
	}
	return split
}
