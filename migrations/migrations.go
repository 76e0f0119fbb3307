// Package migrations holds the versioned migration files of the PostgreSQL
// schema, generated from the ent schema by
// `go run ./internal/database/cmd/migration NAME` and applied in order by
// internal/database at every start and by `onboard migrate`. atlas.sum
// guards them: a file edited, added or removed by hand without
// regenerating the sum is refused before anything runs.
package migrations

import "embed"

// Files are the migration files and their atlas.sum, built into the binary
// so that no file needs to be shipped beside it.
//
//go:embed *.sql atlas.sum
var Files embed.FS
