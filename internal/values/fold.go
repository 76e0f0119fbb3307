package values

// FoldName is the form in which two names are compared rather than
// stored: case- and accent-insensitive, hyphens as spaces, runs of white
// space collapsed ("José-María  GARCÍA" = "jose maria garcia"). Duplicate
// detection compares people's names in it; the stored name stays as given.
func FoldName(s string) string { return foldName(s) }
