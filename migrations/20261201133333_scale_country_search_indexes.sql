-- The customers' search filter reads trigram indexes (pg_trgm). The
-- extension goes into pg_catalog so that its operator class resolves
-- whatever a session's search_path (tests run in schemas of their own).
-- Creating it needs a superuser, or a DBA who ran this statement first.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA pg_catalog;
-- Modify "customers" table
ALTER TABLE "customers" ADD COLUMN "country" character varying NULL;
-- Backfill: the country of the primary address of the customer's person,
-- else of its organization, as registrations now copy it.
UPDATE "customers" c SET "country" = COALESCE(
  (SELECT a."country" FROM "addresses" a JOIN "persons" p ON a."person_addresses" = p."id" WHERE p."customer_person" = c."id" AND a."is_primary" LIMIT 1),
  (SELECT a."country" FROM "addresses" a JOIN "organizations" o ON a."organization_addresses" = o."id" WHERE o."customer_organization" = c."id" AND a."is_primary" LIMIT 1));
-- Create index "customer_name_trgm" to table: "customers"
CREATE INDEX "customer_name_trgm" ON "customers" USING gin ("name" gin_trgm_ops);
-- Create index "customer_tenant_id_country_status" to table: "customers"
CREATE INDEX "customer_tenant_id_country_status" ON "customers" ("tenant_id", "country", "status");
-- Create index "customer_tenant_id_type_status" to table: "customers"
CREATE INDEX "customer_tenant_id_type_status" ON "customers" ("tenant_id", "type", "status");
-- Create index "organization_email_trgm" to table: "organizations"
CREATE INDEX "organization_email_trgm" ON "organizations" USING gin ("email" gin_trgm_ops);
-- Create index "organization_legal_name_trgm" to table: "organizations"
CREATE INDEX "organization_legal_name_trgm" ON "organizations" USING gin ("legal_name" gin_trgm_ops);
-- Create index "organization_trading_name_trgm" to table: "organizations"
CREATE INDEX "organization_trading_name_trgm" ON "organizations" USING gin ("trading_name" gin_trgm_ops);
-- Create index "person_email_trgm" to table: "persons"
CREATE INDEX "person_email_trgm" ON "persons" USING gin ("email" gin_trgm_ops);
-- Create index "person_first_name_trgm" to table: "persons"
CREATE INDEX "person_first_name_trgm" ON "persons" USING gin ("first_name" gin_trgm_ops);
-- Create index "person_last_name_trgm" to table: "persons"
CREATE INDEX "person_last_name_trgm" ON "persons" USING gin ("last_name" gin_trgm_ops);
-- Create index "user_email_trgm" to table: "users"
CREATE INDEX "user_email_trgm" ON "users" USING gin ("email" gin_trgm_ops);
