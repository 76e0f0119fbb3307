package values

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// maxPhoneInput bounds what we hand to the phone parser. The longest E.164
// number is 15 digits; 64 characters leave room for spaces, dashes,
// parentheses and a "+" or "00" prefix as people type them.
const maxPhoneInput = 64

const phoneBadMessage = "Enter a valid phone number, including the country code (for example +44 20 7946 0958)."

// ParsePhone validates a phone number and returns it in E.164 form
// ("+37060012345"), the one form that is unambiguous worldwide and that SMS
// and KYC vendors accept. Parsing and validation use
// github.com/nyaruka/phonenumbers, a port of Google's libphonenumber, so the
// number must be valid per libphonenumber's metadata (IsValidNumber: right
// length and an assigned prefix for its region), not merely possible: we
// send one-time codes to it, and a number that can't exist is a typo we'd
// rather catch at the form than after a failed delivery.
//
// A number in international form ("+370 600 12345", "00370…") needs no
// region. A number in national form ("07036497792") is read as a number of
// defaultRegion (ISO 3166-1 alpha-2, such as "NG", usually the customer's
// country); without a known region it is INVALID_PHONE, because the same
// digits are different numbers in different countries. Numbers with an
// extension are rejected too: E.164 can't carry one and silently dropping
// it would store a number that doesn't reach the person.
func ParsePhone(s string, defaultRegion string) (string, error) {
	t, p := sanitize(s)
	if p != nil {
		return "", p
	}
	if t == "" || utf8.RuneCountInString(t) > maxPhoneInput {
		return "", newProblem(ReasonInvalidPhone, phoneBadMessage)
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	if !phonenumbers.GetSupportedRegions()[region] {
		// An unknown region is the same as none: national numbers fail,
		// international ones still parse.
		region = phonenumbers.UNKNOWN_REGION
	}
	n, ok := parsePhone(t, region)
	if !ok {
		return "", newProblem(ReasonInvalidPhone, phoneBadMessage)
	}
	return n, nil
}

// PhoneFromParts validates a phone number given as two fields, a country
// calling code (54 for Argentina, 1 for the NANP countries, 800 for
// international freephone) and the national number ("1168860622"), as
// forms with a country-code drop-down send it. It returns the E.164 string
// ("+541168860622") under the same rules as ParsePhone. A national number
// written with its trunk prefix ("07036497792" with 234) is understood, and
// one that names a different country code is INVALID_PHONE.
func PhoneFromParts(countryCallingCode int, national string) (string, error) {
	bad := newProblem(ReasonInvalidPhone, phoneBadMessage)
	t, p := sanitize(national)
	if p != nil {
		return "", p
	}
	if t == "" || utf8.RuneCountInString(t) > maxPhoneInput || countryCallingCode < 1 || countryCallingCode > 999 {
		return "", bad
	}
	region := phonenumbers.GetRegionCodeForCountryCode(countryCallingCode)
	var (
		e164 string
		ok   bool
	)
	switch region {
	case phonenumbers.UNKNOWN_REGION:
		return "", bad
	case phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
		// Non-geographic codes have no region to parse a national number
		// against, and no trunk prefix, so the international form is exact.
		e164, ok = parsePhone("+"+strconv.Itoa(countryCallingCode)+" "+t, phonenumbers.UNKNOWN_REGION)
	default:
		// The main region of the code (US for 1) is enough: validation
		// below checks the number against every region sharing the code.
		e164, ok = parsePhone(t, region)
	}
	if !ok || !strings.HasPrefix(e164, "+"+strconv.Itoa(countryCallingCode)) {
		return "", bad
	}
	// The prefix test alone would accept +1 for 12 (say), so compare the
	// code libphonenumber actually extracted.
	if n, err := phonenumbers.Parse(e164, phonenumbers.UNKNOWN_REGION); err != nil || int(n.GetCountryCode()) != countryCallingCode {
		return "", bad
	}
	return e164, nil
}

// parsePhone runs libphonenumber and returns the E.164 form of a valid number
// without extension. It recovers from any panic inside the library so that a
// pathological input becomes an INVALID_PHONE problem rather than a crashed
// request: registration validates every field and must always answer.
func parsePhone(s, region string) (e164 string, ok bool) {
	defer func() {
		if recover() != nil {
			e164, ok = "", false
		}
	}()
	n, err := phonenumbers.Parse(s, region)
	if err != nil || n.GetExtension() != "" || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	e164 = phonenumbers.Format(n, phonenumbers.E164)
	// E.164 allows at most 15 digits; libphonenumber's metadata accepts
	// some longer ones (German numbers: "+4921000000000000", 16 digits).
	if len(e164) > maxE164Digits+1 {
		return "", false
	}
	return e164, true
}

// maxE164Digits is E.164's bound on the digits of a number, country code
// included.
const maxE164Digits = 15
