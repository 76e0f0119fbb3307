package graph

// The shape of an operation: how deep it nests, how many aliases it uses,
// and what it costs (see Limits.MaxComplexity), the checks that bound the
// work an operation asks for whatever its arguments.

import (
	"fmt"
	"math"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// shape refuses a field past MaxAliases aliased fields or nested deeper
// than MaxDepth, and reports whether the walk goes on.
func (w *limitWalker) shape(f *ast.Field, depth int) bool {
	if f.Alias != f.Name {
		if w.aliases++; w.aliases > w.MaxAliases {
			w.fail(f.Position, apperr.QueryTooComplex, vocab.ReasonTooManyAliases,
				fmt.Sprintf("the query has more than %d aliased fields", w.MaxAliases))
			return false
		}
	}
	if depth > w.MaxDepth {
		w.fail(f.Position, apperr.QueryTooComplex, vocab.ReasonQueryTooDeep,
			fmt.Sprintf("the query is nested more than %d levels deep", w.MaxDepth))
		return false
	}
	return true
}

// tooExpensive records that the operation as a whole costs too much.
func (w *limitWalker) tooExpensive(cost string) {
	if w.err == nil {
		w.err = apperr.New(apperr.QueryTooComplex, vocab.ReasonQueryTooExpensive, fmt.Sprintf(
			"the query costs %s, above the limit of %d: ask for smaller pages or fewer nested lists",
			cost, w.MaxComplexity))
	}
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
