package values

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// sanitize is the common first step of every parser and of CleanString: it
// rejects input that cannot be stored faithfully (invalid UTF-8, NUL bytes)
// before any other check, so those reasons win over type-specific ones,
// trims the Unicode white space that copy-paste and mobile keyboards add
// around values, and then refuses what would display differently from what
// is stored (see checkRunes): control characters, line breaks and invisible
// characters. It is for single-line values; multi-line text goes through
// CleanMultiline.
func sanitize(s string) (string, *Problem) {
	return sanitizeText(s, false)
}

// sanitizeText is sanitize with the choice of keeping inner line feeds and
// tabs (multiline). For multi-line text a CR LF pair, what browsers send
// for a textarea line break, is read as one line feed.
func sanitizeText(s string, multiline bool) (string, *Problem) {
	if !utf8.ValidString(s) {
		return "", newProblem(ReasonInvalidUTF8, "The value is not valid UTF-8 text.")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", newProblem(ReasonContainsNUL, "The value must not contain NUL characters.")
	}
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	t := strings.TrimSpace(s)
	if p := checkRunes(t, multiline); p != nil {
		return "", p
	}
	return t, nil
}

// checkRunes is the one rule on which characters a stored text may hold,
// whatever the field. It refuses, on the first offending character:
//
//   - CONTROL_CHARACTER: a C0 or C1 control (U+0000–U+001F, U+007F–U+009F;
//     ESC among them, so no ANSI escape sequence reaches a terminal or a log
//     viewer), or a line or paragraph separator (U+2028, U+2029). Only
//     multi-line text may hold line feeds and tabs.
//   - INVISIBLE_CHARACTER: a format character (general category Cf: zero
//     width space, joiner and non-joiner, soft hyphen, bidirectional
//     embeddings, overrides and isolates, word joiner, BOM, tag characters…)
//     or another default-ignorable code point (Other_Default_Ignorable_Code_Point:
//     the Hangul fillers, U+034F combining grapheme joiner…). They render as
//     nothing, or reorder what is around them, so two values that display
//     the same could be stored differently: a second account behind a
//     look-alike e-mail, a name that hides text in a support screen.
//
// The one exception is the zero width joiner and non-joiner where writing
// needs them, following RFC 5892's CONTEXTJ rules: after a virama
// (Devanagari and the other Brahmic scripts form half letters with them),
// and the non-joiner between two letters of a joining script (Persian,
// for one, writes it inside words). Variation selectors stay allowed: they
// pick a glyph (emoji presentation, the kanji variants of Japanese names).
func checkRunes(s string, multiline bool) *Problem {
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
			if !multiline {
				return newProblem(ReasonControlCharacter, "The value must be on one line, without tabs or control characters.")
			}
		case isControl(r):
			return newProblem(ReasonControlCharacter, "The value must not contain control characters.")
		case r == utf8.RuneError:
			// U+FFFD stands where a decoder met something that is not text:
			// encoding/json writes it for a lone surrogate (\udc00), as
			// ranging over a string does for invalid UTF-8. No name or
			// address holds it.
			return newProblem(ReasonInvalidUTF8, "The value is not valid Unicode text.")
		case isInvisible(r):
			if (r == zwnj || r == zwj) && joinerAllowed(s, i, r) {
				continue
			}
			return newProblem(ReasonInvisibleCharacter, "The value must not contain invisible or formatting characters.")
		}
	}
	return nil
}

// isControl tells the characters that break a line or drive a terminal:
// C0 and C1 controls (tab and line feed among them), and the line and
// paragraph separators.
func isControl(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }

