// Package internal_test holds the test that the committed generated code is
// what the generators write: ent and entgql (ent/entc.go), gqlgen
// (gqlgen.yml) and the SDL dump (graph/cmd/sdl), run as `go generate ./...`
// runs them, into a copy of the module.
package internal_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"onboard/internal/testutil"
)

// skippedDirs are not copied: history, local databases, tools' downloads.
var skippedDirs = []string{".git", "data", "node_modules"}

// TestGeneratedCodeIsCurrent runs `go generate ./...` in a copy of the
// module and fails naming every file it changes, adds or removes: a schema
// or configuration edited without regenerating, or generated code edited
// by hand. It takes one to three minutes (gqlgen type-checks the whole
// module), too long for every `go test ./...`: it runs when
// ONBOARD_TEST_GENERATE=1, and CI runs the same generate-and-diff as a step
// of its own.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if os.Getenv("ONBOARD_TEST_GENERATE") != "1" {
		t.Skip("set ONBOARD_TEST_GENERATE=1 to regenerate into a copy and compare (1-3 minutes)")
	}
	// One snapshot, copied and compared with: files edited in the
	// checkout while the generators run do not count as stale.
	before := files(t, testutil.ModuleRoot(t))
	copyDir := filepath.Join(t.TempDir(), "onboard")
	writeTree(t, copyDir, before)

	cmd := exec.Command("go", "generate", "./...")
	cmd.Dir = copyDir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go generate ./...: %v\n%s", err, out)
	}

	after := files(t, copyDir)
	for path, want := range before {
		got, ok := after[path]
		switch {
		case !ok:
			t.Errorf("%s: removed by go generate", path)
		case !bytes.Equal(got, want):
			t.Errorf("%s: stale, go generate ./... changes it", path)
		}
	}
	for path := range after {
		if _, ok := before[path]; !ok {
			t.Errorf("%s: written by go generate but not in the repository", path)
		}
	}
}

// writeTree writes files, keyed by their relative path, under dst.
func writeTree(t *testing.T, dst string, files map[string][]byte) {
	t.Helper()
	for path, content := range files {
		target := filepath.Join(dst, path)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// files reads every file under root but skippedDirs, keyed by its path
// relative to root.
func files(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && slices.Contains(skippedDirs, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
