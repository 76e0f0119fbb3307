package graph

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestCommittedSDLIsCurrent: the SDL file in the repository is what the
// server serves, so client code generated from it fits the server.
func TestCommittedSDLIsCurrent(t *testing.T) {
	committed, err := os.ReadFile(SDLFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, SDL()) {
		t.Fatalf("graph/%s is not the served schema: run go generate ./...", SDLFile)
	}
}

// paragraphEnd is how a line inside a description may end before a line
// break: a sentence, a clause before a list or a link, or a table row.
var paragraphEnd = regexp.MustCompile(`[.:!?|)]$`)

// listItem starts a line that a docs explorer (Markdown) shows on its own.
var listItem = regexp.MustCompile(`^\s*([-*+] |\d+\. |\||` + "```" + `|#|https?://)`)

// TestDescriptionsHaveNoBreaksMidSentence: GraphiQL's docs explorer keeps
// the line breaks of a description, so a description wrapped at 80
// columns renders as ragged half-lines. A break may end a sentence or
// start a list item, never split a sentence.
func TestDescriptionsHaveNoBreaksMidSentence(t *testing.T) {
	for where, desc := range descriptions(NewExecutableSchema(Config{}).Schema()) {
		lines := strings.Split(desc, "\n")
		for i := 1; i < len(lines); i++ {
			prev, line := strings.TrimSpace(lines[i-1]), lines[i]
			if prev == "" || strings.TrimSpace(line) == "" || listItem.MatchString(line) || paragraphEnd.MatchString(prev) {
				continue
			}
			t.Errorf("%s breaks a sentence after %q", where, prev)
		}
	}
}
