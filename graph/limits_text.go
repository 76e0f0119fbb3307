package graph

// The text of a query's arguments: no NUL, valid UTF-8, at most
// MaxArgumentLength characters.

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

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
			w.fail(f.Position, apperr.BadUserInput, vocab.ReasonInvalidUTF8, "the value is not valid UTF-8", path...)
		case strings.IndexByte(v, 0) >= 0:
			w.fail(f.Position, apperr.BadUserInput, vocab.ReasonContainsNUL, "the value contains a NUL character", path...)
		case len(v) > w.MaxArgumentLength && utf8.RuneCountInString(v) > w.MaxArgumentLength:
			w.fail(f.Position, apperr.BadUserInput, vocab.ReasonTooLong,
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
