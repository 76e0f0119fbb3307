-- Modify "customers" table
ALTER TABLE "customers" ADD COLUMN "registered_by" character varying NULL;
