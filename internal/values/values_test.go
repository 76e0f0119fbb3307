package values

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/biter777/countries"
	"golang.org/x/crypto/argon2"

	"onboard/internal/apperr/vocab"
)

// reasonOf is ReasonOf that also insists a non-nil error is a *Problem with a
// non-empty message, which every parser promises.
func reasonOf(t *testing.T, err error) vocab.Reason {
	t.Helper()
	if err == nil {
		return ""
	}
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("error %v (%T) is not a *Problem", err, err)
	}
	if p.Reason == "" || p.Message == "" {
		t.Fatalf("problem %#v lacks reason or message", p)
	}
	return p.Reason
}

// noEcho fails when a problem message repeats the input. Inputs shorter than
// 16 characters are skipped: they can occur in the fixed messages by chance
// ("@example.com"); TestMessagesNeverEchoInput covers echoing directly.
func noEcho(t *testing.T, err error, input string) {
	t.Helper()
	in := strings.TrimSpace(input)
	var p *Problem
	if errors.As(err, &p) && len(in) >= 16 && strings.Contains(p.Message, in) {
		t.Errorf("message %q repeats the input", p.Message)
	}
}

func TestProblem(t *testing.T) {
	p := &Problem{Reason: ReasonInvalidEmail, Message: "Bad."}
	if got := p.Error(); got != "INVALID_EMAIL: Bad." {
		t.Errorf("Error() = %q", got)
	}
	if got := ReasonOf(fmt.Errorf("wrapped: %w", p)); got != ReasonInvalidEmail {
		t.Errorf("ReasonOf(wrapped) = %q", got)
	}
	if got := ReasonOf(errors.New("plain")); got != "" {
		t.Errorf("ReasonOf(plain) = %q", got)
	}
	if got := ReasonOf(nil); got != "" {
		t.Errorf("ReasonOf(nil) = %q", got)
	}
	var nilP *Problem
	if nilP.Error() == "" {
		t.Error("nil Problem must still describe itself")
	}
}

func TestCleanStringAndRequired(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
		reason   vocab.Reason
	}{
		{"trims ascii space", "  Marcus \t\n", 10, "Marcus", ""},
		{"trims unicode space", "\u00a0\u2003Jūratė\u3000", 10, "Jūratė", ""},
		{"empty is fine", "   ", 10, "", ""},
		{"limit counts runes", "ąčęėįšųūž", 9, "ąčęėįšųūž", ""},
		{"limit after trim", "  abc  ", 3, "abc", ""},
		{"no limit", strings.Repeat("x", 10000), 0, strings.Repeat("x", 10000), ""},
		{"too long", "abcd", 3, "", ReasonTooLong},
		{"nul", "ab\x00c", 10, "", ReasonContainsNUL},
		{"invalid utf8", "ab\xffc", 10, "", ReasonInvalidUTF8},
		{"utf8 wins over length", strings.Repeat("x", 50) + "\xff", 3, "", ReasonInvalidUTF8},
		{"nul wins over length", strings.Repeat("x", 50) + "\x00", 3, "", ReasonContainsNUL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CleanString(tc.in, tc.max)
			if r := reasonOf(t, err); r != tc.reason || got != tc.want {
				t.Errorf("CleanString(%q, %d) = %q, %q; want %q, %q", tc.in, tc.max, got, r, tc.want, tc.reason)
			}
		})
	}
	if r := reasonOf(t, Required(" \t")); r != ReasonRequired {
		t.Errorf("Required(blank) = %q", r)
	}
	if err := Required("x"); err != nil {
		t.Errorf("Required(x) = %v", err)
	}
}

