-- Create "tenants" table
CREATE TABLE "tenants" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "key" character varying NOT NULL, "name" character varying NOT NULL, "minimum_age" bigint NOT NULL DEFAULT 18, PRIMARY KEY ("id"));
-- Create index "tenants_key_key" to table: "tenants"
CREATE UNIQUE INDEX "tenants_key_key" ON "tenants" ("key");
-- Create "categories" table
CREATE TABLE "categories" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "external_id" character varying NULL, "name" character varying NOT NULL, "description" character varying NULL, "customer_type" character varying NOT NULL, "risk_level" character varying NOT NULL DEFAULT 'MEDIUM', "is_active" boolean NOT NULL DEFAULT true, "is_default" boolean NOT NULL DEFAULT false, "tenant_id" character varying NOT NULL, "parent_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "categories_categories_children" FOREIGN KEY ("parent_id") REFERENCES "categories" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "categories_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "category_one_default_per_customer_type" to table: "categories"
CREATE UNIQUE INDEX "category_one_default_per_customer_type" ON "categories" ("tenant_id", "customer_type") WHERE is_default;
-- Create index "category_parent_id" to table: "categories"
CREATE INDEX "category_parent_id" ON "categories" ("parent_id");
-- Create index "category_tenant_id_code" to table: "categories"
CREATE UNIQUE INDEX "category_tenant_id_code" ON "categories" ("tenant_id", "code");
-- Create index "category_tenant_id_external_id" to table: "categories"
CREATE UNIQUE INDEX "category_tenant_id_external_id" ON "categories" ("tenant_id", "external_id");
-- Create "customers" table
CREATE TABLE "customers" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "type" character varying NOT NULL, "name" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'PENDING_VERIFICATION', "external_reference" character varying NULL, "tags" jsonb NULL, "registration_ip" character varying NULL, "registration_user_agent" character varying NULL, "registration_device_id" character varying NULL, "registration_platform" character varying NULL, "registration_source" character varying NULL, "tenant_id" character varying NOT NULL, "category_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "customers_categories_category" FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "customers_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "customer_tenant_id_category_id" to table: "customers"
CREATE INDEX "customer_tenant_id_category_id" ON "customers" ("tenant_id", "category_id");
-- Create index "customer_tenant_id_created_at_id" to table: "customers"
CREATE INDEX "customer_tenant_id_created_at_id" ON "customers" ("tenant_id", "created_at", "id");
-- Create index "customer_tenant_id_external_reference" to table: "customers"
CREATE UNIQUE INDEX "customer_tenant_id_external_reference" ON "customers" ("tenant_id", "external_reference");
-- Create index "customer_tenant_id_name_id" to table: "customers"
CREATE INDEX "customer_tenant_id_name_id" ON "customers" ("tenant_id", "name", "id");
-- Create index "customer_tenant_id_updated_at_id" to table: "customers"
CREATE INDEX "customer_tenant_id_updated_at_id" ON "customers" ("tenant_id", "updated_at", "id");
-- Create "organizations" table
CREATE TABLE "organizations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "legal_name" character varying NOT NULL, "trading_name" character varying NULL, "registration_number" character varying NOT NULL, "tax_id" character varying NULL, "incorporation_date" date NULL, "legal_form" character varying NULL, "industry" character varying NULL, "business_type" character varying NULL, "description" character varying NULL, "website" character varying NULL, "email" character varying NULL, "phone" character varying NULL, "customer_organization" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "organizations_customers_organization" FOREIGN KEY ("customer_organization") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "organizations_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "organization_tenant_id_registration_number" to table: "organizations"
CREATE UNIQUE INDEX "organization_tenant_id_registration_number" ON "organizations" ("tenant_id", "registration_number");
-- Create index "organizations_customer_organization_key" to table: "organizations"
CREATE UNIQUE INDEX "organizations_customer_organization_key" ON "organizations" ("customer_organization");
-- Create "persons" table
CREATE TABLE "persons" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "first_name" character varying NOT NULL, "middle_name" character varying NULL, "last_name" character varying NOT NULL, "email" character varying NULL, "phone" character varying NULL, "date_of_birth" date NULL, "gender" character varying NULL, "nationality" character varying NULL, "place_of_birth" character varying NULL, "customer_person" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "persons_customers_person" FOREIGN KEY ("customer_person") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "persons_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "person_tenant_id_email" to table: "persons"
CREATE INDEX "person_tenant_id_email" ON "persons" ("tenant_id", "email");
-- Create index "persons_customer_person_key" to table: "persons"
CREATE UNIQUE INDEX "persons_customer_person_key" ON "persons" ("customer_person");
-- Create "addresses" table
CREATE TABLE "addresses" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "type" character varying NOT NULL, "street" character varying NOT NULL, "line2" character varying NULL, "city" character varying NOT NULL, "state" character varying NULL, "postal_code" character varying NULL, "country" character varying NOT NULL, "is_primary" boolean NOT NULL DEFAULT false, "tenant_id" character varying NOT NULL, "organization_addresses" character varying NULL, "person_addresses" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "addresses_organizations_addresses" FOREIGN KEY ("organization_addresses") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "addresses_persons_addresses" FOREIGN KEY ("person_addresses") REFERENCES "persons" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "addresses_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "address_one_primary_per_organization" to table: "addresses"
CREATE UNIQUE INDEX "address_one_primary_per_organization" ON "addresses" ("organization_addresses") WHERE is_primary;
-- Create index "address_one_primary_per_person" to table: "addresses"
CREATE UNIQUE INDEX "address_one_primary_per_person" ON "addresses" ("person_addresses") WHERE is_primary;
-- Create index "address_organization_addresses" to table: "addresses"
CREATE INDEX "address_organization_addresses" ON "addresses" ("organization_addresses");
-- Create index "address_person_addresses" to table: "addresses"
CREATE INDEX "address_person_addresses" ON "addresses" ("person_addresses");
-- Create index "address_tenant_id_country" to table: "addresses"
CREATE INDEX "address_tenant_id_country" ON "addresses" ("tenant_id", "country");
-- Create "contacts" table
CREATE TABLE "contacts" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "type" character varying NOT NULL, "value" character varying NOT NULL, "is_primary" boolean NOT NULL DEFAULT false, "operator" character varying NULL, "purpose" character varying NULL, "tenant_id" character varying NOT NULL, "organization_contacts" character varying NULL, "person_contacts" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "contacts_organizations_contacts" FOREIGN KEY ("organization_contacts") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "contacts_persons_contacts" FOREIGN KEY ("person_contacts") REFERENCES "persons" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "contacts_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "contact_one_primary_per_type_per_organization" to table: "contacts"
CREATE UNIQUE INDEX "contact_one_primary_per_type_per_organization" ON "contacts" ("type", "organization_contacts") WHERE is_primary;
-- Create index "contact_one_primary_per_type_per_person" to table: "contacts"
CREATE UNIQUE INDEX "contact_one_primary_per_type_per_person" ON "contacts" ("type", "person_contacts") WHERE is_primary;
-- Create index "contact_organization_contacts" to table: "contacts"
CREATE INDEX "contact_organization_contacts" ON "contacts" ("organization_contacts");
-- Create index "contact_person_contacts" to table: "contacts"
CREATE INDEX "contact_person_contacts" ON "contacts" ("person_contacts");
-- Create "features" table
CREATE TABLE "features" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "external_id" character varying NULL, "name" character varying NOT NULL, "description" character varying NULL, "parameters" jsonb NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "features_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "feature_tenant_id_code" to table: "features"
CREATE UNIQUE INDEX "feature_tenant_id_code" ON "features" ("tenant_id", "code");
-- Create index "feature_tenant_id_external_id" to table: "features"
CREATE UNIQUE INDEX "feature_tenant_id_external_id" ON "features" ("tenant_id", "external_id");
-- Create "customer_features" table
CREATE TABLE "customer_features" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "parameters" jsonb NULL, "customer_id" character varying NOT NULL, "tenant_id" character varying NOT NULL, "feature_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "customer_features_customers_features" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "customer_features_features_feature" FOREIGN KEY ("feature_id") REFERENCES "features" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "customer_features_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "customerfeature_customer_id" to table: "customer_features"
CREATE INDEX "customerfeature_customer_id" ON "customer_features" ("customer_id");
-- Create "employees" table
CREATE TABLE "employees" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "department" character varying NULL, "tenant_id" character varying NOT NULL, "person_id" character varying NULL, "organization_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "employees_organizations_employees" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "employees_persons_person" FOREIGN KEY ("person_id") REFERENCES "persons" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "employees_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "employee_organization_id_person_id" to table: "employees"
CREATE UNIQUE INDEX "employee_organization_id_person_id" ON "employees" ("organization_id", "person_id");
-- Create index "employee_person_id" to table: "employees"
CREATE INDEX "employee_person_id" ON "employees" ("person_id");
-- Create "roles" table
CREATE TABLE "roles" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "name" character varying NOT NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "roles_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "role_tenant_id_code" to table: "roles"
CREATE UNIQUE INDEX "role_tenant_id_code" ON "roles" ("tenant_id", "code");
-- Create "employee_roles" table
CREATE TABLE "employee_roles" ("employee_id" character varying NOT NULL, "role_id" character varying NOT NULL, PRIMARY KEY ("employee_id", "role_id"), CONSTRAINT "employee_roles_employee_id" FOREIGN KEY ("employee_id") REFERENCES "employees" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "employee_roles_role_id" FOREIGN KEY ("role_id") REFERENCES "roles" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
-- Create "feature_relations" table
CREATE TABLE "feature_relations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "parametrization" jsonb NULL, "category_id" character varying NOT NULL, "tenant_id" character varying NOT NULL, "feature_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "feature_relations_categories_feature_relations" FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "feature_relations_features_feature" FOREIGN KEY ("feature_id") REFERENCES "features" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "feature_relations_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "featurerelation_category_id_feature_id" to table: "feature_relations"
CREATE UNIQUE INDEX "featurerelation_category_id_feature_id" ON "feature_relations" ("category_id", "feature_id");
-- Create index "featurerelation_feature_id" to table: "feature_relations"
CREATE INDEX "featurerelation_feature_id" ON "feature_relations" ("feature_id");
-- Create "idempotency_records" table
CREATE TABLE "idempotency_records" ("id" character varying NOT NULL, "key" character varying NOT NULL, "operation" character varying NOT NULL, "fingerprint" character varying NOT NULL, "customer_id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "idempotency_records_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "idempotencyrecord_expires_at" to table: "idempotency_records"
CREATE INDEX "idempotencyrecord_expires_at" ON "idempotency_records" ("expires_at");
-- Create index "idempotencyrecord_tenant_id_key" to table: "idempotency_records"
CREATE UNIQUE INDEX "idempotencyrecord_tenant_id_key" ON "idempotency_records" ("tenant_id", "key");
-- Create "identity_documents" table
CREATE TABLE "identity_documents" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "type" character varying NOT NULL, "number" character varying NOT NULL, "issuing_country" character varying NULL, "tenant_id" character varying NOT NULL, "person_identity_documents" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "identity_documents_persons_identity_documents" FOREIGN KEY ("person_identity_documents") REFERENCES "persons" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "identity_documents_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "identitydocument_person_identity_documents" to table: "identity_documents"
CREATE INDEX "identitydocument_person_identity_documents" ON "identity_documents" ("person_identity_documents");
-- Create "representatives" table
CREATE TABLE "representatives" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "position" character varying NOT NULL, "is_primary_owner" boolean NOT NULL DEFAULT false, "ownership_share" double precision NOT NULL DEFAULT 0, "is_beneficial_owner" boolean NOT NULL DEFAULT false, "organization_id" character varying NOT NULL, "tenant_id" character varying NOT NULL, "person_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "representatives_organizations_representatives" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "representatives_persons_person" FOREIGN KEY ("person_id") REFERENCES "persons" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "representatives_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "representative_one_primary_owner" to table: "representatives"
CREATE UNIQUE INDEX "representative_one_primary_owner" ON "representatives" ("organization_id") WHERE is_primary_owner;
-- Create index "representative_organization_id_person_id" to table: "representatives"
CREATE UNIQUE INDEX "representative_organization_id_person_id" ON "representatives" ("organization_id", "person_id");
-- Create index "representative_person_id" to table: "representatives"
CREATE INDEX "representative_person_id" ON "representatives" ("person_id");
-- Create "users" table
CREATE TABLE "users" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "username" character varying NOT NULL, "email" character varying NOT NULL, "password_hash" character varying NULL, "status" character varying NOT NULL DEFAULT 'PENDING_ACTIVATION', "is_active" boolean NOT NULL DEFAULT false, "requires_password_change" boolean NOT NULL DEFAULT false, "two_factor_enabled" boolean NOT NULL DEFAULT false, "customer_user" character varying NULL, "employee_user" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "users_customers_user" FOREIGN KEY ("customer_user") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "users_employees_user" FOREIGN KEY ("employee_user") REFERENCES "employees" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "users_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "user_tenant_id_email" to table: "users"
CREATE UNIQUE INDEX "user_tenant_id_email" ON "users" ("tenant_id", "email");
-- Create index "user_tenant_id_username" to table: "users"
CREATE UNIQUE INDEX "user_tenant_id_username" ON "users" ("tenant_id", "username");
-- Create index "users_customer_user_key" to table: "users"
CREATE UNIQUE INDEX "users_customer_user_key" ON "users" ("customer_user");
-- Create index "users_employee_user_key" to table: "users"
CREATE UNIQUE INDEX "users_employee_user_key" ON "users" ("employee_user");
-- Create "user_roles" table
CREATE TABLE "user_roles" ("user_id" character varying NOT NULL, "role_id" character varying NOT NULL, PRIMARY KEY ("user_id", "role_id"), CONSTRAINT "user_roles_role_id" FOREIGN KEY ("role_id") REFERENCES "roles" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "user_roles_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
