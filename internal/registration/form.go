package registration

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/ent"
	"onboard/ent/employee"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

// A registration form (registrationForm) describes every field of
// registerIndividual's or registerOrganization's input so that a front-end
// renders and validates it without a copy of our rules. The fields are
// walked from the GraphQL input types themselves (a field added to the
// schema appears without an entry here, typed from its GraphQL type and
// optional); what the checker enforces on a field comes from formRules
// below, which names the same schematype constants the checker uses, and
// the rules the checker had hard-coded read their constants from here.
// internal/server's TestRegistrationForm* send every field the form lists
// and leave out every required one, so the table and the checker cannot
// drift apart unnoticed.

// Form field types: what a front-end renders for a field.
const (
	FieldText      = "TEXT"
	FieldMultiline = "MULTILINE_TEXT"
	FieldEmail     = "EMAIL"
	FieldPassword  = "PASSWORD"
	FieldPhone     = "PHONE"
	FieldDate      = "DATE"
	FieldCountry   = "COUNTRY"
	FieldURL       = "URL"
	FieldBoolean   = "BOOLEAN"
	FieldInt       = "INT"
	FieldFloat     = "FLOAT"
	FieldChoice    = "CHOICE"
	FieldList      = "LIST"
	FieldObject    = "OBJECT"
)

// FormFieldTypes are the form field types, in the order of the GraphQL
// enum FormFieldType (graph's TestFormFieldTypesMatchEnum).
var FormFieldTypes = []string{FieldText, FieldMultiline, FieldEmail, FieldPassword, FieldPhone, FieldDate,
	FieldCountry, FieldURL, FieldBoolean, FieldInt, FieldFloat, FieldChoice, FieldList, FieldObject}

// Limits the checker enforces that have no column behind them, so they
// live with the form's rules rather than in schematype.
const (
	// maxFullNameLen bounds PersonInput.fullName, which is checked and not
	// stored: the first, middle and last names together.
	maxFullNameLen = 3 * schematype.MaxNameLen
	// maxParameterNameLen bounds a request parameter's name (a feature's
	// parameter names are at most as long, see catalog's definitions).
	maxParameterNameLen = 100
	// minOwnershipShare and maxOwnershipShare bound a representative's
	// ownership share, a percentage (checkOwnership), and all the shares
	// together (maxOwnershipShare).
	minOwnershipShare = 0.0
	maxOwnershipShare = 100.0
)

// Form is a registration form: the input fields of the customer type's
// registration mutation and the category's features.
type Form struct {
	CustomerType schematype.CustomerType
	// Mutation is registerIndividual or registerOrganization.
	Mutation string
	// Category is the category the form describes (the one named, or the
	// tenant's default of the type); nil when there is none.
	Category *ent.Category
	Fields   []FormField
	Features []FormFeature
}

// CategoryID, CategoryCode and CategoryName describe Category (nil when
// there is none).
func (f *Form) CategoryID() *string {
	return categoryText(f.Category, func(c *ent.Category) string { return c.ID })
}
func (f *Form) CategoryCode() *string {
	return categoryText(f.Category, func(c *ent.Category) string { return c.Code })
}
func (f *Form) CategoryName() *string {
	return categoryText(f.Category, func(c *ent.Category) string { return c.Name })
}

func categoryText(c *ent.Category, get func(*ent.Category) string) *string {
	if c == nil {
		return nil
	}
	s := get(c)
	return &s
}

// FormField is one input field. Path is its place in the input, a list's
// elements as "*".
type FormField struct {
	Path     []string
	Type     string
	Required bool
	// RequiredWhen states a condition under which the field is required
	// (Required is false then).
	RequiredWhen *string
	MinLength    *int
	MaxLength    *int
	// MaxItems bounds a list.
	MaxItems    *int
	Min, Max    *float64
	Choices     []FormChoice
	Description *string
}

// FormChoice is one allowed value of a field, with a label to show.
type FormChoice struct{ Value, Label string }

// FormFeature is one feature the category applies, with its parameters.
type FormFeature struct {
	ID, Code, Name, Description string
	Parameters                  []FormParameter
}

// FormParameter is one parameter of a feature: its definition, and the
// value the category gives it.
type FormParameter struct {
	schematype.ParameterDefinition
	// CategoryValue is the category's value, which applies when the
	// request gives none (nil: none, or one the definition no longer
	// accepts).
	CategoryValue *string
	// Required is true when the registration must give a value: the
	// parameter is mandatory and the category has none.
	Required bool
}

