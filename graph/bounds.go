package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// The document bounds' defaults (a zero field of DocumentBounds takes these).
const (
	// DefaultMaxTokens bounds the lexical tokens of a document. GraphiQL's
	// introspection query has about 400, the deep BI read about 600; 10,000
	// leaves room for hand-written documents with many operations and
	// fragments while keeping parsing and validation to a few milliseconds.
	DefaultMaxTokens = 10_000
	// DefaultMaxOperations bounds the operations in one document: every
	// operation is validated with every fragment it reaches.
	DefaultMaxOperations = 50
	// DefaultMaxExpandedFields bounds the fields of the document once every
	// fragment spread is replaced by its fragment: what the limits walker
	// goes through, and what validation may report an error for (a field
	// that does not exist, with suggestions). Fragments spreading fragments
	// reach 2^n fields from n lines. GraphiQL's introspection query spreads
	// to about 200 fields, the deep BI read has about 120.
	DefaultMaxExpandedFields = 2_000
	// DefaultMaxFieldMerges bounds the pairs of fields that validation must
	// compare because they land under one response name (`name name name`,
	// `a: f(x: 1) a: f(x: 2)`, fragments selecting the same fields) and of
	// fragments spread into one selection set. The check that such fields
	// can be merged is quadratic in their number, and each pair that
	// cannot be merged is an error: 8,000 copies of one field cost seconds
	// of CPU and 300 conflicting ones 36,000 errors. Real documents merge a
	// handful of fields (an id selected by several fragments).
	DefaultMaxFieldMerges = 1_000
	// DefaultMaxNameLength bounds, in bytes, a name in the document (a
	// field, an alias, an argument, a fragment, a variable): validation
	// repeats names in its messages, so a name of 100,000 characters would
	// come back in the answer and the logs.
	DefaultMaxNameLength = 128
	// DefaultMaxErrors bounds the errors[] entries of one answer: past it
	// the answer says how many more there were.
	DefaultMaxErrors = 100
)

// DocumentBounds is a gqlgen handler extension that refuses, before
// gqlgen parses and validates the document, a document whose validation
// would cost more than its size: too many tokens, operations, fields
// after fragments are spread, or fields to compare under one response
// name; and names too long to repeat in an error. It parses the document itself (bounded by MaxTokens), once per
// distinct document: a document found in the query cache was checked when
// it was stored there.
//
// A refusal answers HTTP 400 with one error, code QUERY_TOO_COMPLEX and
// reason QUERY_TOO_LARGE.
type DocumentBounds struct {
	MaxTokens         int
	MaxOperations     int
	MaxExpandedFields int
	MaxFieldMerges    int
	MaxNameLength     int
	// Cache is the handler's query cache, holding documents that passed.
	Cache graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = DocumentBounds{}

// WithDefaults returns b with every zero (or negative) bound set to its
// default.
func (b DocumentBounds) WithDefaults() DocumentBounds {
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&b.MaxTokens, DefaultMaxTokens)
	set(&b.MaxOperations, DefaultMaxOperations)
	set(&b.MaxExpandedFields, DefaultMaxExpandedFields)
	set(&b.MaxFieldMerges, DefaultMaxFieldMerges)
	set(&b.MaxNameLength, DefaultMaxNameLength)
	return b
}

// ExtensionName implements graphql.HandlerExtension.
func (DocumentBounds) ExtensionName() string { return "DocumentBounds" }

// Validate implements graphql.HandlerExtension.
func (DocumentBounds) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters implements graphql.OperationParameterMutator:
// gqlgen calls it before parsing (and after automatic persisted queries
// have filled in the query).
func (b DocumentBounds) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" {
		return nil
	}
	if b.Cache != nil {
		if _, ok := b.Cache.Get(ctx, params.Query); ok {
			return nil
		}
	}
	problem := b.Check(params.Query)
	if problem == "" {
		return nil
	}
	e := apperr.New(apperr.QueryTooComplex, vocab.ReasonQueryTooLarge, problem)
	setStatus(ctx, e.HTTPStatus())
	return &gqlerror.Error{Message: e.Message, Err: e}
}

