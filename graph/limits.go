package graph

import (
	"context"
	"fmt"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/viewer"
)

// The limits' defaults (a zero field of Limits takes these).
const (
	// DefaultMaxPageSize bounds first/last (and the length of ids).
	DefaultMaxPageSize = 500
	// DefaultMaxDepth bounds the selection depth. The deepest useful query
	// (tenant → customers → edges → node → organization → representatives
	// → person → addresses → city) is 9 deep.
	DefaultMaxDepth = 15
	// DefaultMaxComplexity bounds the estimated number of values a response
	// holds. The deep BI query of issue 5 as internal/server/limits_test.go
	// writes it (customer → person → addresses, contacts, documents;
	// organization → addresses, representatives → person → addresses,
	// employees; category → featureRelations → feature; features →
	// parameters; user → roles: about 115 fields a customer) costs 57,502
	// at first: 500, which 50,000 would refuse; 100,000 leaves it room to
	// grow by 70 %, while two nested connections at the maximum page size
	// (500 × 500 × at least 3 fields) cost 750,000 and more.
	DefaultMaxComplexity = 100_000
	// DefaultMaxAliases bounds aliased fields: aliases are how one request
	// asks for the same expensive field many times.
	DefaultMaxAliases = 30
	// DefaultMaxWhereDepth bounds how deep a where-input nests objects
	// (not, and, or, hasXxxWith): five levels reach customer → organization
	// → representatives → person → addresses.
	DefaultMaxWhereDepth = 5
	// DefaultMaxWhereNodes bounds the where-input objects of one operation:
	// each becomes a predicate, and a wide or/and makes a slow plan.
	DefaultMaxWhereNodes = 100
	// DefaultMaxWhereValues bounds the list elements of one operation's
	// where-inputs (idIn, tags, or…): each becomes an SQL parameter or a
	// term of the WHERE clause, and past the database's limits (PostgreSQL's
	// 65,535 parameters; SQLite's 32,766, and its expression depth of 1,000)
	// the query fails with an internal error instead of a refusal. (tags,
	// one AND term each, reach SQLite's depth at 934 already.)
	DefaultMaxWhereValues = 1000
	// DefaultMaxArgumentLength bounds, in characters, each string of a
	// query's arguments: a filter or a search term is a short text, and a
	// search of half a megabyte makes SQLite fail its LIKE ("pattern too
	// complex") with an internal error.
	DefaultMaxArgumentLength = 1000
)

// Limits is a gqlgen handler extension that refuses, after validation and
// before any resolver runs (so before any SQL), operations that would cost
// the database too much, filter on personal data without pii:read, or
// carry arguments the resolvers or the database would fail on with an
// internal error: malformed cursors, empty nested where objects, and (in
// queries) text with NUL or invalid UTF-8.
//
// It walks the operation with its fragments expanded and stops at the
// first violation, in document order; the total cost is judged once the
// walk is over. A rejected request answers HTTP 400 (403 for a refused
// personal-data filter) with one errors[] entry whose extensions carry
// code, reason and, where there is one, field: the response path of the
// offending field followed by the argument and the path inside it.
//
// Introspection (__schema, __type) is walked, to keep the walk bounded,
// but neither counted nor checked: it is governed by the Introspection
// switch, and GraphiQL's introspection query is deeper than any data query
// needs to be.
type Limits struct {
	// MaxPageSize bounds first and last (and the number of ids of nodes);
	// a connection field must be given first or last, or entgql would
	// return every row.
	MaxPageSize int
	// MaxDepth bounds the depth of nested selections (root fields are 1).
	MaxDepth int
	// MaxComplexity bounds the operation's cost: every field costs 1 for
	// each time it will be resolved, that is, the fields below a connection
	// count once per row of its page (first or last), and nested
	// connections multiply. Plain lists count once: ent eager-loads them in
	// one statement per level. A plain list at the root (categoryTree,
	// roles, customerStats) counts as a page of MaxPageSize rows, though:
	// nothing bounds its rows, and a connection below it returns a page for
	// each of them. nodes is the exception, bounded by its ids.
	MaxComplexity int
	// MaxAliases bounds the aliased fields of the operation.
	MaxAliases int
	// MaxWhereDepth bounds how deep a where argument nests objects.
	MaxWhereDepth int
	// MaxWhereNodes bounds the where-input objects of the operation.
	MaxWhereNodes int
	// MaxWhereValues bounds the list elements in the operation's
	// where-inputs.
	MaxWhereValues int
	// MaxArgumentLength bounds each string in a query's arguments.
	MaxArgumentLength int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Limits{}

// WithDefaults returns l with every zero (or negative) limit set to its
// default.
func (l Limits) WithDefaults() Limits {
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.MaxPageSize, DefaultMaxPageSize)
	set(&l.MaxDepth, DefaultMaxDepth)
	set(&l.MaxComplexity, DefaultMaxComplexity)
	set(&l.MaxAliases, DefaultMaxAliases)
	set(&l.MaxWhereDepth, DefaultMaxWhereDepth)
	set(&l.MaxWhereNodes, DefaultMaxWhereNodes)
	set(&l.MaxWhereValues, DefaultMaxWhereValues)
	set(&l.MaxArgumentLength, DefaultMaxArgumentLength)
	return l
}

