package graph

// Filters on personal data: refused without the scope pii:read.

import (
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/viewer"
)

// piiFilter refuses, without pii:read, a where key on personal data, and
// reports whether it did.
func (w *limitWalker) piiFilter(f *ast.Field, whereType, key string, path apperr.Path) bool {
	if !w.piiRead && isPersonalDataFilter(whereType, key) {
		w.fail(f.Position, apperr.Forbidden, vocab.ReasonPIIFilterForbidden,
			"filtering on "+key+" needs the scope "+viewer.ScopePIIRead, path.With(key)...)
		return true
	}
	return false
}

// piiOrder refuses, without pii:read, an orderBy on personal data (see
// isPersonalDataOrder).
func (w *limitWalker) piiOrder(f *ast.Field, orderBy any) {
	if w.piiRead {
		return
	}
	for _, field := range orderOf(f.Definition, orderBy).fields {
		if isPersonalDataOrder(f.Definition, field) {
			w.fail(f.Position, apperr.Forbidden, vocab.ReasonPIIFilterForbidden,
				"ordering by "+field+" needs the scope "+viewer.ScopePIIRead, "orderBy")
			return
		}
	}
}