func TestParseEmail(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	tests := []struct {
		in, want string
		reason   vocab.Reason
	}{
		{"Marcus.Jensen@Example.com ", "marcus.jensen@example.com", ""},
		{"  ANN+tag@mail.example.co.uk", "ann+tag@mail.example.co.uk", ""},
		{"o'brien@xn--bcher-kva.example", "o'brien@xn--bcher-kva.example", ""},
		{"user@münchen.de", "user@münchen.de", ""},
		{long, long, ""},
		{long + "x", "", ReasonInvalidEmail},
		{strings.Repeat("a", 65) + "@example.com", "", ReasonInvalidEmail},
		{"", "", ReasonInvalidEmail},
		{"plainaddress", "", ReasonInvalidEmail},
		{"@example.com", "", ReasonInvalidEmail},
		{"a@", "", ReasonInvalidEmail},
		{"a@localhost", "", ReasonInvalidEmail},
		{"a@b@example.com", "", ReasonInvalidEmail},
		{"Ann <ann@example.com>", "", ReasonInvalidEmail},
		{"<ann@example.com>", "", ReasonInvalidEmail},
		{"ann@example.com (Ann)", "", ReasonInvalidEmail},
		{`"ann smith"@example.com`, "", ReasonInvalidEmail},
		{"ann@example.com, bob@example.com", "", ReasonInvalidEmail},
		{"ann..smith@example.com", "", ReasonInvalidEmail},
		{".ann@example.com", "", ReasonInvalidEmail},
		{"ann@[192.168.0.1]", "", ReasonInvalidEmail},
		{"ann@192.168.0.1", "", ReasonInvalidEmail},
		{"ann@-example.com", "", ReasonInvalidEmail},
		{"ann@example..com", "", ReasonInvalidEmail},
		{"ann@exa_mple.com", "", ReasonInvalidEmail},
		{"ann smith@example.com", "", ReasonInvalidEmail},
		{"ann@example.com\x00", "", ReasonContainsNUL},
		{"ann\xff@example.com", "", ReasonInvalidUTF8},
	}
	for _, tc := range tests {
		got, err := ParseEmail(tc.in)
		if r := reasonOf(t, err); r != tc.reason || got != tc.want {
			t.Errorf("ParseEmail(%q) = %q, %q; want %q, %q", tc.in, got, r, tc.want, tc.reason)
		}
		noEcho(t, err, tc.in)
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in, region, want string
		reason           vocab.Reason
	}{
		// Fixture numbers.
		{"+37060012345", "", "+37060012345", ""},
		{"+37060012346", "", "+37060012346", ""},
		{"+37060012347", "", "+37060012347", ""},
		{"+37060012348", "", "+37060012348", ""},
		{"+37067890124", "LT", "+37067890124", ""},
		{"+14155550123", "", "+14155550123", ""},
		{"+541168860622", "", "+541168860622", ""},
		{"07036497792", "NG", "+2347036497792", ""},
		{"07036497792", "ng", "+2347036497792", ""},
		// Other spellings of the same numbers.
		{" +370 600 12345 ", "", "+37060012345", ""},
		{"00370 600 12345", "LT", "+37060012345", ""},
		{"8 600 12345", "LT", "+37060012345", ""},
		{"(415) 555-0123", "US", "+14155550123", ""},
		{"+54 9 11 6886-0622", "", "+5491168860622", ""},
		// International form ignores the region.
		{"+37060012345", "NG", "+37060012345", ""},
		// Failures.
		{"07036497792", "", "", ReasonInvalidPhone},       // national form needs a region
		{"07036497792", "XX", "", ReasonInvalidPhone},     // unknown region = none
		{"+3706001234", "", "", ReasonInvalidPhone},       // too short for LT
		{"+370600123456", "", "", ReasonInvalidPhone},     // too long for LT
		{"+10005550123", "", "", ReasonInvalidPhone},      // area code 000 doesn't exist
		{"+4921000000000000", "", "", ReasonInvalidPhone}, // 16 digits: past E.164's 15, though libphonenumber accepts it
		{"+999123456", "", "", ReasonInvalidPhone},        // unassigned country code
		{"+37060012345 ext. 7", "", "", ReasonInvalidPhone},
		{"not a phone", "US", "", ReasonInvalidPhone},
		{"", "LT", "", ReasonInvalidPhone},
		{"+" + strings.Repeat("1", 100), "", "", ReasonInvalidPhone},
		{"+370600\x0012345", "", "", ReasonContainsNUL},
		{"+370600\xff12345", "", "", ReasonInvalidUTF8},
	}
	for _, tc := range tests {
		got, err := ParsePhone(tc.in, tc.region)
		if r := reasonOf(t, err); r != tc.reason || got != tc.want {
			t.Errorf("ParsePhone(%q, %q) = %q, %q; want %q, %q", tc.in, tc.region, got, r, tc.want, tc.reason)
		}
		noEcho(t, err, tc.in)
	}
}

