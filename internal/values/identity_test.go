package values

import (
	"strings"
	"testing"

	"onboard/internal/apperr/vocab"
)

// TestCleanStringRefusesControlsAndInvisibles covers the text rule every
// stored field goes through (checkRunes), for single-line and multi-line
// fields.
func TestCleanStringRefusesControlsAndInvisibles(t *testing.T) {
	tests := []struct {
		name, in  string
		multiline bool
		want      string
		reason    vocab.Reason
	}{
		{"plain", "Marcus Jensen", false, "Marcus Jensen", ""},
		{"accents and other scripts", "Jūratė Žemaitė 山田 太郎", false, "Jūratė Žemaitė 山田 太郎", ""},
		{"outer white space is trimmed", "\t Marcus \r\n", false, "Marcus", ""},
		{"inner no-break space stays", "Marcus\u00a0Jensen", false, "Marcus\u00a0Jensen", ""},
		{"emoji with variation selector", "Café ☕\ufe0f", false, "Café ☕\ufe0f", ""},
		{"ideographic variation selector", "葛\U000E0100城", false, "葛\U000E0100城", ""},
		{"NUL keeps its reason", "Mar\x00cus", false, "", ReasonContainsNUL},
		{"ANSI escape", "Marcus\x1b[31mJensen", false, "", ReasonControlCharacter},
		{"bell", "Marcus\aJensen", false, "", ReasonControlCharacter},
		{"DEL", "Marcus\x7f", false, "", ReasonControlCharacter},
		{"C1 control (CSI)", "Marcus\u009b31m", false, "", ReasonControlCharacter},
		{"C1 next line", "Marcus\u0085Jensen", false, "", ReasonControlCharacter},
		{"inner newline in a name", "Marcus\nJensen", false, "", ReasonControlCharacter},
		{"inner tab in a name", "Marcus\tJensen", false, "", ReasonControlCharacter},
		{"carriage return", "Marcus\rJensen", false, "", ReasonControlCharacter},
		{"line separator", "Marcus\u2028Jensen", false, "", ReasonControlCharacter},
		{"paragraph separator", "Marcus\u2029Jensen", true, "", ReasonControlCharacter},
		{"a replacement character (a lone surrogate in JSON)", "Mar\ufffdcus", false, "", ReasonInvalidUTF8},
		{"zero width space", "Mar\u200bcus", false, "", ReasonInvisibleCharacter},
		{"zero width joiner between Latin letters", "Mar\u200dcus", false, "", ReasonInvisibleCharacter},
		{"zero width non-joiner between Latin letters", "Mar\u200ccus", false, "", ReasonInvisibleCharacter},
		{"soft hyphen", "Mar\u00adcus", false, "", ReasonInvisibleCharacter},
		{"word joiner", "Mar\u2060cus", false, "", ReasonInvisibleCharacter},
		{"leading BOM", "\ufeffMarcus", false, "", ReasonInvisibleCharacter},
		{"right-to-left override", "invoice\u202egpj.exe", false, "", ReasonInvisibleCharacter},
		{"left-to-right isolate", "\u2066Marcus\u2069", false, "", ReasonInvisibleCharacter},
		{"Arabic letter mark", "Marcus\u061c", false, "", ReasonInvisibleCharacter},
		{"tag character", "Marcus\U000E0041", false, "", ReasonInvisibleCharacter},
		{"Hangul filler", "\u3164", false, "", ReasonInvisibleCharacter},
		{"combining grapheme joiner", "Marc\u034fus", false, "", ReasonInvisibleCharacter},
		{"emoji ZWJ sequence", "👨\u200d👩\u200d👧", false, "", ReasonInvisibleCharacter},
		{"Persian non-joiner between Arabic letters", "می\u200cخواهم", false, "می\u200cخواهم", ""},
		{"Persian non-joiner after a combining mark", "مَ\u200cی", false, "مَ\u200cی", ""},
		{"non-joiner at the end of Arabic text", "می\u200c", false, "", ReasonInvisibleCharacter},
		{"non-joiner between Arabic and Latin", "م\u200cx", false, "", ReasonInvisibleCharacter},
		{"Devanagari joiner after a virama", "क्\u200dष", false, "क्\u200dष", ""},
		{"Devanagari non-joiner after a virama", "क्\u200cष", false, "क्\u200cष", ""},
		{"description keeps lines and tabs", "Line one\n\tLine two", true, "Line one\n\tLine two", ""},
		{"description reads CR LF as LF", "Line one\r\nLine two\r\n", true, "Line one\nLine two", ""},
		{"description refuses a lone CR", "Line one\rLine two", true, "", ReasonControlCharacter},
		{"description refuses ANSI", "Line one\n\x1b[2J", true, "", ReasonControlCharacter},
		{"description refuses invisibles", "Line\u200b one", true, "", ReasonInvisibleCharacter},
		{"controls win over length", strings.Repeat("x", 50) + "\x1b", false, "", ReasonControlCharacter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clean := CleanString
			if tc.multiline {
				clean = CleanMultiline
			}
			got, err := clean(tc.in, 40)
			if r := reasonOf(t, err); r != tc.reason || got != tc.want {
				t.Errorf("clean(%q) = %q, %q; want %q, %q", tc.in, got, r, tc.want, tc.reason)
			}
		})
	}
}

