package values

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"onboard/schema/schematype"
)

// genderBadMessage names the accepted names, schematype.Genders.
var genderBadMessage = "Choose " + strings.Join(schematype.Genders[:len(schematype.Genders)-1], ", ") +
	" or " + schematype.Genders[len(schematype.Genders)-1] + "."

// ParseGender accepts a gender as a name ("MALE", "female", " Other ") or as
// an ISO/IEC 5218 code, because partner systems and older clients send the
// numeric codes: 0 (not known) → UNKNOWN, 1 → MALE, 2 → FEMALE and 9 (not
// applicable) → OTHER. Codes may arrive as any Go integer type, a float64
// without fraction (what encoding/json produces for numbers in an `any`), a
// json.Number, or a string of digits ("1"). Everything else, including nil,
// other numbers and NaN, is INVALID_GENDER.
func ParseGender(v any) (string, error) {
	bad := newProblem(ReasonInvalidGender, genderBadMessage)
	switch x := v.(type) {
	case string:
		return genderFromString(x)
	case *string:
		if x == nil {
			return "", bad
		}
		return genderFromString(*x)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return genderFromCode(i)
		}
		if f, err := x.Float64(); err == nil {
			return genderFromFloat(f)
		}
		return "", bad
	case int:
		return genderFromCode(int64(x))
	case int8:
		return genderFromCode(int64(x))
	case int16:
		return genderFromCode(int64(x))
	case int32:
		return genderFromCode(int64(x))
	case int64:
		return genderFromCode(x)
	case uint:
		return genderFromUint(uint64(x))
	case uint8:
		return genderFromUint(uint64(x))
	case uint16:
		return genderFromUint(uint64(x))
	case uint32:
		return genderFromUint(uint64(x))
	case uint64:
		return genderFromUint(x)
	case float32:
		return genderFromFloat(float64(x))
	case float64:
		return genderFromFloat(x)
	}
	return "", bad
}

// genderFromString handles names and digit strings.
func genderFromString(s string) (string, error) {
	t, p := sanitize(s)
	if p != nil {
		return "", p
	}
	switch up := strings.ToUpper(t); up {
	case schematype.GenderMale, schematype.GenderFemale, schematype.GenderOther, schematype.GenderUnknown:
		return up, nil
	}
	// Only plain ASCII digits, so "+1", "1e0" and " 0x1" stay invalid.
	if t != "" && len(t) <= 3 && strings.Trim(t, "0123456789") == "" {
		if i, err := strconv.ParseInt(t, 10, 64); err == nil {
			return genderFromCode(i)
		}
	}
	return "", newProblem(ReasonInvalidGender, genderBadMessage)
}

// genderFromFloat accepts only the exact integral values of the codes.
func genderFromFloat(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || f < 0 || f > 9 {
		return "", newProblem(ReasonInvalidGender, genderBadMessage)
	}
	return genderFromCode(int64(f))
}

// genderFromUint avoids the overflow a plain int64 conversion would have.
func genderFromUint(u uint64) (string, error) {
	if u > 9 {
		return "", newProblem(ReasonInvalidGender, genderBadMessage)
	}
	return genderFromCode(int64(u))
}

// genderFromCode maps the ISO/IEC 5218 codes.
func genderFromCode(i int64) (string, error) {
	switch i {
	case 0:
		return schematype.GenderUnknown, nil
	case 1:
		return schematype.GenderMale, nil
	case 2:
		return schematype.GenderFemale, nil
	case 9:
		return schematype.GenderOther, nil
	}
	return "", newProblem(ReasonInvalidGender, genderBadMessage)
}