func TestPhoneFromParts(t *testing.T) {
	tests := []struct {
		cc             int
		national, want string
		reason         vocab.Reason
	}{
		{54, "1168860622", "+541168860622", ""},
		{54, "11 6886-0622", "+541168860622", ""},
		{370, "60012345", "+37060012345", ""},
		{234, "07036497792", "+2347036497792", ""}, // trunk prefix understood
		{234, "7036497792", "+2347036497792", ""},
		{1, "4155550123", "+14155550123", ""},
		{1, "6135550123", "+16135550123", ""}, // Canada shares code 1
		{800, "12345678", "+80012345678", ""}, // international freephone
		{44, "+37060012345", "", ReasonInvalidPhone},
		{370, "1168860622", "", ReasonInvalidPhone},
		{0, "60012345", "", ReasonInvalidPhone},
		{-1, "60012345", "", ReasonInvalidPhone},
		{999, "60012345", "", ReasonInvalidPhone},
		{100000, "60012345", "", ReasonInvalidPhone},
		{370, "", "", ReasonInvalidPhone},
		{370, "600\x0012345", "", ReasonContainsNUL},
	}
	for _, tc := range tests {
		got, err := PhoneFromParts(tc.cc, tc.national)
		if r := reasonOf(t, err); r != tc.reason || got != tc.want {
			t.Errorf("PhoneFromParts(%d, %q) = %q, %q; want %q, %q", tc.cc, tc.national, got, r, tc.want, tc.reason)
		}
	}
}

func TestParseCountry(t *testing.T) {
	tests := []struct {
		in, want string
		reason   vocab.Reason
	}{
		{"LT", "LT", ""},
		{"lt", "LT", ""},
		{" Lithuania ", "LT", ""},
		{"lithuania", "LT", ""},
		{"LITHUANIA", "LT", ""},
		{"LTU", "LT", ""},
		{"ARG", "AR", ""},
		{"arg", "AR", ""},
		{"US", "US", ""},
		{"USA", "US", ""},
		{"United States", "US", ""},
		{"united states of america", "US", ""},
		{"United Kingdom", "GB", ""},
		{"GB", "GB", ""},
		{"UK", "GB", ""},
		{"Nigeria", "NG", ""},
		{"Côte d'Ivoire", "CI", ""},
		{"", "", ReasonUnknownCountry},
		{"   ", "", ReasonUnknownCountry},
		{"XX", "", ReasonUnknownCountry},  // user-assigned
		{"XK", "", ReasonUnknownCountry},  // Kosovo: user-assigned code
		{"XKX", "", ReasonUnknownCountry}, // its alpha-3
		{"Kosovo", "", ReasonUnknownCountry},
		{"AN", "", ReasonUnknownCountry}, // Netherlands Antilles, withdrawn
		{"YU", "", ReasonUnknownCountry}, // Yugoslavia, withdrawn
		{"EU", "", ReasonUnknownCountry}, // not a country
		{"ZZ", "", ReasonUnknownCountry},
		{"DD", "", ReasonUnknownCountry},  // East Germany, not an ISO code now
		{"ENG", "", ReasonUnknownCountry}, // not an ISO code
		{"L1T", "", ReasonUnknownCountry},
		{"Lithuania1", "", ReasonUnknownCountry},
		{"U.S.", "", ReasonUnknownCountry},
		{"Atlantis", "", ReasonUnknownCountry},
		{"440", "", ReasonUnknownCountry},
		{strings.Repeat("Lithuania", 10), "", ReasonUnknownCountry},
		{"L\x00T", "", ReasonContainsNUL},
		{"L\xffT", "", ReasonInvalidUTF8},
	}
	for _, tc := range tests {
		got, err := ParseCountry(tc.in)
		if r := reasonOf(t, err); r != tc.reason || got != tc.want {
			t.Errorf("ParseCountry(%q) = %q, %q; want %q, %q", tc.in, got, r, tc.want, tc.reason)
		}
	}
}

// TestCountryTable pins the table to the 249 officially assigned ISO 3166-1
// codes, so a library upgrade that adds a user-assigned or withdrawn code
// fails here, and checks that every country resolves from its alpha-2,
// alpha-3 and the library's English name.
func TestCountryTable(t *testing.T) {
	tab := geo()
	if n := len(tab.byAlpha2); n != 249 {
		t.Errorf("country table has %d entries, want the 249 assigned ISO 3166-1 codes", n)
	}
	for a2, c := range tab.byAlpha2 {
		for _, in := range []string{a2, strings.ToLower(a2), c.Alpha3(), c.String(), strings.ToUpper(c.String())} {
			if got, err := ParseCountry(in); err != nil || got != a2 {
				t.Errorf("ParseCountry(%q) = %q, %v; want %q", in, got, err, a2)
			}
		}
	}
	if _, ok := tab.byAlpha2[countries.Unknown.Alpha2()]; ok {
		t.Error("table contains the library's Unknown entry")
	}
}