// TestParsersRefuseControlsAndInvisibles: every parser starts with the same
// rule, so no value type lets a control or invisible character through.
func TestParsersRefuseControlsAndInvisibles(t *testing.T) {
	parsers := map[string]func(string) error{
		"email":       func(s string) error { _, err := ParseEmail(s); return err },
		"phone":       func(s string) error { _, err := ParsePhone(s, "LT"); return err },
		"country":     func(s string) error { _, err := ParseCountry(s); return err },
		"subdivision": func(s string) error { _, err := ParseSubdivision("US", s); return err },
		"date":        func(s string) error { _, err := ParseDate(s); return err },
		"gender":      func(s string) error { _, err := ParseGender(s); return err },
		"website":     func(s string) error { _, err := ParseWebsite(s); return err },
		"username":    func(s string) error { _, err := ParseUsername(s, 254); return err },
	}
	valid := map[string]string{
		"email": "ann@example.com", "phone": "+37060012345", "country": "Lithuania", "subdivision": "California",
		"date": "1990-05-15", "gender": "FEMALE", "website": "https://example.com/a", "username": "ann",
	}
	for name, parse := range parsers {
		v := valid[name]
		if err := parse(v); err != nil {
			t.Fatalf("%s: valid %q refused: %v", name, v, err)
		}
		mid := len(v) / 2
		for in, want := range map[string]vocab.Reason{
			v[:mid] + "\u200b" + v[mid:]: ReasonInvisibleCharacter,
			v[:mid] + "\u00ad" + v[mid:]: ReasonInvisibleCharacter,
			v[:mid] + "\x1b" + v[mid:]:   ReasonControlCharacter,
			v[:mid] + "\u0085" + v[mid:]: ReasonControlCharacter,
		} {
			if r := reasonOf(t, parse(in)); r != want {
				t.Errorf("%s(%q) = %q; want %q", name, in, r, want)
			}
		}
	}
}

