package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/registration"
)

// TestFormRulesNameSchemaFields keeps registration's form table honest:
// every pattern names a field of the input types (a type's field, a list
// element "field.*", or a root input type and a whole path), so a renamed
// field cannot keep a rule that applies to nothing.
func TestFormRulesNameSchemaFields(t *testing.T) {
	s := inputSchema()
	for _, pattern := range registration.FormRulePatterns() {
		if !resolvesInSchema(s, pattern) {
			t.Errorf("form rule %q names no field of the schema's input types", pattern)
		}
	}
}

// TestFormFieldTypesMatchEnum: FormFieldType is bound to a plain string,
// so the values registration produces must be the enum's.
func TestFormFieldTypesMatchEnum(t *testing.T) {
	var enum []string
	for _, v := range inputSchema().Types["FormFieldType"].EnumValues {
		enum = append(enum, v.Name)
	}
	if !slices.Equal(enum, registration.FormFieldTypes) {
		t.Errorf("FormFieldType is %v, registration's types %v", enum, registration.FormFieldTypes)
	}
}

// resolvesInSchema follows pattern ("Type.field.*.field…") through the
// input types.
func resolvesInSchema(s *ast.Schema, pattern string) bool {
	parts := strings.Split(pattern, ".")
	def := s.Types[parts[0]]
	if def == nil || def.Kind != ast.InputObject {
		return false
	}
	var t *ast.Type
	for _, p := range parts[1:] {
		if p == "*" {
			if t == nil || t.Elem == nil {
				return false
			}
			t = t.Elem
			def = s.Types[t.Name()]
			continue
		}
		if (t != nil && t.Elem != nil) || def == nil || def.Kind != ast.InputObject {
			return false // a list's fields are its elements'
		}
		f := def.Fields.ForName(p)
		if f == nil {
			return false
		}
		t = f.Type
		def = s.Types[t.Name()]
	}
	return true
}
