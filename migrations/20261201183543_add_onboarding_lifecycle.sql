-- Modify "categories" table
ALTER TABLE "categories" ADD COLUMN "policy" jsonb NULL;
-- Modify "roles" table
ALTER TABLE "roles" ADD COLUMN "self_assignable" boolean NOT NULL DEFAULT true;
-- Create "consent_documents" table
CREATE TABLE "consent_documents" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "version" bigint NOT NULL, "title" character varying NOT NULL, "url" character varying NOT NULL, "customer_types" jsonb NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "consent_documents_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "consentdocument_tenant_id_code_version" to table: "consent_documents"
CREATE UNIQUE INDEX "consentdocument_tenant_id_code_version" ON "consent_documents" ("tenant_id", "code", "version");
-- Modify "customers" table
ALTER TABLE "customers" ADD COLUMN "version" bigint NOT NULL DEFAULT 1, ADD COLUMN "status_reason" character varying NULL, ADD COLUMN "status_changed_at" timestamptz NULL, ADD COLUMN "erased_at" timestamptz NULL;
-- Create "consents" table
CREATE TABLE "consents" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "version" bigint NOT NULL, "accepted_by" character varying NULL, "ip" character varying NULL, "user_agent" character varying NULL, "tenant_id" character varying NOT NULL, "document_id" character varying NOT NULL, "customer_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "consents_consent_documents_document" FOREIGN KEY ("document_id") REFERENCES "consent_documents" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "consents_customers_consents" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "consents_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "consent_customer_id_code_version" to table: "consents"
CREATE INDEX "consent_customer_id_code_version" ON "consents" ("customer_id", "code", "version");
-- Create "customer_events" table
CREATE TABLE "customer_events" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "type" character varying NOT NULL, "subject_id" character varying NULL, "actor" character varying NULL, "request_id" character varying NULL, "changes" jsonb NULL, "reason" character varying NULL, "note" character varying NULL, "customer_id" character varying NOT NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "customer_events_customers_history" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "customer_events_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "customerevent_customer_id_id" to table: "customer_events"
CREATE INDEX "customerevent_customer_id_id" ON "customer_events" ("customer_id", "id");
-- Create index "customerevent_tenant_id_id" to table: "customer_events"
CREATE INDEX "customerevent_tenant_id_id" ON "customer_events" ("tenant_id", "id");
-- Create "login_throttles" table
CREATE TABLE "login_throttles" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "key" character varying NOT NULL, "failures" bigint NOT NULL DEFAULT 0, "window_started_at" timestamptz NOT NULL, "locked_until" timestamptz NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "login_throttles_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "loginthrottle_tenant_id_key" to table: "login_throttles"
CREATE UNIQUE INDEX "loginthrottle_tenant_id_key" ON "login_throttles" ("tenant_id", "key");
-- Create "verifications" table
CREATE TABLE "verifications" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "subject_type" character varying NOT NULL, "subject_id" character varying NOT NULL, "kind" character varying NOT NULL, "outcome" character varying NOT NULL, "provider" character varying NOT NULL, "reference" character varying NULL, "checked_at" timestamptz NOT NULL, "expires_at" timestamptz NULL, "subject_digest" character varying NULL, "recorded_by" character varying NULL, "customer_id" character varying NOT NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "verifications_customers_verifications" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "verifications_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "verification_customer_id_subject_id_kind_checked_at" to table: "verifications"
CREATE INDEX "verification_customer_id_subject_id_kind_checked_at" ON "verifications" ("customer_id", "subject_id", "kind", "checked_at");
-- The standard roles a registration may not grant itself: existing tenants
-- get the default a new tenant gets (internal/catalog's standard roles).
UPDATE "roles" SET "self_assignable" = false WHERE "code" IN ('ADMIN_USER', 'TRANSACTION_APPROVER');