// ExtensionName implements graphql.HandlerExtension.
func (Limits) ExtensionName() string { return "Limits" }

// Validate implements graphql.HandlerExtension.
func (Limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext checks the validated operation; gqlgen calls it
// before execution.
func (l Limits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := &limitWalker{
		Limits:       l.WithDefaults(),
		doc:          oc.Doc,
		vars:         oc.Variables,
		piiRead:      viewer.FromContext(ctx).Has(viewer.ScopePIIRead),
		query:        oc.Operation.Operation == ast.Query,
		noIntrospect: oc.DisableIntrospection,
		checked:      map[*ast.Value]bool{},
		checkedVars:  map[string]bool{},
	}
	w.selections(oc.Operation.SelectionSet, 1, 1)
	if w.cost > w.MaxComplexity {
		w.tooExpensive(strconv.Itoa(w.cost))
	}
	if w.err == nil {
		return nil
	}
	setStatus(ctx, w.err.HTTPStatus()) // 400, or 403 for FORBIDDEN
	gqlErr := &gqlerror.Error{Message: w.err.Message, Err: w.err}
	if w.pos != nil {
		gqlErr.Locations = []gqlerror.Location{{Line: w.pos.Line, Column: w.pos.Column}}
	}
	return gqlErr
}

// limitWalker walks one operation with its fragments expanded.
type limitWalker struct {
	Limits
	doc     *ast.QueryDocument
	vars    map[string]any
	piiRead bool
	query   bool // a query, whose argument text is checked (mutations check their own input)
	// noIntrospect refuses __schema and __type: gqlgen would answer them
	// with an internal error.
	noIntrospect bool

	cost          int   // sum of every field's weight, saturating
	visits        int   // selections walked: the walk stops past MaxComplexity
	aliases       int   // aliased fields
	whereNodes    int   // where-input objects
	whereValues   int   // list elements in where-inputs
	path          []any // response path of the field being walked
	introspection bool  // walking below __schema or __type

	checked     map[*ast.Value]bool // arguments whose value inputs has checked
	checkedVars map[string]bool     // variables whose text has been checked

	err *apperr.Error
	pos *ast.Position
}

// fail records the first violation, on the field being walked followed by
// sub (an argument and the path inside it).
func (w *limitWalker) fail(pos *ast.Position, code apperr.Code, reason apperr.Reason, msg string, sub ...any) {
	if w.err == nil {
		w.err = &apperr.Error{Code: code, Reason: reason, Message: msg, Field: apperr.Path(w.path).With(sub...)}
		w.pos = pos
	}
}

// selections walks set, whose fields are at depth and are each resolved
// weight times.
func (w *limitWalker) selections(set ast.SelectionSet, depth, weight int) {
	for _, sel := range set {
		if w.err != nil {
			return
		}
		if w.visits++; w.visits > w.MaxComplexity {
			// Every field costs at least 1, so a query this large is over
			// the limit anyway; stopping here keeps fragments spread many
			// times over (2^n selections from n fragments) from making the
			// walk itself expensive.
			w.tooExpensive("more than " + strconv.Itoa(w.MaxComplexity))
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			w.field(s, depth, weight)
		case *ast.InlineFragment:
			if !w.skipped(s.Directives) {
				w.selections(s.SelectionSet, depth, weight)
			}
		case *ast.FragmentSpread:
			// Validation has resolved the spread and refused cycles.
			if s.Definition != nil && !w.skipped(s.Directives) {
				w.selections(s.Definition.SelectionSet, depth, weight)
			}
		}
	}
}

func (w *limitWalker) field(f *ast.Field, depth, weight int) {
	if w.skipped(f.Directives) || f.Name == "__typename" {
		return // __typename costs nothing
	}
	if !w.introspection && w.noIntrospect && (f.Name == "__schema" || f.Name == "__type") {
		w.fail(f.Position, apperr.Forbidden, vocab.ReasonIntrospectionDisabled, "introspection is disabled on this server")
		return
	}
	if w.introspection || f.Name == "__schema" || f.Name == "__type" {
		// Introspection is walked, for the bound on the walk, but not
		// counted.
		outer := w.introspection
		w.introspection = true
		w.selections(f.SelectionSet, depth+1, weight)
		w.introspection = outer
		return
	}
	w.path = append(w.path, f.Alias)
	defer func() { w.path = w.path[:len(w.path)-1] }()
	if !w.shape(f, depth) {
		return
	}
	w.cost = saturatingAdd(w.cost, weight)
	if f.Definition == nil {
		return
	}
	if w.inputs(f); w.err != nil {
		return
	}
	if v, ok := w.argument(f, "where"); ok {
		w.where(f, f.Definition.Arguments.ForName("where").Type.Name(), v, apperr.Path{"where"}, 1)
	}
	if v, ok := w.argument(f, "orderBy"); ok {
		if w.piiOrder(f, v); w.err != nil {
			return
		}
	}
	rows, given := w.pageSize(f)
	if w.err != nil {
		return
	}
	if isConnection(f.Definition) && !given {
		w.fail(f.Position, apperr.BadUserInput, vocab.ReasonPageSizeRequired,
			fmt.Sprintf("%s needs first or last (at most %d)", f.Name, w.MaxPageSize))
		return
	}
	if depth == 1 && f.Definition.Type.Elem != nil && f.Name != "nodes" {
		rows = w.MaxPageSize // a root list returns all its rows: see MaxComplexity
	}
	w.selections(f.SelectionSet, depth+1, saturatingMul(weight, max(rows, 1)))
}

// argument returns the value of f's argument name (a literal, a variable
// or the schema's default) and whether the field has that argument at all.
func (w *limitWalker) argument(f *ast.Field, name string) (any, bool) {
	def := f.Definition.Arguments.ForName(name)
	if def == nil {
		return nil, false
	}
	val := def.DefaultValue
	if arg := f.Arguments.ForName(name); arg != nil {
		val = arg.Value
	}
	v, err := val.Value(w.vars)
	if err != nil {
		return nil, true
	}
	return v, true
}

// skipped reports whether @skip or @include drop the selection.
func (w *limitWalker) skipped(dirs ast.DirectiveList) bool {
	cond := func(name string) (bool, bool) {
		d := dirs.ForName(name)
		if d == nil {
			return false, false
		}
		arg := d.Arguments.ForName("if")
		if arg == nil {
			return false, false
		}
		v, _ := arg.Value.Value(w.vars)
		b, ok := v.(bool)
		return b, ok
	}
	if skip, ok := cond("skip"); ok && skip {
		return true
	}
	if include, ok := cond("include"); ok && !include {
		return true
	}
	return false
}
