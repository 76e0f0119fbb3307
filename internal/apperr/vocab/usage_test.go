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
	seen := 0
	walkModule(t, func(fset *token.FileSet, f *ast.File) {
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
	})
	if seen == 0 {
		t.Fatal("no reason found at all: the walk does not see the module's code")
	}
}

// TestReasonsComeWithTheirCataloguedCode: where the module's code gives a
// reason together with a code (apperr.New(code, reason, …), the limits
// walker's fail(pos, code, reason, …), an Error{Code:, Reason:} literal) or
// implies one (Invalid is BAD_USER_INPUT), the code is the one the
// catalogue gives the reason, so that the same reason never travels with
// two codes.
func TestReasonsComeWithTheirCataloguedCode(t *testing.T) {
	consts := packageConstants(t)
	value := func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.SelectorExpr:
			v, ok := consts[e.Sel.Name]
			return v, ok
		case *ast.Ident:
			v, ok := consts[e.Name]
			return v, ok
		}
		return "", false
	}
	pairs := 0
	check := func(fset *token.FileSet, codeExpr ast.Expr, code string, reasonExpr ast.Expr) {
		if codeExpr != nil {
			var ok bool
			if code, ok = value(codeExpr); !ok {
				return // a code computed at run time
			}
		}
		reason, ok := value(reasonExpr)
		if !ok {
			return
		}
		pairs++
		if e, ok := Lookup(Reason(reason)); ok && e.Code != "" && string(e.Code) != code {
			t.Errorf("%s: %s comes with %s, the catalogue gives it %s", fset.Position(reasonExpr.Pos()), reason, code, e.Code)
		}
	}
	walkModule(t, func(fset *token.FileSet, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				switch pkg, _ := sel.X.(*ast.Ident); {
				case sel.Sel.Name == "New" && pkg != nil && pkg.Name == "apperr" && len(n.Args) == 3:
					check(fset, n.Args[0], "", n.Args[1])
				case sel.Sel.Name == "Invalid" && len(n.Args) == 3:
					check(fset, nil, string(BadUserInput), n.Args[1])
				case sel.Sel.Name == "fail" && len(n.Args) >= 4:
					check(fset, n.Args[1], "", n.Args[2])
				}
			case *ast.CompositeLit:
				var code, reason ast.Expr
				for _, elt := range n.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						switch key, _ := kv.Key.(*ast.Ident); {
						case key != nil && key.Name == "Code":
							code = kv.Value
						case key != nil && key.Name == "Reason":
							reason = kv.Value
						}
					}
				}
				if code != nil && reason != nil {
					check(fset, code, "", reason)
				}
			}
			return true
		})
	})
	if pairs == 0 {
		t.Fatal("no code given with a reason found: the walk does not see the module's code")
	}
}

// packageConstants reads this package's constants, name → value: the
// codes and reasons that other packages name as vocab.X or apperr.X (apperr
// re-exports the codes under the same names).
func packageConstants(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, name := range []string{"vocab.go", "reasons.go"} {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							out[id.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no constants read from vocab.go and reasons.go")
	}
	return out
}

// walkModule parses every hand-written, non-test Go file of the module
// (not ent's or gqlgen's output) and calls visit with it.
func walkModule(t *testing.T, visit func(*token.FileSet, *ast.File)) {
	t.Helper()
	root := moduleRoot(t)
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
		visit(fset, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