// isInvisible tells the characters that render as nothing: format
// characters (Cf: zero-width marks, bidi controls, soft hyphens, BOMs) and
// the other default-ignorable code points.
func isInvisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// StripUnsafe removes from s, instead of refusing, every character that
// checkRunes refuses in single-line text as a control or an invisible
// character (joiners included, whatever their context), and invalid UTF-8.
// It is for metadata that must be stored but must not fail a request, such
// as the User-Agent header of a registration; a U+FFFD there is harmless
// and stays.
func StripUnsafe(s string) string {
	return strings.Map(func(r rune) rune {
		if isControl(r) || isInvisible(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

const (
	zwnj = '\u200c' // ZERO WIDTH NON-JOINER
	zwj  = '\u200d' // ZERO WIDTH JOINER
)

// joiningScripts are the scripts whose letters join cursively, where a zero
// width non-joiner between two letters is ordinary spelling (RFC 5892
// appendix A.1 states it with joining types; letters of these scripts are
// the practical approximation).
var joiningScripts = []*unicode.RangeTable{
	unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian, unicode.Mandaic,
	unicode.Manichaean, unicode.Psalter_Pahlavi, unicode.Adlam, unicode.Hanifi_Rohingya, unicode.Sogdian,
}

// joinerAllowed reports whether the joiner r at byte offset i of s is in a
// context that needs it: right after a virama (either joiner), or, for the
// non-joiner, between two letters of the same joining script (combining
// marks in between are skipped).
func joinerAllowed(s string, i int, r rune) bool {
	prev, size := utf8.DecodeLastRuneInString(s[:i])
	if size > 0 && norm.NFC.PropertiesString(string(prev)).CCC() == 9 {
		return true
	}
	if r != zwnj {
		return false
	}
	before := lastBaseRune(s[:i])
	after := firstBaseRune(s[i+utf8.RuneLen(r):])
	for _, script := range joiningScripts {
		if unicode.IsLetter(before) && unicode.IsLetter(after) && unicode.Is(script, before) && unicode.Is(script, after) {
			return true
		}
	}
	return false
}

// lastBaseRune is the last rune of s that is not a combining mark, or -1.
func lastBaseRune(s string) rune {
	for s != "" {
		r, size := utf8.DecodeLastRuneInString(s)
		if !unicode.In(r, unicode.Mn, unicode.Me) {
			return r
		}
		s = s[:len(s)-size]
	}
	return -1
}

// firstBaseRune is the first rune of s that is not a combining mark, or -1.
func firstBaseRune(s string) rune {
	for _, r := range s {
		if !unicode.In(r, unicode.Mn, unicode.Me) {
			return r
		}
	}
	return -1
}

// CleanString prepares a single-line free-text field (names, address lines,
// company names, codes, references, tags) for storage. It rejects invalid
// UTF-8 (INVALID_UTF8) and NUL bytes (CONTAINS_NUL) first, because those
// can't be stored or shown faithfully, then trims leading and trailing
// Unicode white space, then rejects control characters, tabs and line
// breaks (CONTROL_CHARACTER) and invisible characters (INVISIBLE_CHARACTER;
// see checkRunes for both), then text of more than max characters (runes,
// not bytes, so that the limit means the same in every script) with
// TOO_LONG. A max of zero or less means no limit.
//
// Empty text is returned without error: whether a field is mandatory depends
// on the operation, so callers decide (see Required).
func CleanString(s string, max int) (string, error) {
	return cleanText(s, max, false)
}

// CleanMultiline is CleanString for text that may span lines (a business
// or catalog description): it keeps inner line feeds and tabs, reads CR LF
// as a line feed, and refuses every other control and invisible character
// as CleanString does.
func CleanMultiline(s string, max int) (string, error) {
	return cleanText(s, max, true)
}

func cleanText(s string, max int, multiline bool) (string, error) {
	t, p := sanitizeText(s, multiline)
	if p != nil {
		return "", p
	}
	if max > 0 && utf8.RuneCountInString(t) > max {
		return "", newProblem(ReasonTooLong, fmt.Sprintf("The value must be at most %d characters long.", max))
	}
	return t, nil
}

// Required returns a REQUIRED problem when s is empty or only white space,
// and nil otherwise. Parsers don't do this themselves because the same value
// type is mandatory in one operation and optional in another; call Required
// first for mandatory fields and the parser only for non-blank values.
func Required(s string) error {
	if strings.TrimSpace(s) == "" {
		return newProblem(ReasonRequired, "This field is required.")
	}
	return nil
}
