package catalog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

// MaxParameterValueLength bounds, in characters, a parameter's value
// (allowed, default, a category's or a request's): a risk level, a limit
// or a list code, never a document.
const MaxParameterValueLength = 500

// CheckValue reports whether value is acceptable for the parameter def: of
// its type, among its allowed values when it has any, and inside its range.
// It returns a reason and a message, or "" when the value is fine.
//
// A value holding a character no stored text may hold (values.CleanString:
// NUL, control and invisible characters) is refused first, with that
// reason: allowed and default values and a category's parametrization are
// stored as given.
func CheckValue(def schematype.ParameterDefinition, value string) (reason vocab.Reason, message string) {
	if _, err := values.CleanString(value, MaxParameterValueLength); err != nil {
		return values.ReasonOf(err), fmt.Sprintf("parameter %s: %s", def.Name, ProblemMessage(err))
	}
	var number float64
	switch def.Type {
	case schematype.ParameterTypeInteger:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return vocab.ReasonInvalidParameterValue, fmt.Sprintf("parameter %s takes an integer", def.Name)
		}
		number = float64(n)
	case schematype.ParameterTypeDecimal:
		n, err := strconv.ParseFloat(value, 64)
		if err != nil || strings.ContainsAny(value, "eEnN") {
			return vocab.ReasonInvalidParameterValue, fmt.Sprintf("parameter %s takes a decimal number", def.Name)
		}
		number = n
	case schematype.ParameterTypeBoolean:
		if value != "true" && value != "false" {
			return vocab.ReasonInvalidParameterValue, fmt.Sprintf("parameter %s takes true or false", def.Name)
		}
	}
	if len(def.AllowedValues) > 0 && !slices.Contains(def.AllowedValues, value) {
		return vocab.ReasonParameterValueNotAllowed, fmt.Sprintf("parameter %s accepts only %s",
			def.Name, strings.Join(def.AllowedValues, ", "))
	}
	if def.Type == schematype.ParameterTypeInteger || def.Type == schematype.ParameterTypeDecimal {
		if def.Min != nil && number < *def.Min {
			return vocab.ReasonParameterOutOfRange, fmt.Sprintf("parameter %s must be at least %s", def.Name, formatNumber(*def.Min))
		}
		if def.Max != nil && number > *def.Max {
			return vocab.ReasonParameterOutOfRange, fmt.Sprintf("parameter %s must be at most %s", def.Name, formatNumber(*def.Max))
		}
	}
	return "", ""
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Definition returns the definition of the parameter named name.
func Definition(defs []schematype.ParameterDefinition, name string) (schematype.ParameterDefinition, bool) {
	i := slices.IndexFunc(defs, func(d schematype.ParameterDefinition) bool { return d.Name == name })
	if i < 0 {
		return schematype.ParameterDefinition{}, false
	}
	return defs[i], true
}
