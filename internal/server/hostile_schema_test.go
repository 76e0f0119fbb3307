package server_test

// The schema walks the hostile suite generates its cases from: every
// argument and input field that takes an id, and every string input field
// of the mutations, read from the executable schema the server runs, so
// that a new field is covered without editing the suite.

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/graph"
)

// hostileSchema is the schema the server executes.
func hostileSchema() *ast.Schema { return graph.NewExecutableSchema(graph.Config{}).Schema() }

// hostileField is a leaf input field (or a leaf argument) reached from an
// argument of a root field.
type hostileField struct {
	root  string // the root field, e.g. "registerIndividual"
	arg   string // its argument, e.g. "input"
	path  []any  // inside the argument: field names, 0 for a list element
	owner string // the input object type holding the field; "" for the argument itself
	name  string
	def   *ast.FieldDefinition // nil for an argument
	typ   *ast.Type
}

// list tells whether the leaf itself is a list ([String!], [ID!]).
func (f hostileField) list() bool { return f.typ.Elem != nil }

// String is "root(arg).path".
func (f hostileField) String() string {
	s := f.root + "(" + f.arg + ")"
	if len(f.path) > 0 {
		s += "." + hostilePath(f.path)
	}
	return s
}

func (f hostileField) description() string {
	if f.def == nil {
		return ""
	}
	return f.def.Description
}

// hostileWalkTree calls fn for every leaf reached from argument a of root,
// descending nested input objects and lists (at index 0) along every path;
// an input type is not entered again below itself.
func hostileWalkTree(s *ast.Schema, root string, a *ast.ArgumentDefinition, fn func(hostileField)) {
	var walk func(owner string, def *ast.FieldDefinition, name string, typ *ast.Type, path []any, ancestors map[string]bool)
	walk = func(owner string, def *ast.FieldDefinition, name string, typ *ast.Type, path []any, ancestors map[string]bool) {
		t := s.Types[typ.Name()]
		if t == nil || t.Kind != ast.InputObject {
			fn(hostileField{root: root, arg: a.Name, path: path, owner: owner, name: name, def: def, typ: typ})
			return
		}
		if ancestors[t.Name] {
			return
		}
		ancestors[t.Name] = true
		defer delete(ancestors, t.Name)
		if typ.Elem != nil {
			path = append(path, 0)
		}
		for _, f := range t.Fields {
			walk(t.Name, f, f.Name, f.Type, append(append([]any{}, path...), f.Name), ancestors)
		}
	}
	walk("", nil, a.Name, a.Type, nil, map[string]bool{})
}

// hostileWalkOnce is hostileWalkTree visiting each input type once, by the
// shortest path from the first argument that reaches it (seen is shared
// between calls): where-inputs reach each other in endless ways, and each
// of their fields is covered once.
func hostileWalkOnce(s *ast.Schema, root string, a *ast.ArgumentDefinition, seen map[string]bool, fn func(hostileField)) {
	type item struct {
		typ  *ast.Definition
		path []any
	}
	t := s.Types[a.Type.Name()]
	if t == nil || t.Kind != ast.InputObject {
		fn(hostileField{root: root, arg: a.Name, name: a.Name, typ: a.Type})
		return
	}
	if seen[t.Name] {
		return
	}
	seen[t.Name] = true
	queue := []item{{t, nil}}
	if a.Type.Elem != nil {
		queue[0].path = []any{0}
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		for _, f := range it.typ.Fields {
			path := append(append([]any{}, it.path...), f.Name)
			ft := s.Types[f.Type.Name()]
			if ft != nil && ft.Kind == ast.InputObject {
				if !seen[ft.Name] {
					seen[ft.Name] = true
					if f.Type.Elem != nil {
						path = append(path, 0)
					}
					queue = append(queue, item{ft, path})
				}
				continue
			}
			fn(hostileField{root: root, arg: a.Name, path: path, owner: it.typ.Name, name: f.Name, def: f, typ: f.Type})
		}
	}
}

// hostileNotReferences are string fields whose names look like ids but
// that hold the client's own values, not ids of our objects.
var hostileNotReferences = map[string]string{
	"RegisterOrganizationInput.organizationId": "the client's own reference, stored as the external reference",
}

