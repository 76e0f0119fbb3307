package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"onboard/internal/apperr"
	"onboard/internal/viewer"
)

// FuzzDocumentBounds: the check never panics, and it never lets through
// a document with more tokens than its bound (counted here with the lexer,
// independently of the parser's own count).
func FuzzDocumentBounds(f *testing.F) {
	f.Add(`{ tenant { name } }`)
	f.Add(`query Q($id: ID!) { node(id: $id) { id ...F } } fragment F on Customer { name ...F }`)
	f.Add(`{ a: tenant { name } a: tenant { key } ...on Query { tenant { name } } }`)
	f.Add(`fragment A on Tenant { ...B ...B } fragment B on Tenant { ...A }`)
	bounds := DocumentBounds{MaxTokens: 200, MaxOperations: 3, MaxExpandedFields: 100, MaxFieldMerges: 20}
	f.Fuzz(func(t *testing.T, query string) {
		if bounds.Check(query) != "" {
			return
		}
		if _, err := parser.ParseQuery(&ast.Source{Input: query}); err != nil {
			return // a syntax error: gqlgen reports it
		}
		if n := countTokens(query); n > bounds.MaxTokens {
			t.Fatalf("a document of %d tokens passed the bound of %d", n, bounds.MaxTokens)
		}
	})
}

func countTokens(query string) int {
	lx := lexer.New(&ast.Source{Input: query})
	n := 0
	for {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n
		}
		n++
	}
}

// FuzzLimits runs the limits walker on every valid document and variables
// the fuzzer finds: it never panics, and it answers either nothing or one
// problem a client can act on (a code of the fixed set, a reason).
func FuzzLimits(f *testing.F) {
	f.Add(`query($w: CustomerWhereInput, $a: Cursor) { customers(first: 5, after: $a, where: $w) { totalCount } }`,
		`{"w": {"or": [{"not": {"search": "x"}}], "tags": ["a"]}, "a": "gaFpp2N1c18wMQ"}`)
	f.Add(`{ tenant { customers(first: 2, orderBy: [{field: NAME}]) { edges { node { person { dateOfBirth } } } } } }`, `{}`)
	f.Add(`query($n: Int) { categories(first: $n) { edges { node { customers(last: 3) { totalCount } } } } }`, `{"n": -1}`)
	f.Add(`{ customerStats(groupBy: [COUNTRY], where: {hasPersonWith: {dateOfBirthGT: "x"}}) { count } }`, `{}`)
	f.Add(`{ __schema { types { name } } nodes(ids: ["a", "b"]) { id } }`, `{}`)
	schema := NewExecutableSchema(Config{}).Schema()
	limits := Limits{MaxPageSize: 10, MaxDepth: 6, MaxComplexity: 500, MaxAliases: 3,
		MaxWhereDepth: 3, MaxWhereNodes: 10, MaxWhereValues: 20, MaxArgumentLength: 50}
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{Scopes: []string{viewer.ScopeCustomersRead}})
	f.Fuzz(func(t *testing.T, query, variables string) {
		if (DocumentBounds{}).Check(query) != "" {
			return
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil || len(doc.Operations) != 1 || len(validator.Validate(schema, doc)) > 0 {
			return
		}
		dec := json.NewDecoder(strings.NewReader(variables))
		dec.UseNumber() // as gqlgen's transports decode variables
		var vars map[string]any
		if dec.Decode(&vars) != nil {
			return
		}
		coerced, err := validator.VariableValues(schema, doc.Operations[0], vars)
		if err != nil {
			return
		}
		oc := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: coerced, DisableIntrospection: true}
		gqlErr := limits.MutateOperationContext(ctx, oc)
		if gqlErr == nil {
			return
		}
		var ae *apperr.Error
		if !errors.As(gqlErr, &ae) || ae.Reason == "" {
			t.Fatalf("not a client problem: %v", gqlErr)
		}
		switch ae.Code {
		case apperr.BadUserInput, apperr.QueryTooComplex, apperr.Forbidden:
		default:
			t.Fatalf("code %s: %v", ae.Code, gqlErr)
		}
	})
}

// FuzzCursor decodes cursors as connections do: decoding never panics,
// neither does checking the cursor against an ordering, and a cursor the
// API writes decodes to what it was made of.
func FuzzCursor(f *testing.F) {
	f.Add("gaFpp2N1c18wMQ", "cus_01", "Alice", int64(0))
	f.Add("not a cursor!", "", "", int64(1700000000))
	f.Add("kqFp2gAA", "x", "", int64(-1))
	for _, order := range []string{"NAME", "CREATED_AT"} {
		def := &ast.FieldDefinition{Arguments: ast.ArgumentDefinitionList{{Name: "orderBy", Type: ast.ListType(ast.NamedType("CustomerOrder", nil), nil)}}}
		_ = orderOf(def, []any{map[string]any{"field": order}})
	}
	orders := []orderedBy{{}, {fields: []string{"NAME"}}, {fields: []string{"CREATED_AT", "NAME"}, multi: true}}
	f.Fuzz(func(t *testing.T, raw, id, name string, unix int64) {
		var c entgql.Cursor[string]
		if c.UnmarshalGQL(raw) == nil {
			for _, o := range orders {
				_ = fits(o, c.Value)
			}
		}
		for _, value := range []any{nil, name, time.Unix(unix, 0).UTC()} {
			var b bytes.Buffer
			entgql.Cursor[string]{ID: id, Value: value}.MarshalGQL(&b)
			var back entgql.Cursor[string]
			if err := back.UnmarshalGQL(strings.Trim(b.String(), `"`)); err != nil {
				t.Fatalf("a cursor we wrote does not decode: %v", err)
			}
			if back.ID != id {
				t.Fatalf("id %q came back as %q", id, back.ID)
			}
		}
	})
}
