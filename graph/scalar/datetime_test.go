package scalar

import (
	"bytes"
	"testing"
	"time"
)

// A timestamp read in a time zone other than UTC (pgx returns them in the
// process's zone) is written as the same instant in UTC.
func TestMarshalDateTimeWritesUTC(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 30, 0, 120_000_000, time.FixedZone("UTC+5", 5*3600))
	var out bytes.Buffer
	MarshalDateTime(at).MarshalGQL(&out)
	if got, want := out.String(), `"2026-12-01T04:30:00.12Z"`; got != want {
		t.Fatalf("MarshalDateTime(%v) = %s, want %s", at, got, want)
	}
}