// fieldRule is what the checker enforces on one field; the zero rule is an
// optional field typed from its GraphQL type.
type fieldRule struct {
	typ          string
	required     bool
	requiredWhen string
	minLength    int
	maxLength    int
	maxItems     int
	min, max     *float64
	// choices lists the allowed values; nil allows any of the type.
	choices func(*formEnv) []FormChoice
	// description replaces the schema's when set.
	description string
	// forTenant completes the rule with what the tenant asking changes
	// (its settings), when the rule depends on them.
	forTenant func(fieldRule, *formEnv) fieldRule
}

// formEnv is what a form's choices and tenant rules read: the tenant's
// roles the viewer may grant, the category with its features, and the
// tenant's settings.
type formEnv struct {
	roles    []*ent.Role
	category *ent.Category
	features []*ent.Feature
	settings Settings
}

// addressLineCondition: an addressLine is split into the street and the
// city when they are not given (checker.address).
const addressLineCondition = "addressLine is not given (a line is split into the street and the city: separate them with a comma)"

// countryCondition states when an address's country is required for the
// tenant asking, as checker.address completes it: from a state that names
// its country, else from the tenant's defaultCountry.
func countryCondition(r fieldRule, env *formEnv) fieldRule {
	r.requiredWhen = "unless the state names its country"
	if c := env.settings.DefaultCountry; c != "" {
		r.requiredWhen += " or the tenant's defaultCountry " + c + " applies"
	}
	return r
}

// defaultAddressType is an address's type when the request gives none.
const defaultAddressType = "HOME"

