package graph

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestInputsBindToGoFields fails on an input field that gqlgen could not
// bind to a field of the input's Go struct. gqlgen does not fail
// generation then: it logs the field and generates an input resolver whose
// stub panics when the field is sent, so a field added to the SDL but not to
// the domain's struct would build and be lost. Input resolvers are
// deliberate only on ent's where inputs (the filters of read.resolvers.go).
func TestInputsBindToGoFields(t *testing.T) {
	root := reflect.TypeFor[ResolverRoot]()
	for name, def := range NewExecutableSchema(Config{}).Schema().Types {
		if def.Kind != ast.InputObject {
			continue
		}
		m, ok := root.MethodByName(name)
		if !ok {
			continue
		}
		resolver := m.Type.Out(0)
		for i := range resolver.NumMethod() {
			field := resolver.Method(i)
			// An input resolver method is (ctx, obj *T, data V) error.
			bound := field.Type.In(1).Elem()
			if bound.PkgPath() == "onboard/ent" {
				continue
			}
			t.Errorf("%s.%s has no field in %s to bind to (gqlgen made it an input resolver): add the field to the struct",
				name, strings.ToLower(field.Name[:1])+field.Name[1:], bound)
		}
	}
}
