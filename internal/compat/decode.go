package compat

import (
	"bytes"
	"encoding/json"
	"slices"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// reader decodes a system's JSON body field by field with the system's own
// field names and types, collecting every problem rather than stopping at
// the first: a value of the wrong JSON type (INVALID_JSON_TYPE) and a field
// the system does not have (UNKNOWN_FIELD: nothing sent is silently
// dropped) are each a problem on the field's path. Names match exactly, as
// GraphQL's do (encoding/json would also take "First_Name").
type reader struct {
	problems []problem
}

// object is one JSON object of the body.
type object struct {
	r      *reader
	path   string
	fields map[string]json.RawMessage
	used   map[string]bool
}

// root reads body, a JSON object whose syntax has been checked.
func (rd *reader) root(body []byte) *object {
	o := &object{r: rd, used: map[string]bool{}}
	if err := json.Unmarshal(body, &o.fields); err != nil {
		rd.add("", vocab.ReasonInvalidJSON, "the request body must be a JSON object")
	}
	return o
}

func (rd *reader) add(field string, reason apperr.Reason, message string) {
	rd.problems = append(rd.problems, problem{Field: field, Code: apperr.BadUserInput, Reason: reason, Message: message})
}

// name is the path of the object's field name.
func (o *object) name(name string) string {
	if o.path == "" {
		return name
	}
	return o.path + "." + name
}

// raw is the field's value, nil when it is absent or null.
func (o *object) raw(name string) json.RawMessage {
	o.used[name] = true
	v, ok := o.fields[name]
	if !ok || string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	return v
}

func (o *object) wrongType(name, want string) {
	o.r.add(o.name(name), vocab.ReasonInvalidJSONType, "must be "+want+", not "+kindOf(o.fields[name]))
}

// String reads a JSON string; nil when absent or null.
func (o *object) String(name string) *string {
	v := o.raw(name)
	if v == nil {
		return nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		o.wrongType(name, "a string")
		return nil
	}
	return &s
}

// Number reads a JSON number, as written; nil when absent or null.
func (o *object) Number(name string) *json.Number {
	v := o.raw(name)
	if v == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var n any
	if err := dec.Decode(&n); err != nil {
		o.wrongType(name, "a number")
		return nil
	}
	num, ok := n.(json.Number)
	if !ok {
		o.wrongType(name, "a number")
		return nil
	}
	return &num
}

// Object reads a nested JSON object; nil when absent or null.
func (o *object) Object(name string) *object {
	v := o.raw(name)
	if v == nil {
		return nil
	}
	sub := &object{r: o.r, path: o.name(name), used: map[string]bool{}}
	if v[0] != '{' || json.Unmarshal(v, &sub.fields) != nil {
		o.wrongType(name, "an object")
		return nil
	}
	return sub
}

// Finish reports every field of the object that was not read.
func (o *object) Finish() {
	if o == nil {
		return
	}
	var unknown []string
	for name := range o.fields {
		if !o.used[name] {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		o.r.add(o.name(name), vocab.ReasonUnknownField, "this field is not part of the API")
	}
}

// kindOf names the JSON kind of v for messages (never the value: it may be
// personal data).
func kindOf(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
