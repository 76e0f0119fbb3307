package vocab

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// moduleRoot is the directory holding go.mod, three levels above this
// package (internal/apperr/vocab). testutil's ModuleRoot would do, but
// testutil imports this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod in %s: %v", dir, err)
	}
	return dir
}

// TestEveryReasonIsCatalogued holds the Reason constants declared in this
// package against the catalogue, both ways, and checks each entry.
func TestEveryReasonIsCatalogued(t *testing.T) {
	declared := map[Reason]string{}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "reasons.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, _ := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
				declared[Reason(lit)] = name.Name
			}
		}
	}
	if len(declared) == 0 {
		t.Fatal("no reason constant found in reasons.go")
	}
	for r, name := range declared {
		if _, ok := Lookup(r); !ok {
			t.Errorf("%s (%s) has no catalogue entry", name, r)
		}
	}
	for _, e := range Catalogue() {
		if _, ok := declared[e.Reason]; !ok {
			t.Errorf("the catalogue's %s is not a constant of reasons.go", e.Reason)
		}
		if e.Code != "" && !slices.Contains(Codes, e.Code) {
			t.Errorf("%s has the unknown code %s", e.Reason, e.Code)
		}
		if e.Meaning == "" || strings.Contains(e.Meaning, "\n") {
			t.Errorf("%s needs a one-line meaning", e.Reason)
		}
		if e.Status != 0 && (e.Status < 400 || e.Status > 599) {
			t.Errorf("%s has the status %d", e.Reason, e.Status)
		}
	}
	for _, c := range Codes {
		if _, ok := codeStatus[c]; !ok {
			t.Errorf("the code %s has no status", c)
		}
	}
}

// readmeRefusals reads the README's "Refused before GraphQL runs" table:
// each row's status, code and reasons.
func readmeRefusals(t *testing.T, readme string) map[Reason]Entry {
	t.Helper()
	_, section, found := strings.Cut(readme, "### Refused before GraphQL runs\n")
	if !found {
		t.Fatal(`the README has no "Refused before GraphQL runs" section`)
	}
	section, _, _ = strings.Cut(section, "\n#")
	backticked := regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")
	rows := map[Reason]Entry{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			continue
		}
		status, err := strconv.Atoi(strings.Fields(cells[1] + " x")[0])
		if err != nil {
			continue // the header and its rule
		}
		code := backticked.FindStringSubmatch(cells[2])
		if code == nil {
			t.Fatalf("a row without a code: %s", line)
		}
		for _, m := range backticked.FindAllStringSubmatch(cells[3], -1) {
			rows[Reason(m[1])] = Entry{Reason: Reason(m[1]), Code: Code(code[1]), Status: status}
		}
	}
	if len(rows) == 0 {
		t.Fatal("the refusals table has no row")
	}
	return rows
}

// TestREADMEErrorTablesMatchTheCatalogue checks the README against the
// catalogue rather than generating it: the README's rows group reasons
// and say what a client should do (the Allow header, when to retry),
// prose the catalogue's one-line meanings do not hold. The check runs
// both ways for the "Refused before GraphQL runs" table (every reason with
// a status is there, with its code and status, and nothing else is);
// everywhere else, a reason the README pairs with a code (`CODE` /
// `REASON`, `CODE` (`REASON`), or listed under a `CODE` bullet of "Limits
// of an operation") must be catalogued with that code.
func TestREADMEErrorTablesMatchTheCatalogue(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	rows := readmeRefusals(t, readme)
	for r, row := range rows {
		e, ok := Lookup(r)
		switch {
		case !ok:
			t.Errorf("the README's refusal %s is not catalogued", r)
		case e.Code != row.Code || e.Status != row.Status:
			t.Errorf("the README refuses %s as %d %s, the catalogue as %d %s", r, row.Status, row.Code, e.Status, e.Code)
		}
	}
	for _, e := range Catalogue() {
		if _, listed := rows[e.Reason]; e.Status != 0 && !listed {
			t.Errorf("%s (%d %s) is missing from the README's refusals table", e.Reason, e.Status, e.Code)
		}
	}

	paired := map[Reason]Code{}
	for _, m := range regexp.MustCompile("`([A-Z_]+)` (?:/ |\\()`([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(readme, -1) {
		if slices.Contains(Codes, Code(m[1])) {
			paired[Reason(m[2])] = Code(m[1])
		}
	}
	_, limits, _ := strings.Cut(readme, "### Limits of an operation\n")
	limits, _, _ = strings.Cut(limits, "\n#")
	var under Code
	for _, line := range strings.Split(limits, "\n") {
		switch {
		case strings.HasPrefix(line, "- `"):
			under = Code(strings.Trim(strings.Fields(line)[1], "`:"))
		case strings.HasPrefix(line, "  - `") && under != "":
			names, _, _ := strings.Cut(strings.TrimPrefix(line, "  - "), ":")
			names, _, _ = strings.Cut(names, ";")
			for _, m := range regexp.MustCompile("`([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(names, -1) {
				paired[Reason(m[1])] = under
			}
		}
	}
	if len(paired) < 10 {
		t.Fatalf("only %d reasons found paired with a code in the README: %v", len(paired), paired)
	}
	for r, code := range paired {
		e, ok := Lookup(r)
		switch {
		case !ok:
			t.Errorf("the README's reason %s is not catalogued", r)
		case e.Code != code:
			t.Errorf("the README gives %s the code %s, the catalogue %s", r, code, e.Code)
		}
	}
}
