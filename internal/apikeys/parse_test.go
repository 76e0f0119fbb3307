package apikeys

import (
	"strings"
	"testing"

	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// A key as Create makes it parses back into its id and secret; any
// other string is refused without a panic.
func TestParse(t *testing.T) {
	id := pulid.New(schematype.PrefixAPIKey)
	secret, err := newSecret()
	if err != nil {
		t.Fatal(err)
	}
	gotID, gotSecret, ok := parse(KeyPrefix + id + "_" + secret)
	if !ok || gotID != id || gotSecret != secret {
		t.Fatalf("parse = %q %q %v", gotID, gotSecret, ok)
	}
	for _, bad := range []string{"", "obk_", "obk__", "obk_key_", "obk_key__" + secret, "obk_" + id, "obk_" + id + "_",
		"OBK_" + id + "_" + secret, "obk_" + id + "_" + secret + "A", "obk_" + id + "_" + secret[:42] + "=",
		"obk_cus_" + strings.TrimPrefix(id, "key_") + "_" + secret, strings.Repeat("obk_", 100)} {
		if _, _, ok := parse(bad); ok {
			t.Errorf("parse(%q) accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("obk_key_01JD3T2Z8Q9X4M5N6P7R8S9T0V_" + strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, key string) {
		id, secret, ok := parse(key)
		if ok && (KeyPrefix+id+"_"+secret != key || !pulid.Valid(id, schematype.PrefixAPIKey)) {
			t.Errorf("parse(%q) = %q %q", key, id, secret)
		}
	})
}