func TestParseSubdivision(t *testing.T) {
	tests := []struct {
		country, in, want string
		reason            vocab.Reason
	}{
		{"AR", "AR-B", "AR-B", ""},
		{"AR", "ar-b", "AR-B", ""},
		{"AR", "ARG-B", "AR-B", ""},
		{"AR", "B", "AR-B", ""},
		{"AR", "Buenos Aires", "AR-B", ""},
		{"AR", "Cordoba", "AR-X", ""},
		{"AR", "Córdoba", "AR-X", ""},
		{"US", "CA", "US-CA", ""},
		{"US", "ca", "US-CA", ""},
		{"US", "US-CA", "US-CA", ""},
		{"US", "USA-CA", "US-CA", ""},
		{"US", "California", "US-CA", ""},
		{"US", " new  york ", "US-NY", ""},
		{"usa", "california", "US-CA", ""}, // country in another accepted form
		{"LT", "Vilniaus Apskritis", "LT-VL", ""},
		{"LT", "Taurages apskritis", "LT-TA", ""},
		{"GB", "Isle of Anglesey", "GB-AGY", ""},
		{"AE", "Abu Dhabi", "AE-AZ", ""},
		{"HT", "Sud-Est", "HT-SE", ""},
		// Unresolved: returned as cleaned free text.
		{"LT", "Vilnius", "Vilnius", ""},
		{"US", "  Springfield district ", "Springfield district", ""},
		{"US", "US-XX", "US-XX", ""},     // right country, code the list lacks
		{"FR", "Sud-Est", "Sud-Est", ""}, // not Sudan's SUD
		{"FR", "us-xx", "us-xx", ""},     // lower-case, unknown: free text
		{"BD", "Dhaka", "Dhaka", ""},     // two subdivisions share the name
		{"", "US-CA", "US-CA", ""},       // no country: free text
		{"XX", "California", "California", ""},
		{"AR", "", "", ""},
		{"AR", "   ", "", ""},
		// Contradictions.
		{"AR", "US-CA", "", ReasonInvalidSubdivision},
		{"AR", "us-ca", "", ReasonInvalidSubdivision},
		{"AR", "USA-CA", "", ReasonInvalidSubdivision},
		{"LT", "US-XX", "", ReasonInvalidSubdivision},
		// Text problems.
		{"US", strings.Repeat("a", 101), "", ReasonTooLong},
		{"US", "C\x00A", "", ReasonContainsNUL},
		{"US", "C\xffA", "", ReasonInvalidUTF8},
	}
	for _, tc := range tests {
		got, err := ParseSubdivision(tc.country, tc.in)
		if r := reasonOf(t, err); r != tc.reason || got != tc.want {
			t.Errorf("ParseSubdivision(%q, %q) = %q, %q; want %q, %q", tc.country, tc.in, got, r, tc.want, tc.reason)
		}
	}
}

