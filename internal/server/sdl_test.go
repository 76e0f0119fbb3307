package server_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"onboard/internal/testutil"
)

// TestSchemaSDLIsServed: GET /schema.graphql answers the committed SDL
// file, without a token, while introspection is on; with it off the
// route does not exist.
func TestSchemaSDLIsServed(t *testing.T) {
	committed, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "graph", "onboard.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	env := testutil.New(t)
	w := httptest.NewRecorder()
	env.Handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/schema.graphql", nil))
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), committed) {
		t.Fatalf("status %d, %d bytes; want 200 and graph/onboard.graphql (%d bytes)", w.Code, w.Body.Len(), len(committed))
	}
	off := testutil.NewWith(t, testutil.Options{NoIntrospection: true})
	w = httptest.NewRecorder()
	off.Handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/schema.graphql", nil))
	if w.Code != http.StatusNotFound && w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("with introspection off: status %d", w.Code)
	}
}
