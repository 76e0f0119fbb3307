package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"onboard/internal/apperr"
	"onboard/internal/values"
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
	status := http.StatusBadRequest
	if w.err.Code == apperr.Forbidden {
		status = http.StatusForbidden
	}
	setStatus(ctx, status)
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
func (w *limitWalker) fail(pos *ast.Position, code apperr.Code, reason, msg string, sub ...any) {
	if w.err == nil {
		w.err = &apperr.Error{Code: code, Reason: reason, Message: msg, Field: apperr.Path(w.path).With(sub...)}
		w.pos = pos
	}
}

// tooExpensive records that the operation as a whole costs too much.
func (w *limitWalker) tooExpensive(cost string) {
	if w.err == nil {
		w.err = apperr.New(apperr.QueryTooComplex, "QUERY_TOO_EXPENSIVE", fmt.Sprintf(
			"the query costs %s, above the limit of %d: ask for smaller pages or fewer nested lists",
			cost, w.MaxComplexity))
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
		w.fail(f.Position, apperr.Forbidden, "INTROSPECTION_DISABLED", "introspection is disabled on this server")
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
	if f.Alias != f.Name {
		if w.aliases++; w.aliases > w.MaxAliases {
			w.fail(f.Position, apperr.QueryTooComplex, "TOO_MANY_ALIASES",
				fmt.Sprintf("the query has more than %d aliased fields", w.MaxAliases))
			return
		}
	}
	if depth > w.MaxDepth {
		w.fail(f.Position, apperr.QueryTooComplex, "QUERY_TOO_DEEP",
			fmt.Sprintf("the query is nested more than %d levels deep", w.MaxDepth))
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
		w.where(f, v, apperr.Path{"where"}, 1)
	}
	rows, given := w.pageSize(f)
	if w.err != nil {
		return
	}
	if isConnection(f.Definition) && !given {
		w.fail(f.Position, apperr.BadUserInput, "PAGE_SIZE_REQUIRED",
			fmt.Sprintf("%s needs first or last (at most %d)", f.Name, w.MaxPageSize))
		return
	}
	if depth == 1 && f.Definition.Type.Elem != nil && f.Name != "nodes" {
		rows = w.MaxPageSize // a root list returns all its rows: see MaxComplexity
	}
	w.selections(f.SelectionSet, depth+1, saturatingMul(weight, max(rows, 1)))
}

// pageSize checks the field's first, last and ids arguments and returns
// how many rows the field will return at most, and whether it was told.
func (w *limitWalker) pageSize(f *ast.Field) (rows int, given bool) {
	for _, name := range []string{"first", "last"} {
		v, ok := w.argument(f, name)
		if !ok || v == nil {
			continue
		}
		n, isInt := asInt(v)
		if !isInt {
			continue // validation has checked the type; nothing to bound
		}
		switch {
		case n < 0:
			w.fail(f.Position, apperr.BadUserInput, "INVALID_PAGE_SIZE", name+" must not be negative", name)
			return 0, true
		case n > int64(w.MaxPageSize):
			w.fail(f.Position, apperr.BadUserInput, "PAGE_SIZE_TOO_LARGE",
				fmt.Sprintf("%s must be at most %d", name, w.MaxPageSize), name)
			return 0, true
		}
		rows, given = max(rows, int(n)), true
	}
	if v, ok := w.argument(f, "ids"); ok {
		if ids, isList := v.([]any); isList {
			if len(ids) > w.MaxPageSize {
				w.fail(f.Position, apperr.BadUserInput, "PAGE_SIZE_TOO_LARGE",
					fmt.Sprintf("at most %d ids at once", w.MaxPageSize), "ids")
				return 0, true
			}
			rows, given = max(rows, len(ids)), true
		}
	}
	return rows, given
}

// where checks a where-input value at path (inside the field's
// arguments): its nesting, its number of objects and of list values,
// empty objects, and personal-data keys. The where objects and values are
// few (MaxWhereNodes, MaxWhereValues), so paths are built as it goes.
func (w *limitWalker) where(f *ast.Field, v any, path apperr.Path, depth int) {
	switch v := v.(type) {
	case map[string]any:
		if depth > w.MaxWhereDepth {
			w.fail(f.Position, apperr.QueryTooComplex, "WHERE_TOO_DEEP",
				fmt.Sprintf("where nests more than %d levels deep", w.MaxWhereDepth), path...)
			return
		}
		if w.whereNodes++; w.whereNodes > w.MaxWhereNodes {
			w.fail(f.Position, apperr.QueryTooComplex, "WHERE_TOO_DEEP",
				fmt.Sprintf("the query's where arguments hold more than %d condition objects", w.MaxWhereNodes), path...)
			return
		}
		if depth > 1 && !holdsCondition(v) {
			w.fail(f.Position, apperr.BadUserInput, "EMPTY_FILTER",
				"a where object inside another must hold at least one condition", path...)
			return
		}
		for _, key := range slices.Sorted(maps.Keys(v)) { // sorted: the same error every time
			if !w.piiRead && isPIIFilter(key) {
				w.fail(f.Position, apperr.Forbidden, "PII_FILTER_FORBIDDEN",
					"filtering on "+key+" needs the scope "+viewer.ScopePIIRead, path.With(key)...)
				return
			}
			w.where(f, v[key], path.With(key), depth+1)
			if w.err != nil {
				return
			}
		}
	case []any:
		if w.whereValues += len(v); w.whereValues > w.MaxWhereValues {
			w.fail(f.Position, apperr.QueryTooComplex, "WHERE_TOO_LARGE",
				fmt.Sprintf("the query's where arguments hold more than %d list values: filter in smaller batches",
					w.MaxWhereValues), path...)
			return
		}
		for i, elem := range v {
			w.where(f, elem, path.With(i), depth) // a list is not a level: its objects are
			if w.err != nil {
				return
			}
		}
	}
}

// holdsCondition reports whether a where object sets anything: entgql
// skips null keys and empty lists, and a nested object left without a
// predicate fails the whole query ("ent: empty predicate"), while the root
// one then merely filters nothing.
func holdsCondition(obj map[string]any) bool {
	for _, v := range obj {
		if list, isList := v.([]any); v != nil && (!isList || len(list) > 0) {
			return true
		}
	}
	return false
}

// inputs checks what the values of f's arguments decide alone: the text of
// a query's strings, and the cursors of after and before. It checks each
// argument written in the document once, and the text of each variable
// once, however many times fragments spread a field: the walk stays linear
// in the size of the request.
func (w *limitWalker) inputs(f *ast.Field) {
	for _, arg := range f.Arguments {
		if w.checked[arg.Value] {
			continue
		}
		w.checked[arg.Value] = true
		if w.query {
			w.text(f, arg.Value, apperr.Path{arg.Name})
		}
		if w.err != nil {
			return
		}
		if arg.Name == "after" || arg.Name == "before" {
			w.cursor(f, arg)
		}
	}
}

// text refuses a string holding NUL or invalid UTF-8 in v, at path: v is
// an argument as written (*ast.Value, whose variables it follows) or a part
// of a variable's value. PostgreSQL refuses NUL in a text parameter (22021,
// an internal error) and SQLite takes it without failing, so the same
// filter would answer differently on each. Queries only: mutations
// validate their input themselves and report it on its own paths.
func (w *limitWalker) text(f *ast.Field, v any, path apperr.Path) {
	if w.err != nil {
		return
	}
	switch v := v.(type) {
	case *ast.Value:
		switch v.Kind {
		case ast.Variable:
			if !w.checkedVars[v.Raw] {
				w.checkedVars[v.Raw] = true
				w.text(f, w.vars[v.Raw], path)
			}
		case ast.StringValue, ast.BlockValue:
			w.text(f, v.Raw, path)
		case ast.ListValue:
			for i, elem := range v.Children {
				w.text(f, elem.Value, path.With(i))
			}
		case ast.ObjectValue:
			for _, field := range v.Children {
				w.text(f, field.Value, path.With(field.Name))
			}
		}
	case string:
		switch {
		case !utf8.ValidString(v):
			w.fail(f.Position, apperr.BadUserInput, values.ReasonInvalidUTF8, "the value is not valid UTF-8", path...)
		case strings.IndexByte(v, 0) >= 0:
			w.fail(f.Position, apperr.BadUserInput, values.ReasonContainsNUL, "the value contains a NUL character", path...)
		case len(v) > w.MaxArgumentLength && utf8.RuneCountInString(v) > w.MaxArgumentLength:
			w.fail(f.Position, apperr.BadUserInput, values.ReasonTooLong,
				fmt.Sprintf("the value is longer than %d characters", w.MaxArgumentLength), path...)
		}
	case []any:
		for i, elem := range v {
			w.text(f, elem, path.With(i))
		}
	case map[string]any:
		for _, key := range slices.Sorted(maps.Keys(v)) { // sorted: the same error every time
			w.text(f, v[key], path.With(key))
		}
	}
}

// cursor refuses an after or before cursor that entgql cannot decode, or
// that was taken from another ordering (see paging.go): the connection's
// resolver would fail on it with an internal error.
func (w *limitWalker) cursor(f *ast.Field, arg *ast.Argument) {
	v, err := arg.Value.Value(w.vars)
	if err != nil || v == nil {
		return
	}
	var c entgql.Cursor[string]
	if err := c.UnmarshalGQL(v); err != nil {
		w.fail(f.Position, apperr.BadUserInput, "INVALID_CURSOR",
			arg.Name+" is not a cursor: pass a startCursor, endCursor or cursor as returned", arg.Name)
		return
	}
	if orderBy, _ := w.argument(f, "orderBy"); !fits(orderOf(f.Definition, orderBy), c.Value) {
		w.fail(f.Position, apperr.BadUserInput, "INVALID_CURSOR",
			arg.Name+" is a cursor of another ordering; start again from the first page", arg.Name)
	}
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

// isConnection reports whether the field returns a Relay connection that
// takes first or last.
func isConnection(def *ast.FieldDefinition) bool {
	if def.Type == nil || def.Type.Elem != nil || !strings.HasSuffix(def.Type.NamedType, "Connection") {
		return false
	}
	return def.Arguments.ForName("first") != nil || def.Arguments.ForName("last") != nil
}

// isPIIFilter reports whether key filters on personal data (graph/pii.go).
func isPIIFilter(key string) bool { return isPersonalDataFilter(key) }

// asInt reads an Int argument: int64 from a literal or a top-level
// variable, json.Number inside a variable's object, or another number.
func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

func saturatingAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

func saturatingMul(a, b int) int {
	if b != 0 && a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}
