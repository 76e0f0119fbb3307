package schema_test

import (
	"slices"
	"testing"

	entsql "entgo.io/ent/dialect/sql/schema"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/contact"
	"onboard/ent/identitydocument"
	"onboard/ent/migrate"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/ent/representative"
	"onboard/ent/user"
	"onboard/schema/schematype"
)

// column is table's column name; the test fails when there is none.
func column(t *testing.T, table *entsql.Table, name string) *entsql.Column {
	t.Helper()
	for _, c := range table.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("%s has no column %s", table.Name, name)
	return nil
}

// The generated code must hold exactly the schematype lists: a value added
// to an ent schema by hand, or to a list without regenerating, fails here.
func TestEnumsMatchEnt(t *testing.T) {
	for _, tc := range []struct {
		table  *entsql.Table
		column string
		values []string
	}{
		{migrate.AddressesTable, address.FieldType, schematype.AddressTypes},
		{migrate.ContactsTable, contact.FieldType, schematype.ContactTypes},
		{migrate.IdentityDocumentsTable, identitydocument.FieldType, schematype.IdentityDocumentTypes},
		{migrate.PersonsTable, person.FieldGender, schematype.Genders},
		{migrate.OrganizationsTable, organization.FieldLegalForm, schematype.LegalForms},
		{migrate.OrganizationsTable, organization.FieldIndustry, schematype.Industries},
		{migrate.OrganizationsTable, organization.FieldBusinessType, schematype.BusinessTypes},
		{migrate.RepresentativesTable, representative.FieldPosition, schematype.RepresentativePositions},
		{migrate.UsersTable, user.FieldStatus, schematype.UserStatuses},
		{migrate.CustomersTable, "status", schematype.CustomerStatuses},
	} {
		if got := column(t, tc.table, tc.column).Enums; !slices.Equal(got, tc.values) {
			t.Errorf("%s.%s: ent has %q, schematype %q", tc.table.Name, tc.column, got, tc.values)
		}
	}
	// The validators registration's values pass through accept them all
	// and nothing else.
	accepts := func(name string, values []string, valid func(string) error) {
		for _, v := range values {
			if err := valid(v); err != nil {
				t.Errorf("%s refuses %s: %v", name, v, err)
			}
		}
		if valid("NOT_A_VALUE") == nil {
			t.Errorf("%s accepts NOT_A_VALUE", name)
		}
	}
	accepts("address.TypeValidator", schematype.AddressTypes, func(v string) error { return address.TypeValidator(address.Type(v)) })
	accepts("contact.TypeValidator", schematype.ContactTypes, func(v string) error { return contact.TypeValidator(contact.Type(v)) })
	accepts("identitydocument.TypeValidator", schematype.IdentityDocumentTypes, func(v string) error {
		return identitydocument.TypeValidator(identitydocument.Type(v))
	})
	accepts("person.GenderValidator", schematype.Genders, func(v string) error { return person.GenderValidator(person.Gender(v)) })
	accepts("representative.PositionValidator", schematype.RepresentativePositions, func(v string) error {
		return representative.PositionValidator(representative.Position(v))
	})
	accepts("user.StatusValidator", schematype.UserStatuses, func(v string) error { return user.StatusValidator(user.Status(v)) })
}

// Every director position is a representative position, and a registration
// may set only statuses a user can have.
func TestSubsetsAreSubsets(t *testing.T) {
	for _, p := range schematype.DirectorPositions {
		if !slices.Contains(schematype.RepresentativePositions, p) {
			t.Errorf("director position %s is not a representative position", p)
		}
	}
	for _, s := range schematype.RegistrationUserStatuses {
		if !slices.Contains(schematype.UserStatuses, s) {
			t.Errorf("registration user status %s is not a user status", s)
		}
	}
	if len(schematype.RegistrationUserStatuses) == 0 || len(schematype.DirectorPositions) == 0 {
		t.Error("empty subset")
	}
}

