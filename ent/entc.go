//go:build ignore

// Command entc generates the ent client in ./ent and the GraphQL schema
// graph/ent.graphqls from the hand-written schemas in ./schema. It runs from
// the module root through `go generate ./...` (see server.go).
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/viewer"
)

// idPrefixTemplate generates ent/idprefix.go: the table of every entity
// keyed by its id prefix (schema.IDMixin), so node(id:) dispatches without
// a database lookup.
const idPrefixTemplate = `
{{ define "idprefix" }}
{{ template "header" $ }}

// tableByPrefix maps id prefixes to table names.
var tableByPrefix = map[string]string{
{{- range $n := $.Nodes }}
	{{- with $n.Annotations.IDPrefix }}
	"{{ .Prefix }}": {{ $n.Package }}.Table,
	{{- end }}
{{- end }}
}

// TableForID returns the table that holds id, by its prefix.
func TableForID(id string) (string, bool) {
	prefix, _, ok := strings.Cut(id, "_")
	if !ok {
		return "", false
	}
	table, ok := tableByPrefix[prefix]
	return table, ok
}
{{ end }}
`

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphqls"),
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(requireReadScopeOnNodeQueries),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./schema", &gen.Config{
		Target:  "./ent",
		Package: "onboard/ent",
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureIntercept,
			gen.FeatureLock,
			gen.FeatureUpsert,
			gen.FeatureModifier,
			gen.FeatureExecQuery,
			// migrate.NamedDiff writes the next file of migrations/ from
			// the schema (internal/database/cmd/migration).
			gen.FeatureVersionedMigration,
		},
		Templates: []*gen.Template{
			gen.MustParse(gen.NewTemplate("idprefix").Parse(idPrefixTemplate)),
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// requireReadScopeOnNodeQueries puts @hasScope on the Relay node(id:) and
// nodes(ids:) fields that entgql writes, so they need customers:read like
// every other read. It imports only internal/viewer from the module: entc
// must build while ./ent is being regenerated.
func requireReadScopeOnNodeQueries(_ *gen.Graph, s *ast.Schema) error {
	query := s.Types["Query"]
	if query == nil {
		return nil
	}
	for _, name := range []string{"node", "nodes"} {
		if f := query.Fields.ForName(name); f != nil {
			f.Directives = append(f.Directives, &ast.Directive{
				Name: "hasScope",
				Arguments: ast.ArgumentList{{
					Name:  "scope",
					Value: &ast.Value{Kind: ast.StringValue, Raw: viewer.ScopeCustomersRead},
				}},
			})
		}
	}
	return nil
}
