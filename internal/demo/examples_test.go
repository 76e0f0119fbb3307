package demo_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"

	"onboard/graph"
	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// Every example parses, validates against the server's executable schema
// and comes with variables the schema accepts: the FinHub bodies must fit
// the input types as they are, and a renamed field fails here, not in a
// newcomer's browser.
func TestExamplesValidateAgainstTheSchema(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	examples := demo.Examples(demo.OnboardingCustomer{})
	if len(examples) < 3 {
		t.Fatalf("%d examples, want at least the two registrations and the BI read", len(examples))
	}
	for _, ex := range examples {
		t.Run(ex.Title, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(schema, ex.Query, nil)
			if len(errs) > 0 {
				t.Fatalf("invalid operation: %v\n%s", errs, ex.Query)
			}
			if len(doc.Operations) != 1 || doc.Operations[0].Name == "" {
				t.Fatalf("want one named operation (GraphiQL names the tab after it), got %d", len(doc.Operations))
			}
			vars := map[string]any{}
			if ex.Variables != "" {
				dec := json.NewDecoder(bytes.NewReader([]byte(ex.Variables)))
				dec.UseNumber()
				if err := dec.Decode(&vars); err != nil {
					t.Fatalf("variables are not a JSON object: %v", err)
				}
			}
			if _, err := validator.VariableValues(schema, doc.Operations[0], vars); err != nil {
				t.Fatalf("variables do not fit the operation: %v", err)
			}
		})
	}
}

// The embedded bodies are copies of the fixtures in testdata/ (go:embed
// cannot reach outside the package directory): keep them byte for byte
// equal, so that what the playground sends is what the tests register.
func TestExampleBodiesEqualTestdata(t *testing.T) {
	for _, name := range []string{"finhub-individual.json", "finhub-organization-categorized.json"} {
		want, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("examples", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("internal/demo/examples/%s differs from testdata/%s: run cp testdata/%s internal/demo/examples/", name, name, name)
		}
	}
}
