package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/index"
)

// searchIndex is a trigram index on a text column that the customers'
// `search` filter reads (internal/customers.Matching), named
// <entity>_<column>_trgm. On PostgreSQL it is a GIN index with pg_trgm's
// operator class, which serves `ILIKE '%text%'`; the migration that adds
// the first ones creates the extension in pg_catalog, so the operator
// class resolves whatever the search_path. SQLite has no such index: there
// it is a plain one, and search stays a scan.
func searchIndex(entity, column string) ent.Index {
	return index.Fields(column).
		Annotations(
			entsql.IndexTypes(map[string]string{dialect.Postgres: "GIN"}),
			entsql.OpClass("gin_trgm_ops"),
		).
		StorageKey(entity + "_" + column + "_trgm")
}
