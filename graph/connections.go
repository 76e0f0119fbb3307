package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// countOnlyIfAsked returns the context a connection resolver passes to an
// entgql Paginate, so that the connection counts its rows only when the
// query selects `totalCount`.
//
// The generated Paginate (ent/gql_pagination.go) counts the whole filtered
// set whenever `pageInfo` is selected, though `hasNextPage` and
// `hasPreviousPage` come from the one row it reads past the page: at a
// million customers that count was nearly all of a page's time (issue 17).
// Paginate decides from the field's selections, so the context handed to
// it carries the same field with the connection's selections rewritten:
//
//   - without `totalCount`, `pageInfo` is left out; when `edges` is not
//     selected either, a bare `edges` is put in its place, so that Paginate
//     reads the page (first + 1 rows) and the page info comes from it
//     instead of from a count;
//   - each field is seen once, under its own name, with the selections of
//     all the aliases it was selected under (Paginate looks fields up by
//     alias: `n: totalCount` answered 0, `a: edges … b: edges …` read no
//     page, and the nodes of `items: edges` or `edges { n: node }` were not
//     eager-loaded); the same for `node` inside `edges`;
//   - with `first: 0` or `last: 0` nothing is rewritten: Paginate then
//     reads no page, and only its count can tell `hasNextPage`.
//
// gqlgen resolves the connection's fields from the original context; only
// Paginate reads the rewritten one.
func countOnlyIfAsked(ctx context.Context) context.Context {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || emptyPage(fc.Args) {
		return ctx
	}
	oc := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFields(oc, fc.Field.Selections, nil)
	total := slices.ContainsFunc(fields, func(f graphql.CollectedField) bool { return f.Name == "totalCount" })
	pageInfo := slices.ContainsFunc(fields, func(f graphql.CollectedField) bool { return f.Name == "pageInfo" })
	if pageInfo && !total {
		fields = slices.DeleteFunc(fields, func(f graphql.CollectedField) bool { return f.Name == "pageInfo" })
		if !slices.ContainsFunc(fields, func(f graphql.CollectedField) bool { return f.Name == "edges" }) {
			fields = append(fields, graphql.CollectedField{Field: &ast.Field{Alias: "edges", Name: "edges"}})
		}
	}
	selections := byName(fields)
	for _, s := range selections {
		if edges := s.(*ast.Field); edges.Name == "edges" {
			edges.SelectionSet = byName(graphql.CollectFields(oc, edges.SelectionSet, nil))
		}
	}
	rewritten := *fc
	rewritten.Field = graphql.CollectedField{Field: fc.Field.Field, Selections: selections}
	ctx = graphql.WithFieldContext(ctx, &rewritten)
	rewritten.Parent = fc.Parent
	return ctx
}

// byName gives each of fields once, in the order of its first selection,
// aliased by its own name, with the selections of every alias it had.
func byName(fields []graphql.CollectedField) ast.SelectionSet {
	merged := map[string]*ast.Field{}
	var out ast.SelectionSet
	for _, f := range fields {
		if m, ok := merged[f.Name]; ok {
			m.SelectionSet = append(m.SelectionSet, f.Selections...)
			continue
		}
		m := *f.Field
		m.Alias = m.Name
		m.SelectionSet = slices.Clone(f.Selections)
		merged[f.Name] = &m
		out = append(out, &m)
	}
	return out
}

// emptyPage reports whether the arguments ask for a page of no rows.
func emptyPage(args map[string]any) bool {
	for _, name := range []string{"first", "last"} {
		if n, ok := args[name].(*int); ok && n != nil && *n == 0 {
			return true
		}
	}
	return false
}