// formRules are the rules of the registration inputs, by pattern: an input
// type and a field ("AddressInput.street", applying wherever the type is
// used; "RegistrationUserInput.roles.*" is a list's element), or a root
// input type and a whole path ("RegisterIndividualInput.individualCustomer.
// person.addresses"), which wins over the type's entry. Each limit and list
// is the one the checker (checker.go, person.go, organization.go, login.go,
// categorize.go) applies at that path.
var formRules = map[string]fieldRule{
	// registerIndividual's top level. The login is created when a
	// password is given; its e-mail and the confirmation go with it.
	"RegisterIndividualInput.firstName": {maxLength: schematype.MaxNameLen, description: "Must equal individualCustomer.person.firstName when given."},
	"RegisterIndividualInput.lastName":  {maxLength: schematype.MaxNameLen, description: "Must equal individualCustomer.person.lastName when given."},
	"RegisterIndividualInput.email": {typ: FieldEmail, maxLength: schematype.MaxEmailLen,
		requiredWhen: loginCondition("")},
	"RegisterIndividualInput.phone": {typ: FieldPhone, maxLength: schematype.MaxPhoneFieldLen},
	"RegisterIndividualInput.password": {typ: FieldPassword, minLength: values.MinPasswordLength, maxLength: values.MaxPasswordLength,
		requiredWhen: loginCondition("password") + "; with none of them and no password there is no login"},
	"RegisterIndividualInput.matchingPassword":   {typ: FieldPassword, requiredWhen: "a password is given: must equal it"},
	"RegisterIndividualInput.roleIds":            {maxItems: schematype.MaxListLen},
	"RegisterIndividualInput.roleIds.*":          {typ: FieldChoice, maxLength: schematype.MaxRoleCodeLen, choices: roleChoices},
	"RegisterIndividualInput.externalReference":  {maxLength: schematype.MaxReferenceLen},
	"RegisterIndividualInput.tags":               {maxItems: schematype.MaxTags},
	"RegisterIndividualInput.tags.*":             {maxLength: schematype.MaxTagLen},
	"RegisterIndividualInput.individualCustomer": {required: true},
	"RegisterIndividualInput.segment":            {maxLength: schematype.MaxSegmentLen},
	"RegisterIndividualInput.invitedBy":          {maxLength: schematype.MaxReferenceLen},
	"RegisterIndividualInput.createdBy":          {maxLength: schematype.MaxReferenceLen},
	// A split phone, instead of phone: both parts together.
	"RegisterIndividualInput.phoneCountryCode": {typ: FieldInt, min: ptr(1.0), max: ptr(999.0),
		requiredWhen: "phoneNationalNumber is given"},
	"RegisterIndividualInput.phoneNationalNumber": {typ: FieldPhone, maxLength: schematype.MaxPhoneFieldLen,
		requiredWhen: "phoneCountryCode is given"},
	"IndividualCustomerInput.customerName": {maxLength: schematype.MaxCustomerNameLen},
	"IndividualCustomerInput.person":       {required: true},
	// An individual's person needs an address; an employee's does not.
	"RegisterIndividualInput.individualCustomer.person.addresses": {required: true, maxItems: schematype.MaxListLen,
		description: "At least one; at most one primary (the first is primary when none is)."},

	// registerOrganization's top level: the admin's login.
	"RegisterOrganizationInput.email":                {typ: FieldEmail, required: true, maxLength: schematype.MaxEmailLen},
	"RegisterOrganizationInput.password":             {typ: FieldPassword, required: true, minLength: values.MinPasswordLength, maxLength: values.MaxPasswordLength},
	"RegisterOrganizationInput.matchingPassword":     {typ: FieldPassword, requiredWhen: "a password is given: must equal it"},
	"RegisterOrganizationInput.roleIds":              {maxItems: schematype.MaxListLen},
	"RegisterOrganizationInput.roleIds.*":            {typ: FieldChoice, maxLength: schematype.MaxRoleCodeLen, choices: roleChoices},
	"RegisterOrganizationInput.organizationId":       {maxLength: schematype.MaxReferenceLen},
	"RegisterOrganizationInput.tags":                 {maxItems: schematype.MaxTags},
	"RegisterOrganizationInput.tags.*":               {maxLength: schematype.MaxTagLen},
	"RegisterOrganizationInput.organizationCustomer": {required: true},
	"OrganizationCustomerInput.customerName":         {maxLength: schematype.MaxCustomerNameLen},
	"OrganizationCustomerInput.organization":         {required: true},
	"OrganizationCustomerInput.employees":            {maxItems: schematype.MaxMembers},

	// The category: any of the tenant's may be named, and the form
	// describes the one its categoryId, categoryCode and categoryName name.
	"CategorizationInput.description": {typ: FieldMultiline, maxLength: schematype.MaxDescriptionLen},
	"FeatureRelationInput.feature":    {required: true},
	"FeatureRelationInput.enabled": {choices: fixedChoices(FormChoice{"true", "Yes: the category applies the feature"}),
		description: "Whether the feature applies is the category's decision: when given, it must be true."},
	"FeatureReferenceInput.id":   {typ: FieldChoice, requiredWhen: "code is not given", choices: featureChoices(func(f *ent.Feature) string { return f.ID })},
	"FeatureReferenceInput.code": {typ: FieldChoice, requiredWhen: "id is not given", choices: featureChoices(func(f *ent.Feature) string { return f.Code })},
	"ParameterInput.name":        {typ: FieldChoice, required: true, maxLength: maxParameterNameLen, choices: parameterChoices},
	"ParameterInput.value": {required: true, maxLength: catalog.MaxParameterValueLength,
		description: "Must be allowed by the parameter's definition (see the form's features)."},

	// The login user object.
	"RegistrationUserInput.username": {maxLength: schematype.MaxEmailLen},
	"RegistrationUserInput.email":    {typ: FieldEmail, maxLength: schematype.MaxEmailLen, description: "When given, must equal the login e-mail."},
	"RegistrationUserInput.password": {typ: FieldPassword, description: "When given, must equal the password."},
	"RegistrationUserInput.status":   {typ: FieldChoice, choices: listChoices(schematype.RegistrationUserStatuses)},
	"RegistrationUserInput.roles":    {maxItems: schematype.MaxListLen},
	"RegistrationUserInput.roles.*":  {typ: FieldChoice, maxLength: schematype.MaxRoleCodeLen, choices: roleChoices},
	"RegistrationUserInput.isActive": {choices: fixedChoices(FormChoice{"false", "No: a login starts inactive"}),
		description: "A login starts inactive; activating the customer activates it. When given, it must be false."},

	// A person.
	"PersonInput.firstName":         {required: true, maxLength: schematype.MaxNameLen},
	"PersonInput.middleName":        {maxLength: schematype.MaxNameLen},
	"PersonInput.lastName":          {required: true, maxLength: schematype.MaxNameLen},
	"PersonInput.email":             {typ: FieldEmail, maxLength: schematype.MaxEmailLen},
	"PersonInput.dateOfBirth":       {typ: FieldDate},
	"PersonInput.gender":            {typ: FieldChoice, choices: listChoices(schematype.Genders)},
	"PersonInput.nationality":       {typ: FieldCountry, choices: countryChoices},
	"PersonInput.placeOfBirth":      {maxLength: schematype.MaxNameLen},
	"PersonInput.fullName":          {maxLength: maxFullNameLen},
	"PersonInput.addresses":         {maxItems: schematype.MaxListLen},
	"PersonInput.contacts":          {maxItems: schematype.MaxListLen},
	"PersonInput.identityDocuments": {maxItems: schematype.MaxListLen},

	"AddressInput.type":        {typ: FieldChoice, choices: listChoices(schematype.AddressTypes), description: "Defaults to " + defaultAddressType + "."},
	"AddressInput.street":      {maxLength: schematype.MaxStreetLen, requiredWhen: addressLineCondition},
	"AddressInput.line2":       {maxLength: schematype.MaxStreetLen},
	"AddressInput.city":        {maxLength: schematype.MaxCityLen, requiredWhen: addressLineCondition},
	"AddressInput.state":       {maxLength: schematype.MaxStateLen},
	"AddressInput.postalCode":  {maxLength: schematype.MaxPostalCodeLen},
	"AddressInput.country":     {typ: FieldCountry, maxLength: schematype.MaxNameLen, choices: countryChoices, forTenant: countryCondition},
	"AddressInput.addressLine": {maxLength: schematype.MaxAddressLineLen},

	"ContactInput.type": {typ: FieldChoice, required: true, choices: listChoices(schematype.ContactTypes)},
	// The longest a value of any type may be: an e-mail is at most
	// MaxEmailLen, a phone MaxPhoneFieldLen.
	"ContactInput.value": {required: true, maxLength: schematype.MaxContactValueLen,
		description: "An e-mail for EMAIL, a phone number for PHONE, MOBILE and FAX, an http(s) URL for WEBSITE."},

	"IdentityDocumentInput.type":           {typ: FieldChoice, choices: listChoices(schematype.IdentityDocumentTypes), description: "Absent: " + schematype.IdentityDocumentUnspecified + "."},
	"IdentityDocumentInput.number":         {required: true, maxLength: schematype.MaxDocumentNumberLen},
	"IdentityDocumentInput.issuingCountry": {typ: FieldCountry, choices: countryChoices},

	// An organization.
	"OrganizationInput.legalName":           {required: true, maxLength: schematype.MaxLegalNameLen},
	"OrganizationInput.tradingName":         {maxLength: schematype.MaxLegalNameLen},
	"OrganizationInput.registrationNumber":  {required: true, maxLength: schematype.MaxRegistrationNumberLen},
	"OrganizationInput.taxId":               {maxLength: schematype.MaxTaxIDLen},
	"OrganizationInput.incorporationDate":   {typ: FieldDate},
	"OrganizationInput.legalForm":           {typ: FieldChoice, choices: listChoices(schematype.LegalForms)},
	"OrganizationInput.industry":            {typ: FieldChoice, choices: listChoices(schematype.Industries)},
	"OrganizationInput.businessType":        {typ: FieldChoice, choices: listChoices(schematype.BusinessTypes)},
	"OrganizationInput.businessDescription": {typ: FieldMultiline, maxLength: schematype.MaxDescriptionLen},
	"OrganizationInput.website":             {typ: FieldURL, maxLength: schematype.MaxWebsiteLen},
	"OrganizationInput.email":               {typ: FieldEmail, maxLength: schematype.MaxEmailLen},
	"OrganizationInput.phone":               {typ: FieldPhone, maxLength: schematype.MaxPhoneFieldLen},
	"OrganizationInput.addresses":           {required: true, maxItems: schematype.MaxListLen},
	"OrganizationInput.contacts":            {maxItems: schematype.MaxListLen},
	"OrganizationInput.representatives":     {maxItems: schematype.MaxMembers},

	"RepresentativeInput.firstName":   {required: true, maxLength: schematype.MaxNameLen},
	"RepresentativeInput.middleName":  {maxLength: schematype.MaxNameLen},
	"RepresentativeInput.lastName":    {required: true, maxLength: schematype.MaxNameLen},
	"RepresentativeInput.position":    {typ: FieldChoice, required: true, choices: listChoices(schematype.RepresentativePositions)},
	"RepresentativeInput.email":       {typ: FieldEmail, maxLength: schematype.MaxEmailLen},
	"RepresentativeInput.phone":       {typ: FieldPhone, maxLength: schematype.MaxPhoneFieldLen},
	"RepresentativeInput.dateOfBirth": {typ: FieldDate},
	"RepresentativeInput.nationality": {typ: FieldCountry, choices: countryChoices},
	"RepresentativeInput.gender":      {typ: FieldChoice, choices: listChoices(schematype.Genders)},
	"RepresentativeInput.ownershipShare": {min: ptr(minOwnershipShare), max: ptr(maxOwnershipShare),
		description: fmt.Sprintf("A percentage; the shares together are at most %g, and %g or more makes a beneficial owner.",
			maxOwnershipShare, BeneficialOwnerThreshold)},

	"EmployeeInput.person":           {required: true},
	"EmployeeInput.role":             {typ: FieldChoice, maxLength: schematype.MaxRoleCodeLen, choices: roleChoices},
	"EmployeeInput.roles":            {maxItems: schematype.MaxListLen},
	"EmployeeInput.roles.*":          {typ: FieldChoice, maxLength: schematype.MaxRoleCodeLen, choices: roleChoices},
	"EmployeeInput.department":       {maxLength: schematype.MaxDepartmentLen},
	"EmployeeInput.addresses":        {maxItems: schematype.MaxListLen},
	"EmployeeInput.telephoneNumbers": {maxItems: schematype.MaxListLen},

	"TelephoneNumberInput.number":    {typ: FieldPhone, required: true, maxLength: schematype.MaxPhoneFieldLen},
	"TelephoneNumberInput.country":   {typ: FieldCountry, choices: countryChoices},
	"TelephoneNumberInput.phoneType": {typ: FieldChoice, choices: listChoices(phoneTypeCodes)},
	"TelephoneNumberInput.operator":  {maxLength: schematype.MaxPhoneDetailLen},
	"TelephoneNumberInput.purpose":   {maxLength: schematype.MaxPhoneDetailLen},

	// Organization membership of an individual: exactly one of id (an
	// existing organization) and name (a new one), as membership checks.
	"IndividualOrganizationInput.id": {maxLength: schematype.MaxReferenceLen,
		requiredWhen: "name is not given: exactly one of id (an existing organization) and name (a new one)"},
	"IndividualOrganizationInput.name": {maxLength: schematype.MaxLegalNameLen,
		requiredWhen: "id is not given: exactly one of id (an existing organization) and name (a new one)"},
	"IndividualOrganizationInput.memberRole": {typ: FieldChoice, choices: listChoices(schematype.MemberRoles),
		description: "Defaults to " + string(employee.MemberRoleMEMBER) + "."},
	"IndividualOrganizationInput.department": {maxLength: schematype.MaxDepartmentLen},
}

