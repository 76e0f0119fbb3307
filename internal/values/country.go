package values

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/biter777/countries"
	"golang.org/x/text/unicode/norm"
)

// Input bounds: the longest English short name of a country is under 60
// characters, and subdivision names, which are free text for unknown ones,
// fit in 100 characters.
const (
	maxCountryInput     = 64
	maxSubdivisionInput = 100
)

const countryBadMessage = "Choose a country from the list, or enter its two-letter ISO code."

// notAssigned lists codes that github.com/biter777/countries knows but that
// are not officially assigned ISO 3166-1 codes today: AN (Netherlands
// Antilles, withdrawn 2010), YU (Yugoslavia, withdrawn 2003) and XK (Kosovo,
// a user-assigned code). Customers must have a country that KYC vendors,
// payment networks and sanction lists recognise, so these are rejected.
var notAssigned = map[string]bool{"AN": true, "YU": true, "XK": true}

// isoSubdivisionPattern matches the shape of an ISO 3166-2 code after upper-
// casing: a country prefix (alpha-2, or alpha-3 as some clients send it), a
// hyphen and one to three letters or digits.
var isoSubdivisionPattern = regexp.MustCompile(`^([A-Z]{2,3})-([A-Z0-9]{1,3})$`)

// geoTable is the read-only lookup data built once from the library. It is
// built lazily so programs that never validate a country don't pay for it,
// and it is never modified afterwards, so concurrent readers need no lock.
type geoTable struct {
	byAlpha2     map[string]countries.CountryCode // "LT" -> code
	alpha3To2    map[string]string                // "LTU" -> "LT"
	subdivisions map[string]subdivisionIndex      // "US" -> index
	allSubdivs   map[string]bool                  // "US-CA" -> true
	// subdivNames is each known subdivision's name as the library gives it.
	subdivNames map[string]string // "US-CA" -> "California"
	// worldByName resolves a subdivision name without a country: folded
	// name -> code, "" when subdivisions of several countries (or two of
	// one) share the name.
	worldByName map[string]string
}

// subdivisionIndex resolves the subdivisions of one country.
type subdivisionIndex struct {
	bySuffix map[string]string // "CA" -> "US-CA"
	byName   map[string]string // folded name -> code, "" when ambiguous
}

// geo returns the shared table, building it on first use.
var geo = sync.OnceValue(buildGeoTable)

func buildGeoTable() *geoTable {
	t := &geoTable{
		byAlpha2:     map[string]countries.CountryCode{},
		alpha3To2:    map[string]string{},
		subdivisions: map[string]subdivisionIndex{},
		allSubdivs:   map[string]bool{},
		subdivNames:  map[string]string{},
		worldByName:  map[string]string{},
	}
	for _, c := range countries.All() {
		a2, a3 := c.Alpha2(), c.Alpha3()
		if !c.IsValid() || notAssigned[a2] || len(a2) != 2 || len(a3) != 3 {
			continue
		}
		t.byAlpha2[a2] = c
		t.alpha3To2[a3] = a2
		idx := subdivisionIndex{bySuffix: map[string]string{}, byName: map[string]string{}}
		for _, sd := range c.Subdivisions() {
			code := string(sd)
			prefix, suffix, ok := strings.Cut(code, "-")
			if !ok || prefix != a2 || !isoSubdivisionPattern.MatchString(code) {
				continue
			}
			idx.bySuffix[suffix] = code
			t.allSubdivs[code] = true
			t.subdivNames[code] = sd.String()
			for _, name := range subdivisionNameVariants(sd.String()) {
				key := foldName(name)
				if key == "" {
					continue
				}
				for _, names := range []map[string]string{idx.byName, t.worldByName} {
					if prev, seen := names[key]; seen && prev != code {
						names[key] = "" // two subdivisions share the name
					} else {
						names[key] = code
					}
				}
			}
		}
		t.subdivisions[a2] = idx
	}
	return t
}