// The columns' length limits are schematype's: validation checks input
// against the same names, so the data layer never refuses what it let
// through.
func TestLengthLimitsMatchEnt(t *testing.T) {
	for _, tc := range []struct {
		table  *entsql.Table
		column string
		max    int
	}{
		{migrate.PersonsTable, person.FieldFirstName, schematype.MaxNameLen},
		{migrate.PersonsTable, person.FieldMiddleName, schematype.MaxNameLen},
		{migrate.PersonsTable, person.FieldLastName, schematype.MaxNameLen},
		{migrate.PersonsTable, person.FieldEmail, schematype.MaxEmailLen},
		{migrate.PersonsTable, person.FieldPhone, schematype.MaxPhoneLen},
		{migrate.PersonsTable, person.FieldNationality, schematype.MaxCountryLen},
		{migrate.PersonsTable, person.FieldPlaceOfBirth, schematype.MaxPlaceOfBirthLen},
		{migrate.AddressesTable, address.FieldStreet, schematype.MaxStreetLen},
		{migrate.AddressesTable, address.FieldLine2, schematype.MaxStreetLen},
		{migrate.AddressesTable, address.FieldCity, schematype.MaxCityLen},
		{migrate.AddressesTable, address.FieldState, schematype.MaxStateLen},
		{migrate.AddressesTable, address.FieldPostalCode, schematype.MaxPostalCodeLen},
		{migrate.AddressesTable, address.FieldCountry, schematype.MaxCountryLen},
		{migrate.ContactsTable, contact.FieldValue, schematype.MaxContactValueLen},
		{migrate.ContactsTable, contact.FieldOperator, schematype.MaxPhoneDetailLen},
		{migrate.ContactsTable, contact.FieldPurpose, schematype.MaxPhoneDetailLen},
		{migrate.IdentityDocumentsTable, identitydocument.FieldNumber, schematype.MaxDocumentNumberLen},
		{migrate.IdentityDocumentsTable, identitydocument.FieldIssuingCountry, schematype.MaxCountryLen},
		{migrate.CustomersTable, "name", schematype.MaxCustomerNameLen},
		{migrate.CustomersTable, "external_reference", schematype.MaxReferenceLen},
		{migrate.OrganizationsTable, organization.FieldLegalName, schematype.MaxLegalNameLen},
		{migrate.OrganizationsTable, organization.FieldTradingName, schematype.MaxLegalNameLen},
		{migrate.OrganizationsTable, organization.FieldRegistrationNumber, schematype.MaxRegistrationNumberLen},
		{migrate.OrganizationsTable, organization.FieldTaxID, schematype.MaxTaxIDLen},
		{migrate.OrganizationsTable, organization.FieldDescription, schematype.MaxDescriptionLen},
		{migrate.OrganizationsTable, organization.FieldWebsite, schematype.MaxWebsiteLen},
		{migrate.OrganizationsTable, organization.FieldEmail, schematype.MaxEmailLen},
		{migrate.OrganizationsTable, organization.FieldPhone, schematype.MaxPhoneLen},
		{migrate.EmployeesTable, "department", schematype.MaxDepartmentLen},
		{migrate.UsersTable, user.FieldUsername, schematype.MaxEmailLen},
		{migrate.UsersTable, user.FieldEmail, schematype.MaxEmailLen},
		{migrate.RolesTable, "code", schematype.MaxRoleCodeLen},
		{migrate.CustomersTable, "registration_ip", schematype.MaxRegistrationIPLen},
		{migrate.CustomersTable, "registration_user_agent", schematype.MaxRegistrationUserAgentLen},
		{migrate.CustomersTable, "registration_device_id", schematype.MaxRegistrationDeviceIDLen},
		{migrate.CustomersTable, "registration_platform", schematype.MaxRegistrationPlatformLen},
		{migrate.CustomersTable, "registration_source", schematype.MaxRegistrationSourceLen},
		{migrate.CustomersTable, "registered_by", schematype.MaxRegisteredByLen},
	} {
		if got := column(t, tc.table, tc.column).Size; got != int64(tc.max) {
			t.Errorf("%s.%s: ent's limit is %d, schematype's %d", tc.table.Name, tc.column, got, tc.max)
		}
	}
}

// Each prefix names the table node(id:) dispatches to.
func TestIDPrefixesMatchEnt(t *testing.T) {
	for prefix, table := range map[string]string{
		schematype.PrefixAddress:          migrate.AddressesTable.Name,
		schematype.PrefixCategory:         migrate.CategoriesTable.Name,
		schematype.PrefixContact:          migrate.ContactsTable.Name,
		schematype.PrefixCustomer:         migrate.CustomersTable.Name,
		schematype.PrefixCustomerFeature:  migrate.CustomerFeaturesTable.Name,
		schematype.PrefixEmployee:         migrate.EmployeesTable.Name,
		schematype.PrefixFeature:          migrate.FeaturesTable.Name,
		schematype.PrefixFeatureRelation:  migrate.FeatureRelationsTable.Name,
		schematype.PrefixIdentityDocument: migrate.IdentityDocumentsTable.Name,
		schematype.PrefixOrganization:     migrate.OrganizationsTable.Name,
		schematype.PrefixPerson:           migrate.PersonsTable.Name,
		schematype.PrefixRepresentative:   migrate.RepresentativesTable.Name,
		schematype.PrefixRole:             migrate.RolesTable.Name,
		schematype.PrefixTenant:           migrate.TenantsTable.Name,
		schematype.PrefixUser:             migrate.UsersTable.Name,
	} {
		if got, ok := ent.TableForID(prefix + "_x"); !ok || got != table {
			t.Errorf("prefix %s: ent dispatches to %q (%v), want %s", prefix, got, ok, table)
		}
	}
}
