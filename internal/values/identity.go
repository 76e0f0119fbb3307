package values

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// identityForm is the form in which identities (e-mail addresses,
// usernames) are stored and compared: NFKC, which folds compatibility
// look-alikes into their plain letters (fullwidth "ａｌｉｃｅ" and "＠" become
// "alice" and "@", the "ﬁ" ligature becomes "fi", superscripts become
// digits), then lower-cased, then NFKC again so that the result is stable
// (identityForm(identityForm(x)) == identityForm(x)). Two inputs that a
// person would read as the same identity thus meet in one stored value, and
// the unique indexes on it refuse the second.
//
// Lower-casing is Unicode's lower-case mapping, not full case folding: full
// folding would turn "ß" into "ss" and "ς" into "σ", and the stored address
// is the one we deliver mail to, so it must stay one the mailbox's owner
// actually has. Invisible characters never get here: sanitize refuses them.
//
// White space that NFKC produces at either end (U+02DC SMALL TILDE is a
// space and a combining tilde) is trimmed, as it is from the input.
func identityForm(s string) string {
	return strings.TrimSpace(norm.NFKC.String(strings.ToLower(norm.NFKC.String(s))))
}

// identityScripts checks the writing systems of an identity: the part
// before the first "@" as a whole, and each dot-separated label after it,
// must each be written in one script (see singleScript). Mixing is how a
// look-alike is made ("pаypal" with a Cyrillic "а"), while an address
// written entirely in one non-Latin script is a real user's (RFC 6530
// internationalized addresses). Characters of no particular script
// (digits, ".", "-", "_", "+", "@") and combining marks do not count.
func identityScripts(s string) *Problem {
	local, domain, _ := strings.Cut(s, "@")
	parts := append([]string{local}, strings.Split(domain, ".")...)
	for _, part := range parts {
		if !singleScript(part) {
			return newProblem(ReasonMixedScript, "Use characters of a single writing system in each part of the address.")
		}
	}
	return nil
}

// Scripts as the restriction levels of Unicode Technical Standard #39
// name them.
const (
	scriptLatin    = "Latin"
	scriptHan      = "Han"
	scriptHiragana = "Hiragana"
	scriptKatakana = "Katakana"
	scriptBopomofo = "Bopomofo"
	scriptHangul   = "Hangul"
	scriptUnknown  = "Unknown"
)

// cjkCombinations are the sets of scripts that UTS #39's "highly
// restrictive" level accepts together besides a single script, because
// those languages write with several at once: Japanese (Han, Hiragana,
// Katakana), Chinese with Bopomofo, Korean (Han, Hangul), each possibly with
// Latin.
var cjkCombinations = []map[string]bool{
	{scriptLatin: true, scriptHan: true, scriptHiragana: true, scriptKatakana: true},
	{scriptLatin: true, scriptHan: true, scriptBopomofo: true},
	{scriptLatin: true, scriptHan: true, scriptHangul: true},
}

// singleScript reports whether s is written in one script at UTS #39's
// highly restrictive level: all its letters belong to one script, Common
// and Inherited characters aside, or to one of cjkCombinations. A code
// point of no script (unassigned) counts as a script of its own, so it
// cannot be mixed in either.
func singleScript(s string) bool {
	seen := map[string]bool{}
	for _, r := range s {
		if sc := scriptOf(r); sc != "" {
			seen[sc] = true
		}
	}
	if len(seen) <= 1 {
		return true
	}
	for _, allowed := range cjkCombinations {
		ok := true
		for sc := range seen {
			ok = ok && allowed[sc]
		}
		if ok {
			return true
		}
	}
	return false
}

// scriptOf returns the Unicode script of r, "" for Common and Inherited
// (digits, punctuation, symbols, combining marks shared by scripts), and
// "Unknown" for a code point of no script.
func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			return scriptLatin
		}
		return ""
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return scriptUnknown
}

// ParseUsername validates a login username and returns it in the form we
// store and compare: CleanString's rules (one line, no control or invisible
// character), at most max characters, then identityForm, and written in
// one script per part (identityScripts: a username is often an e-mail
// address, so its domain labels are checked one by one as an address's
// are). Empty input returns "" without error; callers decide REQUIRED.
func ParseUsername(s string, max int) (string, error) {
	t, err := CleanString(s, max)
	if err != nil || t == "" {
		return t, err
	}
	t = identityForm(t)
	if max > 0 && utf8.RuneCountInString(t) > max {
		return "", newProblem(ReasonTooLong, fmt.Sprintf("The value must be at most %d characters long.", max))
	}
	if p := identityScripts(t); p != nil {
		return "", p
	}
	return t, nil
}