// subdivisionNameVariants splits the library's ISO 3166-2 names, which carry
// alternatives and qualifiers ("Navarra / Nafarroa", "Isle of Anglesey; Sir
// Ynys Môn", "Abū Ȥaby [Abu Dhabi]", "Lagunes (Région des)"), into the
// plain names a person would type.
func subdivisionNameVariants(full string) []string {
	out := []string{full}
	parts := strings.FieldsFunc(strings.ReplaceAll(full, " / ", ";"), func(r rune) bool { return r == ';' })
	for _, part := range parts {
		part = strings.TrimSpace(part)
		out = append(out, part)
		var base strings.Builder
		depth := 0
		var inner strings.Builder
		for _, r := range part {
			switch {
			case r == '(' || r == '[':
				depth++
			case (r == ')' || r == ']') && depth > 0:
				depth--
				if depth == 0 {
					out = append(out, inner.String())
					inner.Reset()
				}
			case depth > 0:
				inner.WriteRune(r)
			default:
				base.WriteRune(r)
			}
		}
		out = append(out, base.String())
	}
	return out
}

// foldName makes names comparable the way people type them: case-
// insensitive, accent-insensitive ("Cordoba" = "Córdoba"), with hyphens as
// spaces and runs of white space collapsed.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// drop combining accents
		case r == '-' || r == '_':
			b.WriteRune(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// alpha2For maps an upper-case alpha-2 or alpha-3 code to the assigned
// alpha-2 code, or "".
func (t *geoTable) alpha2For(code string) string {
	switch len(code) {
	case 2:
		if _, ok := t.byAlpha2[code]; ok {
			return code
		}
	case 3:
		return t.alpha3To2[code]
	}
	return ""
}

// lookupCountry resolves a trimmed country string to its alpha-2 code or "".
func (t *geoTable) lookupCountry(s string) string {
	up := strings.ToUpper(s)
	if isASCIILetters(up) && len(up) <= 3 {
		// Short inputs are codes and only ISO codes: the library's name
		// matcher also knows vehicle, IOC and withdrawn codes ("DD" for
		// East Germany, "CS"), which would turn typos into countries.
		if up == "UK" {
			// Exceptionally reserved by ISO for the United Kingdom and
			// what many British customers type.
			return "GB"
		}
		return t.alpha2For(up)
	}
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.Mn, r), r == ' ', r == '.', r == ',', r == '\'', r == '’', r == '-', r == '(', r == ')', r == '&':
		default:
			// The library's matcher ignores everything but letters, so
			// "L1T" would become "LT"; names have no digits or symbols.
			return ""
		}
	}
	if letters < 4 {
		return ""
	}
	c := countries.ByName(s)
	a2 := c.Alpha2()
	if known, ok := t.byAlpha2[a2]; ok && known == c {
		return a2
	}
	return ""
}

// isASCIILetters reports whether s is non-empty and only A–Z or a–z.
func isASCIILetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// ParseCountry returns the ISO 3166-1 alpha-2 code (upper case) for a
// country given as an alpha-2 code ("lt", "LT"), an alpha-3 code ("LTU",
// "ARG") or its English name, in any letter case ("Lithuania", "united
// states", "United Kingdom"; the library, github.com/biter777/countries,
// also knows common alternatives such as "United States of America" and
// "Ivory Coast"). We store alpha-2 because it is what payment networks, KYC
// vendors and phone metadata use.
//
// Only officially assigned codes are accepted: user-assigned ("XX", "XK")
// and withdrawn ("AN", "YU") codes are UNKNOWN_COUNTRY, as is empty input,
// because a customer's country drives compliance checks that need a real
// country. As a convenience "UK" is read as "GB", the code ISO reserves it
// for.
func ParseCountry(s string) (string, error) {
	t, p := sanitize(s)
	if p != nil {
		return "", p
	}
	if t == "" || utf8.RuneCountInString(t) > maxCountryInput {
		return "", newProblem(ReasonUnknownCountry, countryBadMessage)
	}
	a2 := geo().lookupCountry(t)
	if a2 == "" {
		return "", newProblem(ReasonUnknownCountry, countryBadMessage)
	}
	return a2, nil
}

