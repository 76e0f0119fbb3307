package values

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The seed corpora of the fuzz targets hold every value of the matching
// kind in the FinHub fixtures (../../testdata/*.json) and the edge cases
// below. TestFuzzSeedCorpora checks that they do, so a new fixture or edge
// case cannot be forgotten; ONBOARD_WRITE_FUZZ_SEEDS=1 go test -run
// TestFuzzSeedCorpora ./internal/values writes the missing files.

// seedEdgeCases are the hand-picked inputs of each target.
var seedEdgeCases = map[string][]string{
	"FuzzParseEmail": {
		"", "a@b.co", "Marcus.Jensen@Example.com ", "marcus.jensen\u200b@example.com", "marcus.jensen\u00ad@example.com",
		"ａlice@example.com", "ＭＡＲＣＵＳ＠ＥＸＡＭＰＬＥ．ＣＯＭ", "\u0430lice@example.com", "иван@пример.рф", "ann@ex\u0430mple.com",
		"山田たろう@example.jp", "straße@example.de", "İnci@example.com", "\ufb01nance@example.com", "ann\u00b2@example.com",
		"rene\u0301@example.com", "\ufeffann@example.com", "ann\x1b[31m@example.com", "Ann <ann@example.com>", `"a b"@example.com`,
		"ann@[127.0.0.1]", "a@localhost", strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 65) + "@example.com",
		"\u02dcann@example.com", "\ufdfa@example.com", "ann@xn--bcher-kva.example", "ann\xff@example.com", "ann\x00@example.com",
	},
	"FuzzParsePhone": {
		"", "+37060012345", "+370 600 12345", "0037060012345", "860012345", "07036497792", "+1 (415) 555-2671",
		"+44 20 7946 0958", "+370\u200b60012345", "+37060012345 ext. 12", "+" + strings.Repeat("9", 300), "+１２３", "+٣٧٠٦٠٠١٢٣٤٥",
	},
	"FuzzParseCountry": {
		"", "LT", "lt", "LTU", "Lithuania", "united states", "UK", "XK", "AN", "L1T", "Ivory Coast", "ＬＴ", "L\u200bT", "Côte d'Ivoire",
	},
	"FuzzParseDate": {
		"", "1990-05-15", "1990-02-30", "2000-02-29", "1900-02-29", "1990-01-15T00:00:00.000Z", "1990-01-15T23:30:00-05:00",
		"1990-01-15T00:00:00+14:00", "9999-99-99", "0000-01-01", "1990-05-15\x1b", "１９９０-05-15", "1990-5-15", "15/05/1990",
	},
	"FuzzCleanString": {
		"", "Marcus", "  Jūratė \t\n", "Mar\u200bcus", "Marcus\x1b[31mJensen", "Jen\u009bsen", "Line one\r\nLine two", "a\rb",
		"می\u200cخواهم", "क्\u200dष", "👨\u200d👩\u200d👧", "\u3164", "invoice\u202egpj.exe", "葛\U000E0100城", "a\u2028b", "\ufeff",
		strings.Repeat("é", 300), "ab\x00c", "ab\xffc",
	},
}

// fixtureKeys says which fixture keys hold values of each target's kind;
// FuzzCleanString takes every string.
var fixtureKeys = map[string]func(key, value string) bool{
	"FuzzParseEmail": func(k, v string) bool {
		return k == "email" || k == "username" || (k == "value" && strings.Contains(v, "@"))
	},
	"FuzzParsePhone": func(k, v string) bool {
		return strings.Contains(strings.ToLower(k), "phone") || k == "number" || (k == "value" && strings.HasPrefix(v, "+"))
	},
	"FuzzParseCountry": func(k, _ string) bool {
		return k == "country" || k == "nationality" || k == "issuingCountry"
	},
	"FuzzParseDate":   func(k, _ string) bool { return strings.HasSuffix(strings.ToLower(k), "date") || k == "dateOfBirth" },
	"FuzzCleanString": func(string, string) bool { return true },
}

// seedArgs turns one seed value into the target's arguments.
func seedArgs(target, s string) [][]any {
	switch target {
	case "FuzzParsePhone":
		return [][]any{{s, ""}, {s, "LT"}}
	case "FuzzCleanString":
		return [][]any{{s, uint16(100), strings.ContainsAny(s, "\r\n")}}
	}
	return [][]any{{s}}
}

// encodeSeed writes args in the "go test fuzz v1" format.
func encodeSeed(args []any) string {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		default:
			fmt.Fprintf(&b, "%T(%v)\n", v, v)
		}
	}
	return b.String()
}

// fixtureStrings returns every (key, string value) of the fixtures.
func fixtureStrings(t *testing.T) [][2]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var out [][2]string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk(key, e)
			}
		case string:
			out = append(out, [2]string{key, v})
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk("", v)
	}
	return out
}

func TestFuzzSeedCorpora(t *testing.T) {
	write := os.Getenv("ONBOARD_WRITE_FUZZ_SEEDS") == "1"
	fixtures := fixtureStrings(t)
	for target, keep := range fixtureKeys {
		want := slices.Clone(seedEdgeCases[target])
		for _, kv := range fixtures {
			if keep(kv[0], kv[1]) {
				want = append(want, kv[1])
			}
		}
		checkSeeds(t, target, want, write)
	}
}

// checkSeeds fails unless testdata/fuzz/target holds a file for each value
// of want (as seedArgs makes them), writing the missing ones when write.
func checkSeeds(t *testing.T, target string, want []string, write bool) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	for _, s := range want {
		for _, args := range seedArgs(target, s) {
			content := encodeSeed(args)
			sum := sha256.Sum256([]byte(content))
			name := filepath.Join(dir, fmt.Sprintf("seed-%x", sum[:8]))
			got, err := os.ReadFile(name)
			switch {
			case err == nil && string(got) == content:
			case write:
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			default:
				t.Errorf("%s lacks the seed %s (%s); run with ONBOARD_WRITE_FUZZ_SEEDS=1", target, name, strconv.Quote(s))
			}
		}
	}
}
