package values

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// The fuzz targets below each check a property of what a parser accepts,
// on top of what FuzzParsers checks for every parser (no panic, errors are
// complete Problems that never repeat the input). Their seed corpora are in
// testdata/fuzz/<name>: the values of the FinHub fixtures and edge cases.
// CI runs each for a short fixed time (see .ci/run).

// checkProblem fails unless err is a complete *Problem whose message does
// not repeat input.
func checkProblem(t *testing.T, err error, input string) {
	t.Helper()
	var p *Problem
	if !errors.As(err, &p) || p.Reason == "" || p.Message == "" {
		t.Fatalf("error %v (%T) is not a complete *Problem", err, err)
	}
	noEcho(t, err, input)
}

// checkStoredText fails unless s could be stored as single-line text (or
// multi-line text): valid UTF-8, no NUL, no control character (line feeds
// and tabs aside in multi-line text), no format or default-ignorable
// character except a joiner, and no white space at either end. It restates
// the rule independently of checkRunes, so a mistake in one shows.
func checkStoredText(t *testing.T, s string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("accepted %q is not valid UTF-8", s)
	}
	if strings.TrimSpace(s) != s {
		t.Fatalf("accepted %q is not trimmed", s)
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t'):
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			t.Fatalf("accepted %q holds control character %U", s, r)
		case r == zwj || r == zwnj:
		case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
			t.Fatalf("accepted %q holds invisible character %U", s, r)
		}
	}
}

// fullwidth maps the printable ASCII characters of s to their fullwidth
// forms (U+FF01–U+FF5E), the look-alikes NFKC folds back.
func fullwidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r - 0x21 + 0xff01
		}
		return r
	}, s)
}

func FuzzParseEmail(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseEmail(s)
		if err != nil {
			checkProblem(t, err, s)
		} else {
			checkStoredText(t, got, false)
			local, domain, ok := strings.Cut(got, "@")
			if !ok || local == "" || len(local) > maxEmailLocal || len(got) > maxEmailLen || strings.Contains(domain, "@") {
				t.Fatalf("accepted %q is not one address within the limits", got)
			}
			if again, err := ParseEmail(got); err != nil || again != got {
				t.Fatalf("ParseEmail(%q) = %q, %v; the stored form must parse to itself", got, again, err)
			}
			if identityForm(got) != got || strings.ToLower(got) != got {
				t.Fatalf("accepted %q is not in its normalized form", got)
			}
			if identityScripts(got) != nil {
				t.Fatalf("accepted %q mixes scripts", got)
			}
		}
		// A fullwidth look-alike is the same address, or equally refused.
		if isPrintableASCII(s) {
			wide, werr := ParseEmail(fullwidth(s))
			if (err == nil) != (werr == nil) || wide != got {
				t.Fatalf("ParseEmail(%q) = %q, %v but its fullwidth form gives %q, %v", s, got, err, wide, werr)
			}
		}
	})
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func FuzzParsePhone(f *testing.F) {
	f.Fuzz(func(t *testing.T, s, region string) {
		got, err := ParsePhone(s, region)
		if err != nil {
			checkProblem(t, err, s)
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("ParsePhone(%q, %q) = %q, not E.164", s, region, got)
		}
		// The stored form needs no region and parses to itself.
		if again, err := ParsePhone(got, ""); err != nil || again != got {
			t.Fatalf("ParsePhone(%q) = %q, %v; the stored form must parse to itself", got, again, err)
		}
	})
}

func FuzzParseCountry(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseCountry(s)
		if err != nil {
			checkProblem(t, err, s)
			return
		}
		if _, known := geo().byAlpha2[got]; !known || notAssigned[got] {
			t.Fatalf("ParseCountry(%q) = %q, not an assigned alpha-2 code", s, got)
		}
		for _, form := range []string{got, strings.ToLower(got)} {
			if again, err := ParseCountry(form); err != nil || again != got {
				t.Fatalf("ParseCountry(%q) = %q, %v; want %q", form, again, err, got)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s)
		if err != nil {
			checkProblem(t, err, s)
			return
		}
		if got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, got)
		}
		formatted := got.Format(time.DateOnly)
		if again, err := ParseDate(formatted); err != nil || !again.Equal(got) {
			t.Fatalf("ParseDate(%q) = %v, %v; formatting %v must parse back", formatted, again, err, got)
		}
		// The date is the one written, whatever the offset.
		if !strings.HasPrefix(strings.TrimSpace(s), formatted) {
			t.Fatalf("ParseDate(%q) = %s, not the date written", s, formatted)
		}
	})
}

func FuzzCleanString(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, max uint16, multiline bool) {
		clean := CleanString
		if multiline {
			clean = CleanMultiline
		}
		got, err := clean(s, int(max))
		if err != nil {
			checkProblem(t, err, s)
			if ReasonOf(err) == ReasonTooLong && max == 0 {
				t.Fatalf("TOO_LONG without a limit")
			}
			return
		}
		checkStoredText(t, got, multiline)
		if max > 0 && utf8.RuneCountInString(got) > int(max) {
			t.Fatalf("clean(%q, %d) = %q, over the limit", s, max, got)
		}
		if again, err := clean(got, int(max)); err != nil || again != got {
			t.Fatalf("clean(%q) = %q, %v; cleaning must be idempotent", got, again, err)
		}
		// Cleaning only trims (and, in multi-line text, reads CR LF as LF).
		want := s
		if multiline {
			want = strings.ReplaceAll(want, "\r\n", "\n")
		}
		if got != strings.TrimSpace(want) {
			t.Fatalf("clean(%q) = %q; it may only trim", s, got)
		}
		// What a single-line field accepts, the multi-line rule accepts too.
		if !multiline {
			if m, err := CleanMultiline(s, int(max)); err != nil || m != got {
				t.Fatalf("CleanMultiline(%q) = %q, %v; single-line text %q must be valid multi-line text", s, m, err, got)
			}
		}
	})
}