// ParseSubdivision normalizes the "state" of an address in country
// countryAlpha2 (normally the result of ParseCountry; other forms that
// ParseCountry accepts work too). It returns the ISO 3166-2 code ("AR-B")
// when the input is one ("AR-B", "ar-b"), is one with an alpha-3 prefix
// ("ARG-B"), is a bare subdivision code of the country ("B"; "CA" for US),
// or is a subdivision name the library knows for the country, compared
// without regard to case or accents ("California" → "US-CA", "Cordoba" →
// "AR-X"). Subdivision data comes from github.com/biter777/countries (the
// Debian iso-codes list), whose names are the ISO ones: often the local
// form ("Vilniaus Apskritis"), not English.
//
// Anything it can't resolve is returned as cleaned free text, not an error:
// many countries have no states, people write regions, counties or districts
// the list doesn't name, and rejecting a correct address is worse than
// storing text. Empty input returns "" (callers decide REQUIRED), and the
// whole input is free text when the country is unknown.
//
// The only error, besides INVALID_UTF8, CONTAINS_NUL and TOO_LONG (over 100
// characters), is INVALID_SUBDIVISION for an ISO-looking code of another
// country ("US-CA" with AR), which is a client or user mix-up worth
// catching. To keep free text such as "Sud-Est" from being taken for a code
// of Sudan (SUD), a code counts as ISO-looking only if its prefix is written
// in upper case or the whole code is a known subdivision.
func ParseSubdivision(countryAlpha2, s string) (string, error) {
	t, err := CleanString(s, maxSubdivisionInput)
	if err != nil || t == "" {
		return t, err
	}
	tab := geo()
	cc := ""
	if c, p := sanitize(countryAlpha2); p == nil && c != "" && utf8.RuneCountInString(c) <= maxCountryInput {
		cc = tab.lookupCountry(c)
	}
	if cc == "" {
		return t, nil
	}
	up := strings.ToUpper(t)
	m := isoSubdivisionPattern.FindStringSubmatch(up)
	idx := tab.subdivisions[cc]
	if m != nil && tab.alpha2For(m[1]) == cc {
		if code, ok := idx.bySuffix[m[2]]; ok {
			return code, nil
		}
	}
	if code, ok := idx.bySuffix[up]; ok {
		return code, nil
	}
	if code := idx.byName[foldName(t)]; code != "" {
		return code, nil
	}
	if m != nil {
		if other := tab.alpha2For(m[1]); other != "" && other != cc {
			typedUpper := len(t) >= len(m[1]) && t[:len(m[1])] == m[1]
			if typedUpper || tab.allSubdivs[other+"-"+m[2]] {
				return "", newProblem(ReasonInvalidSubdivision, "The state or region code belongs to a different country than the one given.")
			}
		}
	}
	return t, nil
}

// SubdivisionCountry finds the country of an address's state given without
// a country: the state must be an ISO 3166-2 code ("US-CA", or "ARG-B" with
// an alpha-3 prefix) of a known subdivision, or a subdivision name that
// only one subdivision in the world has ("California", not "Córdoba",
// which Argentina and Colombia share). It returns the country's alpha-2
// code and the subdivision's code, or ok false: a bare code ("CA") or an
// ambiguous or unknown name names no country, and guessing one would put
// the customer in the wrong country.
//
// A name that is also another country's name or code is ambiguous too:
// "Georgia" is a US state and a country, "Puerto Rico" a US subdivision
// and a country of its own, "Niger" a Nigerian state and a country. A
// name that is its subdivision's own country ("England", "Mexico")
// names that country either way and is kept.
func SubdivisionCountry(state string) (countryAlpha2, code string, ok bool) {
	t, err := CleanString(state, maxSubdivisionInput)
	if err != nil || t == "" {
		return "", "", false
	}
	tab := geo()
	if m := isoSubdivisionPattern.FindStringSubmatch(strings.ToUpper(t)); m != nil {
		if cc := tab.alpha2For(m[1]); cc != "" && tab.allSubdivs[cc+"-"+m[2]] {
			return cc, cc + "-" + m[2], true
		}
	}
	code = tab.worldByName[foldName(t)]
	if code == "" {
		return "", "", false
	}
	if country := tab.lookupCountry(t); country != "" && country != code[:2] {
		return "", "", false
	}
	return code[:2], code, true
}

// IsSubdivision reports whether code is a known ISO 3166-2 subdivision
// code ("US-CA"), as ParseSubdivision returns it for a state it resolved.
func IsSubdivision(code string) bool { return geo().allSubdivs[code] }