func TestParseGender(t *testing.T) {
	s := " female "
	tests := []struct {
		in     any
		want   string
		reason vocab.Reason
	}{
		{"MALE", "MALE", ""},
		{"male", "MALE", ""},
		{" Female ", "FEMALE", ""},
		{"other", "OTHER", ""},
		{"UNKNOWN", "UNKNOWN", ""},
		{&s, "FEMALE", ""},
		{0, "UNKNOWN", ""},
		{1, "MALE", ""},
		{2, "FEMALE", ""},
		{9, "OTHER", ""},
		{int64(1), "MALE", ""},
		{int32(2), "FEMALE", ""},
		{uint8(9), "OTHER", ""},
		{float64(0), "UNKNOWN", ""},
		{float64(2), "FEMALE", ""},
		{json.Number("1"), "MALE", ""},
		{json.Number("2.0"), "FEMALE", ""},
		{"0", "UNKNOWN", ""},
		{" 9 ", "OTHER", ""},
		{"M", "", ReasonInvalidGender},
		{"", "", ReasonInvalidGender},
		{"+1", "", ReasonInvalidGender},
		{"1e0", "", ReasonInvalidGender},
		{"1.0", "", ReasonInvalidGender},
		{3, "", ReasonInvalidGender},
		{-1, "", ReasonInvalidGender},
		{int64(math.MaxInt64), "", ReasonInvalidGender},
		{uint64(math.MaxUint64), "", ReasonInvalidGender},
		{1.5, "", ReasonInvalidGender},
		{math.NaN(), "", ReasonInvalidGender},
		{math.Inf(1), "", ReasonInvalidGender},
		{1e300, "", ReasonInvalidGender},
		{json.Number("NaN"), "", ReasonInvalidGender},
		{json.Number("1.5"), "", ReasonInvalidGender},
		{json.Number("x"), "", ReasonInvalidGender},
		{true, "", ReasonInvalidGender},
		{nil, "", ReasonInvalidGender},
		{(*string)(nil), "", ReasonInvalidGender},
		{[]string{"MALE"}, "", ReasonInvalidGender},
		{"MA\x00LE", "", ReasonContainsNUL},
	}
	for _, tc := range tests {
		got, err := ParseGender(tc.in)
		if r := reasonOf(t, err); r != tc.reason || got != tc.want {
			t.Errorf("ParseGender(%#v) = %q, %q; want %q, %q", tc.in, got, r, tc.want, tc.reason)
		}
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Time
		reason vocab.Reason
	}{
		{"1990-05-15", date(1990, 5, 15), ""},
		{" 1990-05-15 ", date(1990, 5, 15), ""},
		{"1990-01-15T00:00:00.000Z", date(1990, 1, 15), ""},
		{"1990-01-15T00:00:00Z", date(1990, 1, 15), ""},
		{"1990-01-15T23:30:00-05:00", date(1990, 1, 15), ""}, // date as written
		{"1990-01-15T00:30:00+02:00", date(1990, 1, 15), ""},
		{"2000-02-29", date(2000, 2, 29), ""},
		{"1990-02-30", time.Time{}, ReasonInvalidDate},
		{"1900-02-29", time.Time{}, ReasonInvalidDate},
		{"1990-13-01", time.Time{}, ReasonInvalidDate},
		{"1990-5-15", time.Time{}, ReasonInvalidDate},
		{"15/05/1990", time.Time{}, ReasonInvalidDate},
		{"1990-05-15T25:00:00Z", time.Time{}, ReasonInvalidDate},
		{"1990-05-15T10:00:00", time.Time{}, ReasonInvalidDate}, // no offset
		{"", time.Time{}, ReasonInvalidDate},
		{strings.Repeat("1", 41), time.Time{}, ReasonInvalidDate},
		{"1990-05-15\x00", time.Time{}, ReasonContainsNUL},
	}
	for _, tc := range tests {
		got, err := ParseDate(tc.in)
		if r := reasonOf(t, err); r != tc.reason || !got.Equal(tc.want) || (err == nil && got.Location() != time.UTC) {
			t.Errorf("ParseDate(%q) = %v, %q; want %v, %q", tc.in, got, r, tc.want, tc.reason)
		}
		noEcho(t, err, tc.in)
	}
}

func TestCheckDateOfBirth(t *testing.T) {
	now := time.Date(2024, 6, 15, 13, 45, 0, 0, time.UTC)
	tests := []struct {
		name   string
		dob    time.Time
		now    time.Time
		minAge int
		reason vocab.Reason
	}{
		{"adult", date(1990, 5, 15), now, 18, ""},
		{"18 today", date(2006, 6, 15), now, 18, ""},
		{"18 tomorrow", date(2006, 6, 16), now, 18, ReasonTooYoung},
		{"born today, no minimum", date(2024, 6, 15), now, 0, ""},
		{"born today", date(2024, 6, 15), now, 18, ReasonTooYoung},
		{"tomorrow", date(2024, 6, 16), now, 0, ReasonDateInFuture},
		{"far future", date(2990, 1, 1), now, 18, ReasonDateInFuture},
		{"leapling, common year, Feb 28", date(2004, 2, 29), time.Date(2022, 2, 28, 23, 0, 0, 0, time.UTC), 18, ReasonTooYoung},
		{"leapling, common year, Mar 1", date(2004, 2, 29), time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), 18, ""},
		{"leapling, leap year, Feb 28", date(2000, 2, 29), date(2020, 2, 28), 20, ReasonTooYoung},
		{"leapling, leap year, Feb 29", date(2000, 2, 29), date(2020, 2, 29), 20, ""},
		{"now in another zone", date(2006, 6, 16), time.Date(2024, 6, 16, 1, 0, 0, 0, time.FixedZone("UTC+3", 3*3600)), 18, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := reasonOf(t, CheckDateOfBirth(tc.dob, tc.now, tc.minAge)); r != tc.reason {
				t.Errorf("CheckDateOfBirth(%v, %v, %d) = %q; want %q", tc.dob, tc.now, tc.minAge, r, tc.reason)
			}
		})
	}
	if got := ageOn(date(2000, 2, 29), date(2020, 2, 29)); got != 20 {
		t.Errorf("ageOn leap birthday = %d", got)
	}
	if r := reasonOf(t, CheckNotFuture(date(2024, 6, 15), now)); r != "" {
		t.Errorf("CheckNotFuture(today) = %q", r)
	}
	if r := reasonOf(t, CheckNotFuture(date(2024, 6, 16), now)); r != ReasonDateInFuture {
		t.Errorf("CheckNotFuture(tomorrow) = %q", r)
	}
	if r := reasonOf(t, CheckNotFuture(date(1999, 1, 1), now)); r != "" {
		t.Errorf("CheckNotFuture(past) = %q", r)
	}
}

