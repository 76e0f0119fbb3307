package values

import (
	"slices"
	"strings"
	"sync"
)

// Country is an ISO 3166-1 country as forms list it.
type Country struct {
	// Alpha2 is the code ParseCountry returns.
	Alpha2 string
	// Name is the English short name.
	Name string
}

// CountryList returns every country ParseCountry accepts, by English name:
// the choices of a form's country field (the same table, so a listed
// country is always accepted and an unlisted one never).
func CountryList() []Country { return slices.Clone(countryList()) }

var countryList = sync.OnceValue(func() []Country {
	t := geo()
	out := make([]Country, 0, len(t.byAlpha2))
	for a2, c := range t.byAlpha2 {
		out = append(out, Country{Alpha2: a2, Name: c.String()})
	}
	slices.SortFunc(out, func(a, b Country) int { return strings.Compare(a.Name, b.Name) })
	return out
})
