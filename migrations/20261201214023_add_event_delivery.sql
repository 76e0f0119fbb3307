-- Modify "customer_events" table
ALTER TABLE "customer_events" ADD COLUMN "sequence" bigint NULL, ADD COLUMN "sequenced_at" timestamptz NULL;
-- Create index "customerevent_sequence" to table: "customer_events"
CREATE UNIQUE INDEX "customerevent_sequence" ON "customer_events" ("sequence");
-- Create index "customerevent_tenant_id_sequence" to table: "customer_events"
CREATE INDEX "customerevent_tenant_id_sequence" ON "customer_events" ("tenant_id", "sequence");
-- Create index "customerevent_unsequenced" to table: "customer_events"
CREATE INDEX "customerevent_unsequenced" ON "customer_events" ("id") WHERE (sequence IS NULL);
-- Create "webhook_endpoints" table
CREATE TABLE "webhook_endpoints" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "url" character varying NOT NULL, "description" character varying NULL, "event_types" jsonb NULL, "status" character varying NOT NULL DEFAULT 'ENABLED', "disabled_reason" character varying NULL, "disabled_at" timestamptz NULL, "secret" character varying NOT NULL, "previous_secret" character varying NULL, "previous_secret_expires_at" timestamptz NULL, "consecutive_failures" bigint NOT NULL DEFAULT 0, "failing_since" timestamptz NULL, "created_by" character varying NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhook_endpoints_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "webhookendpoint_tenant_id_status" to table: "webhook_endpoints"
CREATE INDEX "webhookendpoint_tenant_id_status" ON "webhook_endpoints" ("tenant_id", "status");
-- Create "webhook_deliveries" table
CREATE TABLE "webhook_deliveries" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "event_type" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'PENDING', "attempts" bigint NOT NULL DEFAULT 0, "next_attempt_at" timestamptz NULL, "leased_until" timestamptz NULL, "last_attempt_at" timestamptz NULL, "last_status_code" bigint NULL, "delivered_at" timestamptz NULL, "redelivery" boolean NOT NULL DEFAULT false, "tenant_id" character varying NOT NULL, "event_id" character varying NOT NULL, "endpoint_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhook_deliveries_customer_events_event" FOREIGN KEY ("event_id") REFERENCES "customer_events" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "webhook_deliveries_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "webhook_deliveries_webhook_endpoints_deliveries" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "webhookdelivery_endpoint_id_id" to table: "webhook_deliveries"
CREATE INDEX "webhookdelivery_endpoint_id_id" ON "webhook_deliveries" ("endpoint_id", "id");
-- Create index "webhookdelivery_event_id" to table: "webhook_deliveries"
CREATE INDEX "webhookdelivery_event_id" ON "webhook_deliveries" ("event_id");
-- Create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
CREATE INDEX "webhookdelivery_status_next_attempt_at" ON "webhook_deliveries" ("status", "next_attempt_at");
-- Create "webhook_attempts" table
CREATE TABLE "webhook_attempts" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "endpoint_id" character varying NOT NULL, "event_id" character varying NOT NULL, "number" bigint NOT NULL, "started_at" timestamptz NOT NULL, "latency_ms" bigint NOT NULL, "outcome" character varying NOT NULL, "status_code" bigint NULL, "error" character varying NULL, "response_excerpt" character varying NULL, "tenant_id" character varying NOT NULL, "delivery_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhook_attempts_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "webhook_attempts_webhook_deliveries_attempt_log" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "webhookattempt_delivery_id_id" to table: "webhook_attempts"
CREATE INDEX "webhookattempt_delivery_id_id" ON "webhook_attempts" ("delivery_id", "id");
-- Create "webhook_endpoint_changes" table
CREATE TABLE "webhook_endpoint_changes" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "type" character varying NOT NULL, "actor" character varying NULL, "request_id" character varying NULL, "reason" character varying NULL, "endpoint_id" character varying NOT NULL, "tenant_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhook_endpoint_changes_tenants_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "webhook_endpoint_changes_webhook_endpoints_changes" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "webhookendpointchange_endpoint_id_id" to table: "webhook_endpoint_changes"
CREATE INDEX "webhookendpointchange_endpoint_id_id" ON "webhook_endpoint_changes" ("endpoint_id", "id");
