package graph

import (
	"context"

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
//   - a field selected once under an alias is seen under its name
//     (Paginate matches aliases: `n: totalCount` answered 0, and the nodes
//     of `items: edges` were not collected); a field selected under
//     several aliases keeps them, as before.
//
// gqlgen resolves the connection's fields from the original context; only
// Paginate reads the rewritten one.
func countOnlyIfAsked(ctx context.Context) context.Context {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return ctx
	}
	fields := graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, nil)
	named := map[string]int{}
	for _, f := range fields {
		named[f.Name]++
	}
	total, edges := named["totalCount"] > 0, named["edges"] > 0
	selections := make(ast.SelectionSet, 0, len(fields)+1)
	pageInfo := false
	for _, f := range fields {
		if f.Name == "pageInfo" && !total {
			pageInfo = true
			continue
		}
		field := *f.Field
		if named[f.Name] == 1 {
			field.Alias = field.Name
		}
		field.SelectionSet = f.Selections
		selections = append(selections, &field)
	}
	if pageInfo && !edges {
		selections = append(selections, &ast.Field{Alias: "edges", Name: "edges"})
	}
	rewritten := *fc
	rewritten.Field = graphql.CollectedField{Field: fc.Field.Field, Selections: selections}
	ctx = graphql.WithFieldContext(ctx, &rewritten)
	rewritten.Parent = fc.Parent
	return ctx
}