func TestParseWebsite(t *testing.T) {
	tests := []struct {
		in, want string
		reason   vocab.Reason
	}{
		{"https://example.com", "https://example.com", ""},
		{" HTTPS://Example.COM/About?x=1#team ", "https://example.com/About?x=1#team", ""},
		{"http://www.example.co.uk/", "http://www.example.co.uk/", ""},
		{"https://example.com:443/a", "https://example.com/a", ""},
		{"http://example.com:80", "http://example.com", ""},
		{"https://example.com:8443", "https://example.com:8443", ""},
		{"https://example.com./", "https://example.com/", ""},
		{"https://bücher.de", "https://bücher.de", ""},
		{"example.com", "", ReasonInvalidURL},
		{"www.example.com/path", "", ReasonInvalidURL},
		{"//example.com", "", ReasonInvalidURL},
		{"ftp://example.com", "", ReasonInvalidURL},
		{"javascript:alert(1)", "", ReasonInvalidURL},
		{"mailto:ann@example.com", "", ReasonInvalidURL},
		{"https://", "", ReasonInvalidURL},
		{"https://localhost", "", ReasonInvalidURL},
		{"http://127.0.0.1/", "", ReasonInvalidURL},
		{"http://[::1]/", "", ReasonInvalidURL},
		{"https://user:secret@example.com", "", ReasonInvalidURL},
		{"https://exa mple.com", "", ReasonInvalidURL},
		{"https://example.com:99999", "", ReasonInvalidURL},
		{"https://example.com:0", "", ReasonInvalidURL},
		{"https://-bad-.com", "", ReasonInvalidURL},
		{"", "", ReasonInvalidURL},
		{"https://example.com/" + strings.Repeat("a", 2048), "", ReasonInvalidURL},
		{"https://example.com/\x00", "", ReasonContainsNUL},
	}
	for _, tc := range tests {
		got, err := ParseWebsite(tc.in)
		if r := reasonOf(t, err); r != tc.reason || got != tc.want {
			t.Errorf("ParseWebsite(%q) = %q, %q; want %q, %q", tc.in, got, r, tc.want, tc.reason)
		}
		noEcho(t, err, tc.in)
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		pw      string
		reasons []vocab.Reason
		missing []string // words the TOO_WEAK message must name
	}{
		{"Correct-Horse-9", nil, nil},
		{"Aa1!aaaa", nil, nil},
		{"Ąžuolas 1", nil, nil}, // non-ASCII letters, space as symbol
		{"Aa1!aaa", []vocab.Reason{ReasonPasswordTooShort}, nil},
		{"", []vocab.Reason{ReasonPasswordTooShort, ReasonPasswordTooWeak}, []string{"upper-case", "lower-case", "digit", "symbol"}},
		{"password", []vocab.Reason{ReasonPasswordTooWeak}, []string{"upper-case", "digit", "symbol"}},
		{"PASSWORD1!", []vocab.Reason{ReasonPasswordTooWeak}, []string{"lower-case"}},
		{"Password!!", []vocab.Reason{ReasonPasswordTooWeak}, []string{"digit"}},
		{"Password12", []vocab.Reason{ReasonPasswordTooWeak}, []string{"symbol"}},
		{"abc", []vocab.Reason{ReasonPasswordTooShort, ReasonPasswordTooWeak}, []string{"upper-case", "digit", "symbol"}},
		{"Aa1!" + strings.Repeat("x", 124), nil, nil},
		{"Aa1!" + strings.Repeat("x", 125), []vocab.Reason{ReasonPasswordTooLong}, nil},
		{strings.Repeat("x", 129), []vocab.Reason{ReasonPasswordTooLong, ReasonPasswordTooWeak}, []string{"upper-case", "digit", "symbol"}},
		{"Aa1!aaaa\x00", []vocab.Reason{ReasonContainsNUL}, nil},
		{"Aa1!aaaa\xff", []vocab.Reason{ReasonInvalidUTF8}, nil},
	}
	for _, tc := range tests {
		probs := CheckPassword(tc.pw)
		var got []vocab.Reason
		for _, p := range probs {
			got = append(got, p.Reason)
			if len(tc.pw) > 8 && strings.Contains(p.Message, tc.pw) { // "password" is in every message
				t.Errorf("message %q contains the password", p.Message)
			}
			if p.Reason == ReasonPasswordTooWeak {
				for _, w := range tc.missing {
					if !strings.Contains(p.Message, w) {
						t.Errorf("CheckPassword(%q) weak message %q does not name %q", tc.pw, p.Message, w)
					}
				}
				for _, w := range []string{"upper-case", "lower-case", "digit", "symbol"} {
					if strings.Contains(p.Message, w) && !contains(tc.missing, w) {
						t.Errorf("CheckPassword(%q) weak message %q names present class %q", tc.pw, p.Message, w)
					}
				}
			}
		}
		if !slices.Equal(got, tc.reasons) {
			t.Errorf("CheckPassword(%q) reasons = %v; want %v", tc.pw, got, tc.reasons)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestMessagesNeverEchoInput feeds every parser invalid input that carries a
// distinctive marker, standing in for personal data or a password, and checks
// that no message contains it.
func TestMessagesNeverEchoInput(t *testing.T) {
	const m = "Zq7SecretMarker"
	var errs []error
	collect := func(_ any, err error) { errs = append(errs, err) }
	collect(CleanString(m+m, 3))
	collect(CleanString(m+"\xff", 3))
	collect(CleanString(m+"\x00", 3))
	collect(ParseEmail(m))
	collect(ParseEmail("<" + m + "@example.com>"))
	collect(ParsePhone(m, "LT"))
	collect(ParsePhone("+370"+m, ""))
	collect(PhoneFromParts(370, m))
	collect(ParseCountry(m))
	collect(ParseSubdivision("AR", "US-"+m[:2]))
	collect(ParseSubdivision("AR", m+strings.Repeat("x", 100)))
	collect(ParseGender(m))
	collect(ParseDate(m))
	collect(ParseDate("1990-02-30T00:00:00Z" + m))
	collect(ParseWebsite("https://" + m))
	collect(ParseWebsite("https://u:" + m + "@example.com"))
	for _, p := range CheckPassword(m) {
		errs = append(errs, p)
	}
	for _, p := range CheckPassword("short" + m[:1]) {
		errs = append(errs, p)
	}
	for i, err := range errs {
		reasonOf(t, err)
		if strings.Contains(err.Error(), m) || strings.Contains(err.Error(), "US-Zq") {
			t.Errorf("problem %d %q repeats the input", i, err)
		}
	}
}

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHasher(t *testing.T) {
	h := NewHasher(2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "Correct-Horse-9")
	if err != nil {
		t.Fatal(err)
	}
	if !phcPattern.MatchString(enc) {
		t.Fatalf("hash %q is not in the expected PHC format", enc)
	}
	if strings.Contains(enc, "Correct-Horse-9") {
		t.Fatal("hash contains the password")
	}
	enc2, err := h.Hash(ctx, "Correct-Horse-9")
	if err != nil || enc2 == enc {
		t.Fatalf("second hash = %q, %v; want a different salt", enc2, err)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"Correct-Horse-9", true},
		{"correct-horse-9", false},
		{"Correct-Horse-9 ", false},
		{"", false},
	} {
		ok, err := h.Verify(tc.pw, enc)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	if ok, err := h.VerifyContext(ctx, "Correct-Horse-9", enc2); !ok || err != nil {
		t.Errorf("VerifyContext = %v, %v", ok, err)
	}
}

// TestVerifyReadsParameters checks that hashes made with other argon2id
// settings (say, before a parameter upgrade) still verify.
func TestVerifyReadsParameters(t *testing.T) {
	salt := []byte("0123456789abcdef01234567")
	key := argon2.IDKey([]byte("pw"), salt, 1, 8*1024, 2, 24)
	b64 := base64.RawStdEncoding
	enc := fmt.Sprintf("$argon2id$v=19$m=8192,t=1,p=2$%s$%s", b64.EncodeToString(salt), b64.EncodeToString(key))
	h := NewHasher(1)
	if ok, err := h.Verify("pw", enc); !ok || err != nil {
		t.Errorf("Verify = %v, %v; want true", ok, err)
	}
	if ok, err := h.Verify("pW", enc); ok || err != nil {
		t.Errorf("Verify(wrong) = %v, %v; want false, nil", ok, err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := NewHasher(1)
	good, err := h.Hash(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	withParams := func(p string) string { return "$argon2id$v=19$" + p + "$" + salt + "$" + key }
	for _, enc := range []string{
		"",
		"garbage",
		strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		withParams("m=19456,t=2"),
		withParams("t=2,m=19456,p=1"),
		withParams("m=019456,t=2,p=1"),
		withParams("m=+19456,t=2,p=1"),
		withParams("m=19456,t=0,p=1"),
		withParams("m=19456,t=2,p=0"),
		withParams("m=4294967295,t=2,p=1"), // would allocate 4 TiB
		withParams("m=99999999999,t=2,p=1"),
		withParams("m=19456,t=100000,p=1"),
		withParams("m=8,t=2,p=2"),
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "=",
		"$argon2id$v=19$m=19456,t=2,p=1$$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$",
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key[:10],
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$",
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$!!!" + key[3:],
	} {
		ok, err := h.Verify("x", enc)
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformedHash", enc, ok, err)
		}
	}
}

func TestHasherBoundsConcurrency(t *testing.T) {
	h := NewHasher(1)
	// Occupy the only slot, as a long-running hash would.
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "pw"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash with full semaphore = %v; want DeadlineExceeded", err)
	}
	if _, err := h.VerifyContext(ctx, "pw", "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("VerifyContext with full semaphore = %v; want DeadlineExceeded", err)
	}
	h.release()

	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := h.Hash(cancelled, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash with cancelled context = %v; want Canceled", err)
	}
	if len(h.sem) != 0 {
		t.Errorf("%d slots still held after the calls returned", len(h.sem))
	}
	if h := NewHasher(0); cap(h.sem) != 1 {
		t.Errorf("NewHasher(0) capacity = %d; want 1", cap(h.sem))
	}
	var zero Hasher
	if _, err := zero.Hash(context.Background(), "pw"); err == nil {
		t.Error("zero Hasher must refuse, not block")
	}
	var nilH *Hasher
	if _, err := nilH.Verify("pw", "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"); err == nil {
		t.Error("nil Hasher must refuse, not panic")
	}
}

// FuzzParsers checks the promise registration code relies on: no input makes
// a parser panic, every error is a *Problem, and no message repeats the input.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"", "Marcus.Jensen@Example.com ", "+37060012345", "07036497792", "LT", "US-CA", "ARG-B", "MALE", "1990-02-30", "1990-01-15T00:00:00.000Z", "https://example.com", "Aa1!aaaa", "\xff\x00", "+" + strings.Repeat("9", 300)} {
		f.Add(s, "NG")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		check := func(err error) {
			if err == nil {
				return
			}
			var p *Problem
			if !errors.As(err, &p) || p.Reason == "" || p.Message == "" {
				t.Fatalf("error %v is not a complete *Problem", err)
			}
			noEcho(t, err, s)
		}
		_, err := CleanString(s, 20)
		check(err)
		_, err = ParseEmail(s)
		check(err)
		_, err = ParsePhone(s, region)
		check(err)
		_, err = PhoneFromParts(len(region)*37, s)
		check(err)
		_, err = ParseCountry(s)
		check(err)
		_, err = ParseSubdivision(region, s)
		check(err)
		_, err = ParseGender(s)
		check(err)
		_, err = ParseDate(s)
		check(err)
		_, err = ParseWebsite(s)
		check(err)
		for _, p := range CheckPassword(s) {
			if len(s) >= 16 && strings.Contains(p.Message, s) {
				t.Fatalf("password message %q repeats the password", p.Message)
			}
		}
	})
}

// BenchmarkHash measures one argon2id hash at the production parameters
// (19 MiB, t = 2, p = 1), the cost every signup pays and the figure to size
// NewHasher's concurrency against.
func BenchmarkHash(b *testing.B) {
	h := NewHasher(1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "Correct-Horse-9"); err != nil {
			b.Fatal(err)
		}
	}
}