// hostileMentionsID finds "id" as a word of its own ("by id or code"),
// not inside a header name such as X-Tenant-ID.
var hostileMentionsID = regexp.MustCompile(`(?i)(^|[^\w-])ids?\b`)

// hostileIsReference tells whether f takes the id of one of our objects:
// every ID field, and (outside where-inputs, whose generated string
// predicates compare stored text) the string fields named id, …Ids, role
// or roles, or documented as taking an id. (A string named …Id is more
// often the client's own identifier, such as taxId.)
func hostileIsReference(f hostileField, where bool) bool {
	switch f.typ.Name() {
	case "ID":
		return true
	case "String":
	default:
		return false
	}
	if _, no := hostileNotReferences[f.owner+"."+f.name]; no || strings.HasPrefix(f.name, "external") {
		return false
	}
	if hostileMentionsID.MatchString(f.description()) {
		return true
	}
	if where {
		return false
	}
	n := f.name
	return n == "id" || strings.HasSuffix(n, "Ids") || n == "role" || n == "roles"
}

// hostilePredicateSuffixes are the suffixes of entgql's where predicates.
var hostilePredicateSuffixes = []string{"ContainsFold", "EqualFold", "HasPrefix", "HasSuffix", "Contains",
	"NotIn", "NEQ", "GTE", "LTE", "GT", "LT", "In", "IsNil", "NotNil"}

// hostileEntityOverrides name the object type of inputs whose names do not.
var hostileEntityOverrides = map[string]string{"Categorization": "Category",
	"AddressChange": "Address", "ContactChange": "Contact", "IdentityDocumentChange": "IdentityDocument"}

// hostileFieldEntities name the type of fields whose name does not: the
// ids an update removes.
var hostileFieldEntities = map[string]string{
	"AddressChangesInput.remove": "Address", "ContactChangesInput.remove": "Contact",
	"IdentityDocumentChangesInput.remove": "IdentityDocument",
	// The webhook mutations name an endpoint and an event (a history
	// event, CustomerEvent) by their own names.
	"UpdateWebhookEndpointInput.endpointId": "WebhookEndpoint", "RotateWebhookSecretInput.endpointId": "WebhookEndpoint",
	"RedeliverEventInput.endpointId": "WebhookEndpoint", "RedeliverEventInput.eventId": "CustomerEvent",
	"RevokeApiKeyInput.id": "ApiKey",
	// An individual's organization is named by its organization
	// customer's id (or its organization's, or a reference).
	"IndividualOrganizationInput.id": "Customer",
}

// hostileEntity is the GraphQL type of the object f refers to: the owner's
// for id and parentId (a category's parent is a category), else the one its
// name says (featureId → Feature, roleIds → Role, category → Category).
func hostileEntity(f hostileField) string {
	if typ, ok := hostileFieldEntities[f.owner+"."+f.name]; ok {
		return typ
	}
	base := f.name
	for _, s := range hostilePredicateSuffixes {
		if strings.HasSuffix(base, s) && len(base) > len(s) {
			base = strings.TrimSuffix(base, s)
			break
		}
	}
	for _, s := range []string{"IDs", "ID", "Ids", "Id"} {
		if strings.HasSuffix(base, s) && len(base) > len(s) {
			base = strings.TrimSuffix(base, s)
			break
		}
	}
	base = strings.TrimSuffix(base, "s")
	if f.owner == "" || (base != "id" && base != "parent") {
		r := []rune(base)
		r[0] = unicode.ToUpper(r[0])
		return string(r)
	}
	owner, where := strings.CutSuffix(f.owner, "WhereInput")
	if !where {
		owner = strings.TrimSuffix(strings.TrimSuffix(owner, "ReferenceInput"), "Input")
		for _, p := range []string{"Create", "Update", "Remove", "Add"} {
			if rest, ok := strings.CutPrefix(owner, p); ok && rest != "" && unicode.IsUpper([]rune(rest)[0]) {
				owner = rest
			}
		}
	}
	if o, ok := hostileEntityOverrides[owner]; ok {
		return o
	}
	return owner
}
