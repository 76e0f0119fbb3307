package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// This file keeps `pageInfo` from costing a count. entgql counts the whole
// filtered set of a connection whenever `pageInfo` is selected, in the
// generated Paginate (ent/gql_pagination.go) for a connection it resolves
// and in the eager load (ent/gql_collection.go) for one nested in what it
// loads, though `hasNextPage` and `hasPreviousPage` come from the one row
// it reads past the page: at a million customers that count was nearly all
// of a page's time. Both decide from the selections in the context they
// are given, so resolvers hand them a context whose field carries the
// same selections rewritten, connection by connection:
//
//   - without `totalCount`, `pageInfo` is left out; when `edges` is not
//     selected either, a bare `edges` is put in its place, so that the page
//     is read (first + 1 rows) and the page info comes from it instead of
//     from a count;
//   - each of `edges`, `pageInfo`, `totalCount` and, inside `edges`,
//     `node` is seen once, under its own name, with the selections of all
//     the aliases it was selected under (entgql looks them up by alias:
//     `n: totalCount` answered 0, `a: edges … b: edges …` read no page,
//     and the nodes of `items: edges` or `edges { n: node }` were not
//     eager-loaded); the connection field itself keeps its alias, under
//     which the eager load stores a nested page;
//   - with `first: 0` or `last: 0` the connection is left as it is: no page
//     is read, and only the count can tell `hasNextPage`.
//
// Fragments are inlined with their type conditions, so that the rewrite
// reaches connections selected inside them. gqlgen resolves and writes
// every field from the original context; only entgql reads the rewritten
// one.

// countOnlyIfAsked returns the context a connection resolver passes to an
// entgql Paginate: the connection counts its rows only when the query
// selects `totalCount`, and nested connections likewise.
func countOnlyIfAsked(ctx context.Context) context.Context {
	return rewriteSelections(ctx, connectionSelections)
}

// withoutCounts returns the context a resolver passes to entgql's
// CollectFields (or a Noder) for an object or a list of objects: the
// connections nested in its selection count only when asked to.
func withoutCounts(ctx context.Context) context.Context {
	return rewriteSelections(ctx, objectSelections)
}

// rewriteSelections gives ctx's field the selections rewrite makes of its
// own.
func rewriteSelections(ctx context.Context, rewrite func(*graphql.OperationContext, ast.SelectionSet) ast.SelectionSet) context.Context {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return ctx
	}
	oc := graphql.GetOperationContext(ctx)
	if fc.Field.Definition != nil && isConnection(fc.Field.Definition) && emptyPage(fc.Args) {
		return ctx
	}
	rewritten := *fc
	rewritten.Field = graphql.CollectedField{Field: fc.Field.Field, Selections: rewrite(oc, fc.Field.Selections)}
	ctx = graphql.WithFieldContext(ctx, &rewritten)
	rewritten.Parent = fc.Parent
	return ctx
}

// connectionSelections rewrites the selections of a connection (see the
// top of the file).
func connectionSelections(oc *graphql.OperationContext, set ast.SelectionSet) ast.SelectionSet {
	fields := graphql.CollectFields(oc, set, nil) // a connection type has no subtypes
	named := func(name string) func(graphql.CollectedField) bool {
		return func(f graphql.CollectedField) bool { return f.Name == name }
	}
	if !slices.ContainsFunc(fields, named("totalCount")) && slices.ContainsFunc(fields, named("pageInfo")) {
		fields = slices.DeleteFunc(fields, named("pageInfo"))
		if !slices.ContainsFunc(fields, named("edges")) {
			fields = append(fields, graphql.CollectedField{Field: &ast.Field{Alias: "edges", Name: "edges"}})
		}
	}
	out := byName(fields)
	for _, sel := range out {
		if edges := sel.(*ast.Field); edges.Name == "edges" {
			edges.SelectionSet = byName(graphql.CollectFields(oc, edges.SelectionSet, nil))
			for _, sel := range edges.SelectionSet {
				if node := sel.(*ast.Field); node.Name == "node" {
					node.SelectionSet = objectSelections(oc, node.SelectionSet)
				}
			}
		}
	}
	return out
}

// objectSelections rewrites every connection selected in set, at any
// depth, keeping everything else (and every alias) as it is.
func objectSelections(oc *graphql.OperationContext, set ast.SelectionSet) ast.SelectionSet {
	out := make(ast.SelectionSet, 0, len(set))
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if len(sel.SelectionSet) == 0 {
				out = append(out, sel)
				continue
			}
			f := *sel
			if sel.Definition != nil && isConnection(sel.Definition) && !emptyPage(sel.ArgumentMap(oc.Variables)) {
				f.SelectionSet = connectionSelections(oc, sel.SelectionSet)
			} else {
				f.SelectionSet = objectSelections(oc, sel.SelectionSet)
			}
			out = append(out, &f)
		case *ast.InlineFragment:
			f := *sel
			f.SelectionSet = objectSelections(oc, sel.SelectionSet)
			out = append(out, &f)
		case *ast.FragmentSpread:
			if sel.Definition == nil {
				out = append(out, sel)
				continue
			}
			out = append(out, &ast.InlineFragment{
				TypeCondition:    sel.Definition.TypeCondition,
				Directives:       sel.Directives,
				SelectionSet:     objectSelections(oc, sel.Definition.SelectionSet),
				ObjectDefinition: sel.ObjectDefinition,
				Position:         sel.Position,
			})
		}
	}
	return out
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
		v := args[name]
		if p, ok := v.(*int); ok {
			if p == nil {
				continue
			}
			v = *p
		}
		if n, ok := asInt(v); ok && n == 0 {
			return true
		}
	}
	return false
}
