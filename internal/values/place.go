package values

import (
	"github.com/nyaruka/phonenumbers"
)

// The read side of addresses and phones: what a stored value (an alpha-2
// country, a state that is an ISO 3166-2 code or free text, an E.164
// phone) also reads as, computed from the value alone so that reading it
// costs no query.

// StateCode is the ISO 3166-2 code of a stored state ("US-CA"), or "" when
// the state is free text that ParseSubdivision could not resolve.
func StateCode(state string) string {
	if IsSubdivision(state) {
		return state
	}
	return ""
}

// StateName is a stored state as a person reads it: the subdivision's name
// from the ISO list ("California" for "US-CA"), or the free text as stored.
func StateName(state string) string {
	if name, ok := geo().subdivNames[state]; ok {
		return name
	}
	return state
}

// CountryAlpha3 is the ISO 3166-1 alpha-3 code of a stored alpha-2 country
// ("US" → "USA"), or "" for one that is not assigned.
func CountryAlpha3(alpha2 string) string {
	if c, ok := geo().byAlpha2[alpha2]; ok {
		return c.Alpha3()
	}
	return ""
}

// CountryName is the English short name of a stored alpha-2 country ("AR"
// → "Argentina"), or "" for one that is not assigned.
func CountryName(alpha2 string) string {
	if c, ok := geo().byAlpha2[alpha2]; ok {
		return c.String()
	}
	return ""
}

// PhoneParts is a stored E.164 phone number split as forms with a
// country-code drop-down show it.
type PhoneParts struct {
	// E164 is the number as stored ("+541168860622").
	E164 string
	// CountryCallingCode is its country calling code (54).
	CountryCallingCode int
	// NationalNumber is its national significant number, without trunk
	// prefix ("1168860622").
	NationalNumber string
	// RegionCode is the ISO 3166-1 alpha-2 region the number belongs to
	// ("AR"), or "" for a non-geographic number (+800) or one whose region
	// the metadata cannot tell.
	RegionCode string
}

// SplitPhone splits a stored E.164 number; ok is false for a value that is
// not one (nothing valid was ever stored that way, but a value from before
// phones were validated reads as no number rather than failing the read).
func SplitPhone(e164 string) (parts PhoneParts, ok bool) {
	defer func() {
		if recover() != nil {
			parts, ok = PhoneParts{}, false
		}
	}()
	if len(e164) < 2 || e164[0] != '+' {
		return PhoneParts{}, false
	}
	n, err := phonenumbers.Parse(e164, phonenumbers.UNKNOWN_REGION)
	if err != nil {
		return PhoneParts{}, false
	}
	parts = PhoneParts{
		E164:               e164,
		CountryCallingCode: int(n.GetCountryCode()),
		NationalNumber:     phonenumbers.GetNationalSignificantNumber(n),
	}
	if region := phonenumbers.GetRegionCodeForNumber(n); region != phonenumbers.UNKNOWN_REGION && region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
		parts.RegionCode = region
	}
	return parts, true
}
