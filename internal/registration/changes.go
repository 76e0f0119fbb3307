package registration

import (
	"strconv"
	"strings"
	"time"

	entgo "entgo.io/ent"

	"entgo.io/contrib/entgql"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/history"
	"onboard/schema"
	"onboard/schema/schematype"
)

// This file turns stored rows into the field-level before/after of a
// history event (schematype.FieldChange). A field is personal when the
// schema says so (schema.PersonalData on its ent field), read from the
// schema itself so that no second list can drift from it.

// personalFields are, per entity, the ent field names the schema marks as
// personal data.
var personalFields = map[string]map[string]bool{
	"person":       marked(schema.Person{}.Fields(), "date_of_birth", "gender", "nationality"),
	"address":      marked(schema.Address{}.Fields()),
	"contact":      marked(schema.Contact{}.Fields()),
	"document":     marked(schema.IdentityDocument{}.Fields()),
	"organization": marked(schema.Organization{}.Fields()),
}

// marked collects the fields carrying schema.PersonalData, and also: the
// person's date of birth, whose GraphQL field (a formatted date, in
// graph/read.graphqls) carries @personalData by hand, and its gender and
// nationality, which the directive leaves readable but which are about a
// person all the same (erasure redacts them).
func marked(fields []entgo.Field, also ...string) map[string]bool {
	out := map[string]bool{}
	for _, f := range fields {
		d := f.Descriptor()
		for _, a := range d.Annotations {
			if ann, ok := a.(entgql.Annotation); ok {
				for _, dir := range ann.Directives {
					if dir.Name == schema.PersonalDataDirective {
						out[d.Name] = true
					}
				}
			}
		}
	}
	for _, name := range also {
		out[name] = true
	}
	return out
}

// snapshot is an object's fields as an event shows them, in order: the
// field's path (GraphQL names, apperr.LowerCamel of the ent name) and its
// value, nil when absent.
type snapshot []fieldValue

type fieldValue struct {
	path     string
	value    *string
	personal bool
}

// add appends entity's field (its ent name) under prefix.
func (s *snapshot) add(prefix, entity, field string, value *string) {
	*s = append(*s, fieldValue{path: joinPath(prefix, apperr.LowerCamel(field)), value: value, personal: personalFields[entity][field]})
}

func joinPath(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

// diff is the changes from before to after: every field of after that
// differs, then every field only before had.
func diff(before, after snapshot) []schematype.FieldChange {
	old := map[string]fieldValue{}
	for _, f := range before {
		old[f.path] = f
	}
	var out []*schematype.FieldChange
	seen := map[string]bool{}
	for _, f := range after {
		seen[f.path] = true
		out = append(out, history.Change(f.path, old[f.path].value, f.value, f.personal || old[f.path].personal))
	}
	for _, f := range before {
		if !seen[f.path] {
			out = append(out, history.Change(f.path, f.value, nil, f.personal))
		}
	}
	return history.Changes(out...)
}

func textOf[T ~string](v *T) *string {
	if v == nil {
		return nil
	}
	return history.Text(string(*v))
}

func dateOf(t *time.Time) *string {
	if t == nil {
		return nil
	}
	return history.Text(t.Format(time.DateOnly))
}

func boolOf(b bool) *string { return history.Text(strconv.FormatBool(b)) }

func floatOf(f float64) *string { return history.Text(strconv.FormatFloat(f, 'f', -1, 64)) }

// personFields adds a stored person's own fields under prefix.
func (s *snapshot) personFields(prefix string, p *ent.Person) {
	if p == nil {
		return
	}
	s.add(prefix, "person", "first_name", history.Text(p.FirstName))
	s.add(prefix, "person", "middle_name", history.Text(p.MiddleName))
	s.add(prefix, "person", "last_name", history.Text(p.LastName))
	s.add(prefix, "person", "email", history.Text(p.Email))
	s.add(prefix, "person", "phone", history.Text(p.Phone))
	s.add(prefix, "person", "date_of_birth", dateOf(p.DateOfBirth))
	s.add(prefix, "person", "gender", textOf(p.Gender))
	s.add(prefix, "person", "nationality", history.Text(p.Nationality))
	s.add(prefix, "person", "place_of_birth", history.Text(p.PlaceOfBirth))
}

// representativeSnapshot is a stored representative with its person.
func representativeSnapshot(r *ent.Representative, p *ent.Person) snapshot {
	var s snapshot
	if r == nil {
		return s
	}
	s.add("", "representative", "position", history.Text(string(r.Position)))
	s.add("", "representative", "ownership_share", floatOf(r.OwnershipShare))
	s.add("", "representative", "is_primary_owner", boolOf(r.IsPrimaryOwner))
	s.add("", "representative", "is_beneficial_owner", boolOf(r.IsBeneficialOwner))
	s.personFields("person", p)
	return s
}

// employeeSnapshot is a stored employee with its role codes and person
// (nil for the registering admin, known by login only).
func employeeSnapshot(e *ent.Employee, roleCodes []string, p *ent.Person) snapshot {
	var s snapshot
	if e == nil {
		return s
	}
	s.add("", "employee", "department", history.Text(e.Department))
	s.add("", "employee", "roles", history.Text(strings.Join(roleCodes, ",")))
	s.personFields("person", p)
	return s
}

// registeredChanges are what a customer.registered event shows: the
// customer's type, its category and its first status, none of them
// personal (the registered data itself is the customer, read through the
// graph or exportPersonalData, and not copied into the outbox).
func registeredChanges(k kind, cat categorization) []schematype.FieldChange {
	var s snapshot
	s.add("", "customer", "type", history.Text(string(k.customerType())))
	if cat.Category != nil {
		s.add("", "customer", "category", history.Text(cat.Category.Code))
	}
	s.add("", "customer", "status", history.Text(schematype.CustomerStatuses[0]))
	return diff(nil, s)
}
