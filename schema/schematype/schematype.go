// Package schematype holds the value types that ent schemas store in columns
// (enums shared by several entities, JSON documents) and that the GraphQL
// layer exposes unchanged.
package schematype

import (
	"fmt"
	"io"
	"strconv"
)

// CustomerType tells individuals from organizations. Customers and
// categories share it, so a category can be checked against a customer.
type CustomerType string

// Customer types.
const (
	CustomerTypeIndividual   CustomerType = "INDIVIDUAL"
	CustomerTypeOrganization CustomerType = "ORGANIZATION"
)

// Values lists the enum values for ent.
func (CustomerType) Values() []string {
	return []string{string(CustomerTypeIndividual), string(CustomerTypeOrganization)}
}

// MarshalGQL writes the enum value.
func (t CustomerType) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads the enum value.
func (t *CustomerType) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("customer type must be a string")
	}
	switch CustomerType(s) {
	case CustomerTypeIndividual, CustomerTypeOrganization:
		*t = CustomerType(s)
		return nil
	}
	return fmt.Errorf("%q is not a valid CustomerType", s)
}

// ParameterType is the type of a feature parameter's values.
type ParameterType string

// Parameter types.
const (
	ParameterTypeString  ParameterType = "STRING"
	ParameterTypeInteger ParameterType = "INTEGER"
	ParameterTypeDecimal ParameterType = "DECIMAL"
	ParameterTypeBoolean ParameterType = "BOOLEAN"
)

// ParameterDefinition describes one parameter a feature takes: what values
// are allowed and what applies when nobody gives one.
type ParameterDefinition struct {
	Name          string        `json:"name"`
	Type          ParameterType `json:"type"`
	Mandatory     bool          `json:"mandatory"`
	AllowedValues []string      `json:"allowedValues,omitempty"`
	Min           *float64      `json:"min,omitempty"`
	Max           *float64      `json:"max,omitempty"`
	DefaultValue  *string       `json:"defaultValue,omitempty"`
	Description   string        `json:"description,omitempty"`
}

// Parameter is one named parameter value, as a category's default
// parametrization or a registration request carries it.
type Parameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ParameterSource tells where an applied parameter value came from.
type ParameterSource string

// Parameter sources.
const (
	SourceFeatureDefault  ParameterSource = "FEATURE_DEFAULT"
	SourceCategoryDefault ParameterSource = "CATEGORY_DEFAULT"
	SourceRequest         ParameterSource = "REQUEST"
)

// AppliedParameter is a parameter value frozen on a customer at registration.
type AppliedParameter struct {
	Name   string          `json:"name"`
	Value  string          `json:"value"`
	Source ParameterSource `json:"source"`
}

// MarshalGQL writes the enum value.
func (t ParameterType) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads the enum value.
func (t *ParameterType) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch ParameterType(s) {
	case ParameterTypeString, ParameterTypeInteger, ParameterTypeDecimal, ParameterTypeBoolean:
		*t = ParameterType(s)
		return nil
	}
	return fmt.Errorf("%v is not a valid ParameterType", v)
}

// MarshalGQL writes the enum value.
func (s ParameterSource) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL reads the enum value.
func (s *ParameterSource) UnmarshalGQL(v any) error {
	str, _ := v.(string)
	switch ParameterSource(str) {
	case SourceFeatureDefault, SourceCategoryDefault, SourceRequest:
		*s = ParameterSource(str)
		return nil
	}
	return fmt.Errorf("%v is not a valid ParameterSource", v)
}