// Check returns what makes query too large to validate, or "" when it is
// within the bounds (or does not parse: gqlgen reports syntax errors).
func (b DocumentBounds) Check(query string) string {
	b = b.WithDefaults()
	if problem := b.checkTokens(query); problem != "" {
		return problem
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, b.MaxTokens)
	if err != nil {
		return "" // a syntax error, which gqlgen reports
	}
	if len(doc.Operations) > b.MaxOperations {
		return fmt.Sprintf("the document has more than %d operations", b.MaxOperations)
	}
	m := &mergeCounter{
		fragments: make(map[string]*ast.FragmentDefinition, len(doc.Fragments)),
		spreading: map[string]bool{},
		spread:    map[string]bool{},
		fields:    b.MaxExpandedFields,
		merges:    b.MaxFieldMerges,
	}
	for _, f := range doc.Fragments {
		if _, dup := m.fragments[f.Name]; !dup {
			m.fragments[f.Name] = f
		}
	}
	// Validation compares the fields of every operation and of every
	// fragment definition, spread or not: the spread ones are counted
	// where they are spread, the others on their own.
	for _, op := range doc.Operations {
		m.merged([]ast.SelectionSet{op.SelectionSet})
	}
	for _, f := range doc.Fragments {
		if !m.spread[f.Name] {
			m.merged([]ast.SelectionSet{f.SelectionSet})
		}
	}
	switch {
	case m.fields < 0:
		return fmt.Sprintf("the document has more than %d fields once its fragments are spread", b.MaxExpandedFields)
	case m.merges < 0:
		return fmt.Sprintf("the document selects the same response name (or spreads fragments into one selection) "+
			"more than %d times over: select each field once", b.MaxFieldMerges)
	}
	return ""
}

// checkTokens reads the document's tokens, up to one past MaxTokens, and
// refuses too many of them or a name longer than MaxNameLength. A lexical
// error is left to the parser to report.
func (b DocumentBounds) checkTokens(query string) string {
	lx := lexer.New(&ast.Source{Input: query})
	for n := 0; ; n++ {
		tok, err := lx.ReadToken()
		switch {
		case err != nil || tok.Kind == lexer.EOF:
			return ""
		case n >= b.MaxTokens:
			return fmt.Sprintf("the document has more than %d tokens", b.MaxTokens)
		case tok.Kind == lexer.Name && len(tok.Value) > b.MaxNameLength:
			return fmt.Sprintf("the document holds a name longer than %d characters", b.MaxNameLength)
		}
	}
}

// mergeCounter goes through a document's selection sets as execution
// merges them, counting down two budgets: the fields it visits, and the
// pairs of fields under one response name (and of fragments spread into
// one set) that validation compares. It stops as soon as either runs out,
// so its own work is bounded by the budgets.
type mergeCounter struct {
	fragments map[string]*ast.FragmentDefinition
	spreading map[string]bool // fragments being expanded: a cycle is validation's to report
	spread    map[string]bool // fragments spread at least once
	fields    int
	merges    int
}

func (m *mergeCounter) exhausted() bool { return m.fields < 0 || m.merges < 0 }

// merged counts the selection sets that execution merges into one (the
// sub-selections of fields sharing a response name), then the merged
// sub-selections of each response name in turn.
func (m *mergeCounter) merged(sets []ast.SelectionSet) {
	var names []string
	byName := map[string][]ast.SelectionSet{}
	spreads := 0
	var collect func(set ast.SelectionSet)
	collect = func(set ast.SelectionSet) {
		for _, sel := range set {
			if m.exhausted() {
				return
			}
			switch s := sel.(type) {
			case *ast.Field:
				m.fields--
				name := s.Alias
				if name == "" {
					name = s.Name
				}
				group, seen := byName[name]
				if !seen {
					names = append(names, name)
				}
				m.merges -= len(group) // one comparison with each field already there
				byName[name] = append(group, s.SelectionSet)
			case *ast.InlineFragment:
				collect(s.SelectionSet)
			case *ast.FragmentSpread:
				m.merges -= spreads // compared with each fragment already spread here
				spreads++
				m.spread[s.Name] = true
				def := m.fragments[s.Name]
				if def == nil || m.spreading[s.Name] {
					continue
				}
				m.spreading[s.Name] = true
				collect(def.SelectionSet)
				delete(m.spreading, s.Name)
			}
		}
	}
	for _, set := range sets {
		collect(set)
	}
	for _, name := range names {
		if m.exhausted() {
			return
		}
		if children := byName[name]; hasSelections(children) {
			m.merged(children)
		}
	}
}

func hasSelections(sets []ast.SelectionSet) bool {
	for _, s := range sets {
		if len(s) > 0 {
			return true
		}
	}
	return false
}