func TestStripUnsafe(t *testing.T) {
	for in, want := range map[string]string{
		"onboarding-form/2.1":              "onboarding-form/2.1",
		"agent\u202e/1.0\x1b[0m\u200b\xff": "agent/1.0[0m",
		"Mozilla\u0085 (X11)\u00ad":        "Mozilla (X11)",
		"é \ufffd 山":                       "é \ufffd 山",
	} {
		if got := StripUnsafe(in); got != want {
			t.Errorf("StripUnsafe(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestParseEmailLookAlikes(t *testing.T) {
	tests := []struct {
		name, in, want string
		reason         vocab.Reason
	}{
		{"zero width space before @", "marcus.jensen\u200b@example.com", "", ReasonInvisibleCharacter},
		{"soft hyphen before @", "marcus.jensen\u00ad@example.com", "", ReasonInvisibleCharacter},
		{"zero width joiner inside", "mar\u200dcus@example.com", "", ReasonInvisibleCharacter},
		{"BOM in front", "\ufeffmarcus@example.com", "", ReasonInvisibleCharacter},
		{"bidi override in domain", "marcus@exa\u202emple.com", "", ReasonInvisibleCharacter},
		{"tab inside", "marcus\t@example.com", "", ReasonControlCharacter},
		{"fullwidth letter is the plain one", "ａlice@example.com", "alice@example.com", ""},
		{"fully fullwidth address", "ＭＡＲＣＵＳ＠ＥＸＡＭＰＬＥ．ＣＯＭ", "marcus@example.com", ""},
		{"ligature", "\ufb01nance@example.com", "finance@example.com", ""},
		{"superscript digit", "ann\u00b2@example.com", "ann2@example.com", ""},
		{"decomposed accent composes", "rene\u0301@example.com", "rené@example.com", ""},
		{"Cyrillic а among Latin", "\u0430lice@example.com", "", ReasonMixedScript},
		{"Greek ο among Latin", "j\u03bfhn@example.com", "", ReasonMixedScript},
		{"all Cyrillic local part", "иван@example.com", "иван@example.com", ""},
		{"all Cyrillic with digits and dots", "иван.петров_1990+банк@example.com", "иван.петров_1990+банк@example.com", ""},
		{"upper-case Cyrillic is lower-cased", "ИВАН@пример.рф", "иван@пример.рф", ""},
		{"all Greek", "αλέξης@example.gr", "αλέξης@example.gr", ""},
		{"Japanese mixes Han and kana", "山田たろう@example.jp", "山田たろう@example.jp", ""},
		{"Korean with Latin", "kim민수@example.kr", "kim민수@example.kr", ""},
		{"Latin with Cyrillic in a domain label", "ann@ex\u0430mple.com", "", ReasonMixedScript},
		{"each label its own script", "ann@пример.com", "ann@пример.com", ""},
		{"German sharp s stays", "straße@example.de", "straße@example.de", ""},
		{"dotted capital I", "İnci@example.com", "inci@example.com", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEmail(tc.in)
			if r := reasonOf(t, err); r != tc.reason || got != tc.want {
				t.Errorf("ParseEmail(%q) = %q, %q; want %q, %q", tc.in, got, r, tc.want, tc.reason)
			}
			noEcho(t, err, tc.in)
		})
	}
}

func TestParseUsername(t *testing.T) {
	tests := []struct {
		name, in, want string
		reason         vocab.Reason
	}{
		{"e-mail shaped", "Marcus.Jensen@Example.com", "marcus.jensen@example.com", ""},
		{"handle", " MJensen_90 ", "mjensen_90", ""},
		{"fullwidth", "ｍｊｅｎｓｅｎ", "mjensen", ""},
		{"blank", "  ", "", ""},
		{"invisible", "mjen\u200bsen", "", ReasonInvisibleCharacter},
		{"control", "mjensen\x1b[0m", "", ReasonControlCharacter},
		{"mixed script", "mj\u0435nsen", "", ReasonMixedScript},
		{"Cyrillic handle", "Иван", "иван", ""},
		{"too long", strings.Repeat("x", 31), "", ReasonTooLong},
		{"too long after NFKC", "\ufdfa\ufdfa", "", ReasonTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseUsername(tc.in, 30)
			if r := reasonOf(t, err); r != tc.reason || got != tc.want {
				t.Errorf("ParseUsername(%q) = %q, %q; want %q, %q", tc.in, got, r, tc.want, tc.reason)
			}
		})
	}
}

func TestSingleScript(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"123-._+", true},
		{"alice", true},
		{"иван", true},
		{"ivan\u0438", false},
		{"日本語ひらがなカタカナ", true},
		{"abc日本", true},
		{"한국漢字", true},
		{"ㄅㄆ漢字", true},
		{"한국ひらがな", false},
		{"ελληνικά", true},
		{"ελληνικάabc", false},
		{"\U000E01EF", true},   // a variation selector is Inherited
		{"a\U0003FFFD", false}, // unassigned: a script of its own
		{"مرحبا", true}, {"مرحباabc", false},
	}
	for _, tc := range tests {
		if got := singleScript(tc.in); got != tc.want {
			t.Errorf("singleScript(%q) = %v; want %v", tc.in, got, tc.want)
		}
	}
}
