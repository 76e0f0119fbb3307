package values

import (
	"fmt"
	"time"
)

const dateBadMessage = "Enter a real date as YYYY-MM-DD."

// maxDateInput bounds the input: the longest RFC 3339 date-time with
// nanoseconds and an offset is 35 characters.
const maxDateInput = 40

// ParseDate reads a calendar date given either as "YYYY-MM-DD" or as an
// RFC 3339 date-time ("1990-01-15T00:00:00.000Z"), because JavaScript
// clients often serialize dates through Date.toISOString. The result is the
// date at midnight UTC, the one representation that compares and stores
// without time-zone drift. For a date-time the date is kept as written, in
// its own offset ("1990-01-15T23:30:00-05:00" is 15 January, not the UTC
// 16th), since a birth or incorporation date is a calendar day, not an
// instant. Impossible dates ("1990-02-30") and anything else are
// INVALID_DATE.
func ParseDate(s string) (time.Time, error) {
	t, p := sanitize(s)
	if p != nil {
		return time.Time{}, p
	}
	bad := newProblem(ReasonInvalidDate, dateBadMessage)
	if t == "" || len(t) > maxDateInput {
		return time.Time{}, bad
	}
	var d time.Time
	var err error
	if len(t) == len(time.DateOnly) {
		d, err = time.Parse(time.DateOnly, t)
	} else {
		// time.RFC3339 also accepts fractional seconds when parsing.
		d, err = time.Parse(time.RFC3339, t)
	}
	if err != nil {
		return time.Time{}, bad
	}
	return dateOf(d), nil
}

// dateOf returns the calendar date of t, in t's own location, as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// CheckDateOfBirth checks a date of birth against the product's minimum age,
// because onboarding a minor is a regulatory breach. It returns
// DATE_IN_FUTURE when dob is after today and TOO_YOUNG when the person's age
// in whole years is below minAge (no age check when minAge <= 0). "Today" is
// now's calendar date in now's location, so pass now in the time zone the
// rule is defined in (UTC when in doubt); dob's calendar date is used as is.
//
// A person born on 29 February turns a year older on 1 March in common
// years: the later of the two usual conventions, so nobody is accepted a day
// before they legally reach the age.
func CheckDateOfBirth(dob, now time.Time, minAge int) error {
	if err := CheckNotFuture(dob, now); err != nil {
		return err
	}
	if minAge > 0 && ageOn(dob, now) < minAge {
		return newProblem(ReasonTooYoung, fmt.Sprintf("You must be at least %d years old.", minAge))
	}
	return nil
}

// CheckNotFuture returns DATE_IN_FUTURE when d's calendar date is after
// now's calendar date (in now's location). It is for dates that must already
// have happened, such as a company's incorporation date; today is allowed.
func CheckNotFuture(d, now time.Time) error {
	if dateOf(d).After(dateOf(now)) {
		return newProblem(ReasonDateInFuture, "The date must not be in the future.")
	}
	return nil
}

// ageOn returns the age in whole years on now's calendar date of someone
// born on dob's calendar date. Comparing (month, day) pairs makes a
// 29 February birthday count as passed only from 1 March in common years.
func ageOn(dob, now time.Time) int {
	by, bm, bd := dob.Date()
	ny, nm, nd := now.Date()
	age := ny - by
	if nm < bm || (nm == bm && nd < bd) {
		age--
	}
	return age
}
