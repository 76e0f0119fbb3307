-- Modify "addresses" table
ALTER TABLE "addresses" ADD COLUMN "country_source" character varying NOT NULL DEFAULT 'GIVEN', ADD COLUMN "address_line" character varying NULL;
-- Modify "employees" table
ALTER TABLE "employees" ADD COLUMN "member_role" character varying NOT NULL DEFAULT 'MEMBER';
-- Modify "identity_documents" table
ALTER TABLE "identity_documents" ADD COLUMN "is_primary" boolean NOT NULL DEFAULT false;
-- Create index "identity_document_one_primary_per_person" to table: "identity_documents"
CREATE UNIQUE INDEX "identity_document_one_primary_per_person" ON "identity_documents" ("person_identity_documents") WHERE is_primary;
-- Modify "organizations" table
ALTER TABLE "organizations" ALTER COLUMN "registration_number" DROP NOT NULL, ADD COLUMN "registration_number_key" character varying NULL, ADD COLUMN "tax_id_key" character varying NULL;
-- Create index "organization_tenant_id_registration_number_key" to table: "organizations"
CREATE INDEX "organization_tenant_id_registration_number_key" ON "organizations" ("tenant_id", "registration_number_key");
-- Create index "organization_tenant_id_tax_id_key" to table: "organizations"
CREATE INDEX "organization_tenant_id_tax_id_key" ON "organizations" ("tenant_id", "tax_id_key");
-- Create index "person_tenant_id_date_of_birth" to table: "persons"
CREATE INDEX "person_tenant_id_date_of_birth" ON "persons" ("tenant_id", "date_of_birth");
-- Create index "person_tenant_id_phone" to table: "persons"
CREATE INDEX "person_tenant_id_phone" ON "persons" ("tenant_id", "phone");
-- Modify "tenants" table
ALTER TABLE "tenants" ADD COLUMN "default_country" character varying NULL, ADD COLUMN "duplicate_policy" character varying NOT NULL DEFAULT 'FLAG';
-- Create "api_keys" table
CREATE TABLE "api_keys" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "scopes" jsonb NOT NULL, "hash" character varying NOT NULL, "hint" character varying NOT NULL, "expires_at" timestamptz NULL, "revoked_at" timestamptz NULL, "last_used_at" timestamptz NULL, "created_by" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "api_keys_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "apikey_tenant_id_created_at" to table: "api_keys"
CREATE INDEX "apikey_tenant_id_created_at" ON "api_keys" ("tenant_id", "created_at");
-- Modify "customers" table
ALTER TABLE "customers" ADD COLUMN "invited_by" character varying NULL, ADD COLUMN "created_by" character varying NULL, ADD COLUMN "segment" character varying NULL;
-- Create "possible_duplicates" table
CREATE TABLE "possible_duplicates" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "existing_customer_id" character varying NOT NULL, "rule" character varying NOT NULL, "customer_id" character varying NOT NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "possible_duplicates_customers_possible_duplicates" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "possible_duplicates_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "possibleduplicate_tenant_customer_existing_rule" to table: "possible_duplicates"
CREATE UNIQUE INDEX "possibleduplicate_tenant_customer_existing_rule" ON "possible_duplicates" ("tenant_id", "customer_id", "existing_customer_id", "rule");
-- Create index "possibleduplicate_tenant_id_existing_customer_id" to table: "possible_duplicates"
CREATE INDEX "possibleduplicate_tenant_id_existing_customer_id" ON "possible_duplicates" ("tenant_id", "existing_customer_id");
-- Backfill the duplicate keys of existing organizations: normalizedNumber
-- (internal/registration/duplicates.go) in SQL — spaces and dashes removed,
-- ASCII letters upper-cased (TRANSLATE, not the locale's UPPER), NULL when
-- nothing is left.
UPDATE "organizations" SET "registration_number_key" = NULLIF(TRANSLATE(REPLACE(REPLACE("registration_number", ' ', ''), '-', ''), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), ''), "tax_id_key" = NULLIF(TRANSLATE(REPLACE(REPLACE("tax_id", ' ', ''), '-', ''), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), '') WHERE "registration_number" IS NOT NULL OR "tax_id" IS NOT NULL;
-- Give every person who has identity documents a primary one, as a
-- registration does when none is marked (internal/registration, documents):
-- the first, by creation. internal/database's sqlitePrimaryDocumentBackfill is
-- the same statement for an older SQLite file.
UPDATE "identity_documents" SET "is_primary" = true WHERE "id" = (SELECT "d"."id" FROM "identity_documents" AS "d" WHERE "d"."person_identity_documents" = "identity_documents"."person_identity_documents" ORDER BY "d"."created_at", "d"."id" LIMIT 1);
