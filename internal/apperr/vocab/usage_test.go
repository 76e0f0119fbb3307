package vocab

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// reasonArgs gives, for the calls that take a reason, its argument's
// index: apperr.New(code, reason, message), Invalid(field, reason,
// message) (apperr's and apperr.List's), and the limits walker's
// fail(pos, code, reason, message, …).
var reasonArgs = map[string]int{"New": 1, "Invalid": 1, "fail": 2}

// TestReasonsAreCatalogueConstants walks the module's hand-written Go
// code and finds every reason given to the calls of reasonArgs or as the
// Reason field of a composite literal: none may be a string literal, since
// a reason is named by its vocab constant (which the catalogue test ties to
// its entry).
func TestReasonsAreCatalogueConstants(t *testing.T) {
	root := moduleRoot(t)
	seen := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "ent" || rel == "graph/model" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || strings.HasPrefix(filepath.Base(rel), "generated") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		check := func(e ast.Expr) {
			seen++
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			value, _ := strconv.Unquote(lit.Value)
			if _, catalogued := Lookup(Reason(value)); !catalogued {
				t.Errorf("%s: the reason %q is not catalogued", fset.Position(lit.Pos()), value)
			} else {
				t.Errorf("%s: the reason %q is a literal; use its vocab constant", fset.Position(lit.Pos()), value)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); sel.Sel.Name == "New" && (!ok || pkg.Name != "apperr") {
					return true // errors.New, jwtauth.New…
				}
				if i, takes := reasonArgs[sel.Sel.Name]; takes && len(n.Args) > i+1 {
					check(n.Args[i])
				}
			case *ast.KeyValueExpr:
				if key, ok := n.Key.(*ast.Ident); ok && key.Name == "Reason" {
					check(n.Value)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Fatal("no reason found at all: the walk does not see the module's code")
	}
}
