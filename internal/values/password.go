package values

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password length bounds in characters (runes). Eight is OWASP's and NIST
// SP 800-63B's minimum for passwords chosen by the user; 128 lets password
// managers and pass-phrases through while keeping hashing input bounded.
const (
	// MinPasswordLength is the fewest characters CheckPassword accepts;
	// exported so forms can show the rule before the user types.
	MinPasswordLength = 8
	// MaxPasswordLength is the most characters CheckPassword accepts.
	MaxPasswordLength = 128
)

// CheckPassword checks a new password against the signup policy and returns
// every problem at once (nil when it is acceptable), so the form can show
// the user everything to fix in one round trip: PASSWORD_TOO_SHORT (under 8
// characters), PASSWORD_TOO_LONG (over 128) and PASSWORD_TOO_WEAK when it
// lacks an upper-case letter, a lower-case letter, a digit or a symbol (any
// character that is not a letter or digit, space included); that message
// names the missing classes. Invalid UTF-8 or a NUL byte is reported alone
// (INVALID_UTF8, CONTAINS_NUL), as lengths and classes would be meaningless.
//
// The password is never trimmed or altered (spaces are part of it) and no
// message ever contains it or any part of it.
func CheckPassword(pw string) []*Problem {
	if !utf8.ValidString(pw) {
		return []*Problem{newProblem(ReasonInvalidUTF8, "The password contains invalid characters.")}
	}
	if strings.IndexByte(pw, 0) >= 0 {
		return []*Problem{newProblem(ReasonContainsNUL, "The password must not contain NUL characters.")}
	}
	// The text rule of every other field: a character the user cannot see
	// or type (a control, a zero-width or bidi mark) makes a password
	// nobody can enter again.
	if p := checkRunes(pw, false); p != nil {
		return []*Problem{p}
	}
	var problems []*Problem
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLength {
		problems = append(problems, newProblem(ReasonPasswordTooShort,
			fmt.Sprintf("The password must be at least %d characters long.", MinPasswordLength)))
	}
	if n > MaxPasswordLength {
		problems = append(problems, newProblem(ReasonPasswordTooLong,
			fmt.Sprintf("The password must be at most %d characters long.", MaxPasswordLength)))
	}
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r), unicode.IsNumber(r), unicode.Is(unicode.Mn, r):
			// Caseless letters (CJK…), other numerals and accents count as
			// none of the classes.
		default:
			symbol = true
		}
	}
	var missing []string
	if !upper {
		missing = append(missing, "an upper-case letter")
	}
	if !lower {
		missing = append(missing, "a lower-case letter")
	}
	if !digit {
		missing = append(missing, "a digit")
	}
	if !symbol {
		missing = append(missing, "a symbol")
	}
	if len(missing) > 0 {
		problems = append(problems, newProblem(ReasonPasswordTooWeak,
			"The password must also contain "+joinList(missing)+"."))
	}
	return problems
}

// joinList joins phrases as English prose: "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