// FormRulePatterns lists the patterns of the form's rule table, for the
// test that each names a field of the schema.
func FormRulePatterns() []string {
	out := make([]string, 0, len(formRules))
	for p := range formRules {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// formRoots are the input types of the registration mutations, by customer
// type.
var formRoots = map[schematype.CustomerType]struct{ input, mutation string }{
	schematype.CustomerTypeIndividual:   {"RegisterIndividualInput", opRegisterIndividual},
	schematype.CustomerTypeOrganization: {"RegisterOrganizationInput", opRegisterOrganization},
}

// Form describes the registration input of customerType for the category
// that category names (by id, external id, code or name; nil: the tenant's
// default category of the type), walking schema's input types. A category
// that names nothing is NOT_FOUND on "category"; one of the other type or
// inactive is BAD_USER_INPUT there, as the registration would answer.
func (s *Service) Form(ctx context.Context, schema *ast.Schema, customerType schematype.CustomerType, category *string) (*Form, error) {
	root, ok := formRoots[customerType]
	if !ok {
		return nil, apperr.Invalid(apperr.Path{"customerType"}, vocab.ReasonInvalidValue, "not a customer type")
	}
	env := &formEnv{}
	var err error
	if env.settings, err = s.settings(ctx); err != nil {
		return nil, err
	}
	if env.category, err = s.formCategory(ctx, customerType, category); err != nil {
		return nil, err
	}
	roles, err := tenantRoles(ctx, s.Client)
	if err != nil {
		return nil, err
	}
	backOffice := grantsAll(ctx)
	for _, r := range roles {
		if r.SelfAssignable || backOffice {
			env.roles = append(env.roles, r)
		}
	}
	slices.SortFunc(env.roles, func(a, b *ent.Role) int { return strings.Compare(a.Code, b.Code) })
	form := &Form{CustomerType: customerType, Mutation: root.mutation, Category: env.category, Features: []FormFeature{}}
	if env.category != nil {
		relations, err := catalog.Relations(ctx, s.Client, env.category.ID)
		if err != nil {
			return nil, err
		}
		for _, rel := range relations {
			if rel.Enabled {
				env.features = append(env.features, rel.Edges.Feature)
				form.Features = append(form.Features, formFeature(rel))
			}
		}
	}
	form.Fields = walkForm(schema, root.input, env)
	return form, nil
}

// formCategory resolves the form's category as CategoryReferenceInput
// would: by id or external id first, then by code or name.
func (s *Service) formCategory(ctx context.Context, t schematype.CustomerType, ref *string) (*ent.Category, error) {
	if !nonBlank(ref) {
		return catalog.DefaultCategory(ctx, s.Client, t)
	}
	path := apperr.Path{"category"}
	c, perr := catalog.ResolveCategory(ctx, s.Client, path, catalog.CategoryRef{ID: ref})
	if perr != nil && perr.Code == apperr.NotFound {
		c, perr = catalog.ResolveCategory(ctx, s.Client, path, catalog.CategoryRef{Name: ref})
	}
	if perr != nil {
		perr.Field = path
		return nil, perr
	}
	switch {
	case c.CustomerType != t:
		return nil, apperr.Invalid(path, vocab.ReasonCategoryTypeMismatch, "the category is for "+strings.ToLower(string(c.CustomerType))+" customers")
	case !c.IsActive:
		return nil, apperr.Invalid(path, vocab.ReasonCategoryInactive, "the category is not active")
	}
	return c, nil
}

// formFeature describes one of the category's features.
func formFeature(rel *ent.FeatureRelation) FormFeature {
	f := rel.Edges.Feature
	out := FormFeature{ID: f.ID, Code: f.Code, Name: f.Name, Description: f.Description, Parameters: []FormParameter{}}
	for _, def := range f.Parameters {
		p := FormParameter{ParameterDefinition: def}
		if v, ok := categoryDefault(rel, def); ok {
			p.CategoryValue = &v
		}
		p.Required = def.Mandatory && p.CategoryValue == nil
		out.Parameters = append(out.Parameters, p)
	}
	return out
}

// walkForm lists the fields of the input type root and of every input
// type inside it, depth first in the schema's order.
func walkForm(schema *ast.Schema, root string, env *formEnv) []FormField {
	var out []FormField
	var walk func(typeName string, path []string, seen []string)
	walk = func(typeName string, path []string, seen []string) {
		def := schema.Types[typeName]
		if def == nil || def.Kind != ast.InputObject || slices.Contains(seen, typeName) {
			return
		}
		seen = append(seen, typeName)
		for _, f := range def.Fields {
			p := append(slices.Clone(path), f.Name)
			out = append(out, formField(schema, f.Type, p, ruleFor(root, p, typeName, []string{f.Name}, env), f.Description, env))
			t := f.Type
			if t.Elem != nil {
				p = append(p, "*")
				t = t.Elem
				if named := schema.Types[t.Name()]; named == nil || named.Kind != ast.InputObject {
					out = append(out, formField(schema, t, p, ruleFor(root, p, typeName, []string{f.Name, "*"}, env), "", env))
					continue
				}
			}
			walk(t.Name(), p, seen)
		}
	}
	walk(root, nil, nil)
	return out
}

// ruleFor finds the rule of the field at path: the root's entry for the
// whole path, else the entry of the field in its input type; completed for
// the tenant (forTenant).
func ruleFor(root string, path []string, typeName string, field []string, env *formEnv) fieldRule {
	r, ok := formRules[root+"."+strings.Join(path, ".")]
	if !ok {
		r = formRules[typeName+"."+strings.Join(field, ".")]
	}
	if r.forTenant != nil {
		r = r.forTenant(r, env)
	}
	return r
}

// formField describes one field of GraphQL type t under rule.
func formField(schema *ast.Schema, t *ast.Type, path []string, rule fieldRule, description string, env *formEnv) FormField {
	// A list's element is non-null in the schema, which says nothing of
	// whether the list is required.
	element := path[len(path)-1] == "*"
	f := FormField{Path: path, Type: rule.typ, Required: rule.required || (t.NonNull && !element), Min: rule.min, Max: rule.max}
	if f.Type == "" {
		f.Type = graphQLFieldType(schema, t)
	}
	if rule.requiredWhen != "" {
		f.RequiredWhen = &rule.requiredWhen
	}
	f.MinLength = positive(rule.minLength)
	f.MaxLength = positive(rule.maxLength)
	f.MaxItems = positive(rule.maxItems)
	switch {
	case rule.choices != nil:
		f.Choices = rule.choices(env)
	case t.Elem == nil && schema.Types[t.Name()] != nil && schema.Types[t.Name()].Kind == ast.Enum:
		for _, v := range schema.Types[t.Name()].EnumValues {
			f.Choices = append(f.Choices, FormChoice{Value: v.Name, Label: label(v.Name)})
		}
	}
	if f.Choices == nil && rule.typ == FieldChoice {
		f.Type = FieldText // a choice of nothing known (no role, no category): free text
	}
	if rule.description != "" {
		description = rule.description
	}
	if description != "" {
		f.Description = &description
	}
	return f
}

// graphQLFieldType is the form type of a field without a rule's.
func graphQLFieldType(schema *ast.Schema, t *ast.Type) string {
	if t.Elem != nil {
		return FieldList
	}
	switch t.Name() {
	case "Boolean":
		return FieldBoolean
	case "Int":
		return FieldInt
	case "Float":
		return FieldFloat
	}
	if def := schema.Types[t.Name()]; def != nil {
		switch def.Kind {
		case ast.InputObject:
			return FieldObject
		case ast.Enum:
			return FieldChoice
		}
	}
	return FieldText
}

func positive(n int) *int {
	if n <= 0 {
		return nil
	}
	return &n
}

// label is an enum value as a person reads it: "DRIVERS_LICENSE" →
// "Drivers license"; short codes and codes with digits ("CEO", "B2B")
// stay as they are.
func label(v string) string {
	if len(v) <= 3 || strings.ContainsAny(v, "0123456789") {
		return v
	}
	s := strings.ToLower(strings.ReplaceAll(v, "_", " "))
	return strings.ToUpper(s[:1]) + s[1:]
}

func listChoices(list []string) func(*formEnv) []FormChoice {
	return func(*formEnv) []FormChoice {
		out := make([]FormChoice, len(list))
		for i, v := range list {
			out[i] = FormChoice{Value: v, Label: label(v)}
		}
		return out
	}
}

func fixedChoices(choices ...FormChoice) func(*formEnv) []FormChoice {
	return func(*formEnv) []FormChoice { return choices }
}

// roleChoices are the tenant's roles the viewer may grant, by code.
func roleChoices(env *formEnv) []FormChoice {
	out := make([]FormChoice, len(env.roles))
	for i, r := range env.roles {
		out[i] = FormChoice{Value: r.Code, Label: r.Name}
	}
	return out
}

// countryChoices are the ISO 3166-1 countries ParseCountry accepts: the
// alpha-2 code with the English name.
func countryChoices(*formEnv) []FormChoice {
	list := values.CountryList()
	out := make([]FormChoice, len(list))
	for i, c := range list {
		out[i] = FormChoice{Value: c.Alpha2, Label: c.Name}
	}
	return out
}

// featureChoices offer the category's features, named by get.
func featureChoices(get func(*ent.Feature) string) func(*formEnv) []FormChoice {
	return func(env *formEnv) []FormChoice {
		if len(env.features) == 0 {
			return nil
		}
		out := make([]FormChoice, len(env.features))
		for i, f := range env.features {
			out[i] = FormChoice{Value: get(f), Label: f.Name}
		}
		return out
	}
}

// parameterChoices are the names of the category's features' parameters,
// each once.
func parameterChoices(env *formEnv) []FormChoice {
	var out []FormChoice
	for _, f := range env.features {
		for _, d := range f.Parameters {
			if !slices.ContainsFunc(out, func(c FormChoice) bool { return c.Value == d.Name }) {
				out = append(out, FormChoice{Value: d.Name, Label: d.Name})
			}
		}
	}
	return out
}
