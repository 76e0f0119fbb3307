package values

import (
	"testing"
)

func TestSubdivisionCountry(t *testing.T) {
	for _, c := range []struct {
		in, country, code string
		ok                bool
	}{
		{"US-CA", "US", "US-CA", true},
		{"us-ca", "US", "US-CA", true},
		{"ARG-B", "AR", "AR-B", true}, // Cryptomate's alpha-3 prefix
		{"California", "US", "US-CA", true},
		{"california", "US", "US-CA", true},
		{"Bayern", "DE", "DE-BY", true},
		{"Lagos", "NG", "NG-LA", true},
		{"Georgia", "", "", false},        // a US state and a country
		{"puerto rico", "", "", false},    // a US subdivision and a country
		{"Niger", "", "", false},          // a Nigerian state and a country
		{"England", "GB", "GB-ENG", true}, // its own country's
		{"US-GA", "US", "US-GA", true},    // a code is not a name
		{"CA", "", "", false},             // a bare code names no country
		{"Cordoba", "", "", false},        // Argentina's and Colombia's (Córdoba)
		{"US-ZZ", "", "", false},          // not a subdivision
		{"Springfield", "", "", false},
		{"", "", "", false},
		{"\x00", "", "", false},
	} {
		country, code, ok := SubdivisionCountry(c.in)
		if country != c.country || code != c.code || ok != c.ok {
			t.Errorf("SubdivisionCountry(%q) = %q, %q, %v; want %q, %q, %v", c.in, country, code, ok, c.country, c.code, c.ok)
		}
	}
}

func TestParseSubdivisionTakesAnAlpha3Prefix(t *testing.T) {
	for _, country := range []string{"AR", "ARG", "Argentina"} {
		if got, err := ParseSubdivision(country, "ARG-B"); err != nil || got != "AR-B" {
			t.Errorf("ParseSubdivision(%q, ARG-B) = %q, %v; want AR-B", country, got, err)
		}
	}
}

func TestPlaceReadForms(t *testing.T) {
	for _, c := range []struct{ state, code, name string }{
		{"US-CA", "US-CA", "California"},
		{"AR-B", "AR-B", "Buenos Aires"},
		{"Somewhere Region", "", "Somewhere Region"}, // free text stays as stored
		{"", "", ""},
	} {
		if got := StateCode(c.state); got != c.code {
			t.Errorf("StateCode(%q) = %q, want %q", c.state, got, c.code)
		}
		if got := StateName(c.state); got != c.name {
			t.Errorf("StateName(%q) = %q, want %q", c.state, got, c.name)
		}
	}
	for _, c := range []struct{ a2, a3, name string }{
		{"US", "USA", "United States"}, {"AR", "ARG", "Argentina"}, {"NG", "NGA", "Nigeria"}, {"", "", ""}, {"XK", "", ""},
	} {
		if got := CountryAlpha3(c.a2); got != c.a3 {
			t.Errorf("CountryAlpha3(%q) = %q, want %q", c.a2, got, c.a3)
		}
		if got := CountryName(c.a2); got != c.name {
			t.Errorf("CountryName(%q) = %q, want %q", c.a2, got, c.name)
		}
	}
}

func TestSplitPhone(t *testing.T) {
	for _, c := range []struct {
		in   string
		want PhoneParts
		ok   bool
	}{
		{"+541168860622", PhoneParts{"+541168860622", 54, "1168860622", "AR"}, true},
		{"+2347036497792", PhoneParts{"+2347036497792", 234, "7036497792", "NG"}, true},
		{"+14155550123", PhoneParts{"+14155550123", 1, "4155550123", "US"}, true},
		{"+80012345678", PhoneParts{"+80012345678", 800, "12345678", ""}, true}, // non-geographic
		{"", PhoneParts{}, false},
		{"07036497792", PhoneParts{}, false}, // not E.164
		{"+", PhoneParts{}, false},
	} {
		got, ok := SplitPhone(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("SplitPhone(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	// What PhoneFromParts writes splits back into its parts.
	e164, err := PhoneFromParts(54, "1168860622")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := SplitPhone(e164); got.CountryCallingCode != 54 || got.NationalNumber != "1168860622" {
		t.Errorf("round trip: %+v", got)
	}
}
