-- The PostgreSQL schema ent's automatic migration created at the last release before
-- versioned migrations (commit 815ef32), for TestMigrateFromThePreviousVersion:
--   an empty schema onboard_previous, migrated by that commit's `onboard migrate`, then
--   pg_dump -s -n onboard_previous --no-owner --no-privileges
-- without pg_dump's session settings and the CREATE SCHEMA. The test renames the schema.
--
-- PostgreSQL database dump
--

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

--
-- Name: onboard_previous; Type: SCHEMA; Schema: -; Owner: -
--

--
-- Name: addresses; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.addresses (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    type character varying NOT NULL,
    street character varying NOT NULL,
    line2 character varying,
    city character varying NOT NULL,
    state character varying,
    postal_code character varying,
    country character varying NOT NULL,
    is_primary boolean DEFAULT false NOT NULL,
    tenant_id character varying NOT NULL,
    organization_addresses character varying,
    person_addresses character varying
);

--
-- Name: categories; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.categories (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    code character varying NOT NULL,
    external_id character varying,
    name character varying NOT NULL,
    description character varying,
    customer_type character varying NOT NULL,
    risk_level character varying DEFAULT 'MEDIUM'::character varying NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    is_default boolean DEFAULT false NOT NULL,
    tenant_id character varying NOT NULL,
    parent_id character varying
);

--
-- Name: contacts; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.contacts (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    type character varying NOT NULL,
    value character varying NOT NULL,
    is_primary boolean DEFAULT false NOT NULL,
    operator character varying,
    purpose character varying,
    tenant_id character varying NOT NULL,
    organization_contacts character varying,
    person_contacts character varying
);

--
-- Name: customer_features; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.customer_features (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    code character varying NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    parameters jsonb,
    customer_id character varying NOT NULL,
    tenant_id character varying NOT NULL,
    feature_id character varying
);

--
-- Name: customers; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.customers (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    type character varying NOT NULL,
    name character varying NOT NULL,
    status character varying DEFAULT 'PENDING_VERIFICATION'::character varying NOT NULL,
    external_reference character varying,
    tags jsonb,
    registration_ip character varying,
    registration_user_agent character varying,
    registration_device_id character varying,
    registration_platform character varying,
    registration_source character varying,
    tenant_id character varying NOT NULL,
    category_id character varying
);

--
-- Name: employee_roles; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.employee_roles (
    employee_id character varying NOT NULL,
    role_id character varying NOT NULL
);

--
-- Name: employees; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.employees (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    department character varying,
    tenant_id character varying NOT NULL,
    person_id character varying,
    organization_id character varying NOT NULL
);

--
-- Name: feature_relations; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.feature_relations (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    parametrization jsonb,
    category_id character varying NOT NULL,
    tenant_id character varying NOT NULL,
    feature_id character varying NOT NULL
);

--
-- Name: features; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.features (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    code character varying NOT NULL,
    external_id character varying,
    name character varying NOT NULL,
    description character varying,
    parameters jsonb,
    tenant_id character varying NOT NULL
);

--
-- Name: idempotency_records; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.idempotency_records (
    id character varying NOT NULL,
    key character varying NOT NULL,
    operation character varying NOT NULL,
    fingerprint character varying NOT NULL,
    customer_id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    tenant_id character varying NOT NULL
);

--
-- Name: identity_documents; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.identity_documents (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    type character varying NOT NULL,
    number character varying NOT NULL,
    issuing_country character varying,
    tenant_id character varying NOT NULL,
    person_identity_documents character varying NOT NULL
);

--
-- Name: organizations; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.organizations (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    legal_name character varying NOT NULL,
    trading_name character varying,
    registration_number character varying NOT NULL,
    tax_id character varying,
    incorporation_date date,
    legal_form character varying,
    industry character varying,
    business_type character varying,
    description character varying,
    website character varying,
    email character varying,
    phone character varying,
    customer_organization character varying,
    tenant_id character varying NOT NULL
);

--
-- Name: persons; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.persons (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    first_name character varying NOT NULL,
    middle_name character varying,
    last_name character varying NOT NULL,
    email character varying,
    phone character varying,
    date_of_birth date,
    gender character varying,
    nationality character varying,
    place_of_birth character varying,
    customer_person character varying,
    tenant_id character varying NOT NULL
);

--
-- Name: representatives; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.representatives (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    "position" character varying NOT NULL,
    is_primary_owner boolean DEFAULT false NOT NULL,
    ownership_share double precision DEFAULT 0 NOT NULL,
    is_beneficial_owner boolean DEFAULT false NOT NULL,
    organization_id character varying NOT NULL,
    tenant_id character varying NOT NULL,
    person_id character varying NOT NULL
);

--
-- Name: roles; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.roles (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    code character varying NOT NULL,
    name character varying NOT NULL,
    tenant_id character varying NOT NULL
);

--
-- Name: tenants; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.tenants (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    key character varying NOT NULL,
    name character varying NOT NULL,
    minimum_age bigint DEFAULT 18 NOT NULL
);

--
-- Name: user_roles; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.user_roles (
    user_id character varying NOT NULL,
    role_id character varying NOT NULL
);

--
-- Name: users; Type: TABLE; Schema: onboard_previous; Owner: -
--

CREATE TABLE onboard_previous.users (
    id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    username character varying NOT NULL,
    email character varying NOT NULL,
    password_hash character varying,
    status character varying DEFAULT 'PENDING_ACTIVATION'::character varying NOT NULL,
    is_active boolean DEFAULT false NOT NULL,
    requires_password_change boolean DEFAULT false NOT NULL,
    two_factor_enabled boolean DEFAULT false NOT NULL,
    customer_user character varying,
    employee_user character varying,
    tenant_id character varying NOT NULL
);

--
-- Name: addresses addresses_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.addresses
    ADD CONSTRAINT addresses_pkey PRIMARY KEY (id);

--
-- Name: categories categories_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.categories
    ADD CONSTRAINT categories_pkey PRIMARY KEY (id);

--
-- Name: contacts contacts_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.contacts
    ADD CONSTRAINT contacts_pkey PRIMARY KEY (id);

--
-- Name: customer_features customer_features_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.customer_features
    ADD CONSTRAINT customer_features_pkey PRIMARY KEY (id);

--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);

--
-- Name: employee_roles employee_roles_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.employee_roles
    ADD CONSTRAINT employee_roles_pkey PRIMARY KEY (employee_id, role_id);

--
-- Name: employees employees_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.employees
    ADD CONSTRAINT employees_pkey PRIMARY KEY (id);

--
-- Name: feature_relations feature_relations_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.feature_relations
    ADD CONSTRAINT feature_relations_pkey PRIMARY KEY (id);

--
-- Name: features features_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.features
    ADD CONSTRAINT features_pkey PRIMARY KEY (id);

--
-- Name: idempotency_records idempotency_records_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.idempotency_records
    ADD CONSTRAINT idempotency_records_pkey PRIMARY KEY (id);

--
-- Name: identity_documents identity_documents_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.identity_documents
    ADD CONSTRAINT identity_documents_pkey PRIMARY KEY (id);

--
-- Name: organizations organizations_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);

--
-- Name: persons persons_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.persons
    ADD CONSTRAINT persons_pkey PRIMARY KEY (id);

--
-- Name: representatives representatives_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.representatives
    ADD CONSTRAINT representatives_pkey PRIMARY KEY (id);

--
-- Name: roles roles_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.roles
    ADD CONSTRAINT roles_pkey PRIMARY KEY (id);

--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);

--
-- Name: user_roles user_roles_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.user_roles
    ADD CONSTRAINT user_roles_pkey PRIMARY KEY (user_id, role_id);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- Name: address_one_primary_per_organization; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX address_one_primary_per_organization ON onboard_previous.addresses USING btree (organization_addresses) WHERE is_primary;

--
-- Name: address_one_primary_per_person; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX address_one_primary_per_person ON onboard_previous.addresses USING btree (person_addresses) WHERE is_primary;

--
-- Name: address_organization_addresses; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX address_organization_addresses ON onboard_previous.addresses USING btree (organization_addresses);

--
-- Name: address_person_addresses; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX address_person_addresses ON onboard_previous.addresses USING btree (person_addresses);

--
-- Name: address_tenant_id_country; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX address_tenant_id_country ON onboard_previous.addresses USING btree (tenant_id, country);

--
-- Name: category_one_default_per_customer_type; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX category_one_default_per_customer_type ON onboard_previous.categories USING btree (tenant_id, customer_type) WHERE is_default;

--
-- Name: category_parent_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX category_parent_id ON onboard_previous.categories USING btree (parent_id);

--
-- Name: category_tenant_id_code; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX category_tenant_id_code ON onboard_previous.categories USING btree (tenant_id, code);

--
-- Name: category_tenant_id_external_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX category_tenant_id_external_id ON onboard_previous.categories USING btree (tenant_id, external_id);

--
-- Name: contact_one_primary_per_type_per_organization; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX contact_one_primary_per_type_per_organization ON onboard_previous.contacts USING btree (type, organization_contacts) WHERE is_primary;

--
-- Name: contact_one_primary_per_type_per_person; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX contact_one_primary_per_type_per_person ON onboard_previous.contacts USING btree (type, person_contacts) WHERE is_primary;

--
-- Name: contact_organization_contacts; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX contact_organization_contacts ON onboard_previous.contacts USING btree (organization_contacts);

--
-- Name: contact_person_contacts; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX contact_person_contacts ON onboard_previous.contacts USING btree (person_contacts);

--
-- Name: customer_tenant_id_category_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX customer_tenant_id_category_id ON onboard_previous.customers USING btree (tenant_id, category_id);

--
-- Name: customer_tenant_id_created_at_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX customer_tenant_id_created_at_id ON onboard_previous.customers USING btree (tenant_id, created_at, id);

--
-- Name: customer_tenant_id_external_reference; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX customer_tenant_id_external_reference ON onboard_previous.customers USING btree (tenant_id, external_reference);

--
-- Name: customer_tenant_id_name_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX customer_tenant_id_name_id ON onboard_previous.customers USING btree (tenant_id, name, id);

--
-- Name: customer_tenant_id_updated_at_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX customer_tenant_id_updated_at_id ON onboard_previous.customers USING btree (tenant_id, updated_at, id);

--
-- Name: customerfeature_customer_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX customerfeature_customer_id ON onboard_previous.customer_features USING btree (customer_id);

--
-- Name: employee_organization_id_person_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX employee_organization_id_person_id ON onboard_previous.employees USING btree (organization_id, person_id);

--
-- Name: employee_person_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX employee_person_id ON onboard_previous.employees USING btree (person_id);

--
-- Name: feature_tenant_id_code; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX feature_tenant_id_code ON onboard_previous.features USING btree (tenant_id, code);

--
-- Name: feature_tenant_id_external_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX feature_tenant_id_external_id ON onboard_previous.features USING btree (tenant_id, external_id);

--
-- Name: featurerelation_category_id_feature_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX featurerelation_category_id_feature_id ON onboard_previous.feature_relations USING btree (category_id, feature_id);

--
-- Name: featurerelation_feature_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX featurerelation_feature_id ON onboard_previous.feature_relations USING btree (feature_id);

--
-- Name: idempotencyrecord_expires_at; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX idempotencyrecord_expires_at ON onboard_previous.idempotency_records USING btree (expires_at);

--
-- Name: idempotencyrecord_tenant_id_key; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX idempotencyrecord_tenant_id_key ON onboard_previous.idempotency_records USING btree (tenant_id, key);

--
-- Name: identitydocument_person_identity_documents; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX identitydocument_person_identity_documents ON onboard_previous.identity_documents USING btree (person_identity_documents);

--
-- Name: organization_tenant_id_registration_number; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX organization_tenant_id_registration_number ON onboard_previous.organizations USING btree (tenant_id, registration_number);

--
-- Name: organizations_customer_organization_key; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX organizations_customer_organization_key ON onboard_previous.organizations USING btree (customer_organization);

--
-- Name: person_tenant_id_email; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX person_tenant_id_email ON onboard_previous.persons USING btree (tenant_id, email);

--
-- Name: persons_customer_person_key; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX persons_customer_person_key ON onboard_previous.persons USING btree (customer_person);

--
-- Name: representative_one_primary_owner; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX representative_one_primary_owner ON onboard_previous.representatives USING btree (organization_id) WHERE is_primary_owner;

--
-- Name: representative_organization_id_person_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX representative_organization_id_person_id ON onboard_previous.representatives USING btree (organization_id, person_id);

--
-- Name: representative_person_id; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE INDEX representative_person_id ON onboard_previous.representatives USING btree (person_id);

--
-- Name: role_tenant_id_code; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX role_tenant_id_code ON onboard_previous.roles USING btree (tenant_id, code);

--
-- Name: tenants_key_key; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX tenants_key_key ON onboard_previous.tenants USING btree (key);

--
-- Name: user_tenant_id_email; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX user_tenant_id_email ON onboard_previous.users USING btree (tenant_id, email);

--
-- Name: user_tenant_id_username; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX user_tenant_id_username ON onboard_previous.users USING btree (tenant_id, username);

--
-- Name: users_customer_user_key; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX users_customer_user_key ON onboard_previous.users USING btree (customer_user);

--
-- Name: users_employee_user_key; Type: INDEX; Schema: onboard_previous; Owner: -
--

CREATE UNIQUE INDEX users_employee_user_key ON onboard_previous.users USING btree (employee_user);

--
-- Name: addresses addresses_organizations_addresses; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.addresses
    ADD CONSTRAINT addresses_organizations_addresses FOREIGN KEY (organization_addresses) REFERENCES onboard_previous.organizations(id) ON DELETE SET NULL;

--
-- Name: addresses addresses_persons_addresses; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.addresses
    ADD CONSTRAINT addresses_persons_addresses FOREIGN KEY (person_addresses) REFERENCES onboard_previous.persons(id) ON DELETE SET NULL;

--
-- Name: addresses addresses_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.addresses
    ADD CONSTRAINT addresses_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: categories categories_categories_children; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.categories
    ADD CONSTRAINT categories_categories_children FOREIGN KEY (parent_id) REFERENCES onboard_previous.categories(id) ON DELETE SET NULL;

--
-- Name: categories categories_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.categories
    ADD CONSTRAINT categories_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: contacts contacts_organizations_contacts; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.contacts
    ADD CONSTRAINT contacts_organizations_contacts FOREIGN KEY (organization_contacts) REFERENCES onboard_previous.organizations(id) ON DELETE SET NULL;

--
-- Name: contacts contacts_persons_contacts; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.contacts
    ADD CONSTRAINT contacts_persons_contacts FOREIGN KEY (person_contacts) REFERENCES onboard_previous.persons(id) ON DELETE SET NULL;

--
-- Name: contacts contacts_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.contacts
    ADD CONSTRAINT contacts_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: customer_features customer_features_customers_features; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.customer_features
    ADD CONSTRAINT customer_features_customers_features FOREIGN KEY (customer_id) REFERENCES onboard_previous.customers(id);

--
-- Name: customer_features customer_features_features_feature; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.customer_features
    ADD CONSTRAINT customer_features_features_feature FOREIGN KEY (feature_id) REFERENCES onboard_previous.features(id) ON DELETE SET NULL;

--
-- Name: customer_features customer_features_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.customer_features
    ADD CONSTRAINT customer_features_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: customers customers_categories_category; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.customers
    ADD CONSTRAINT customers_categories_category FOREIGN KEY (category_id) REFERENCES onboard_previous.categories(id) ON DELETE SET NULL;

--
-- Name: customers customers_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.customers
    ADD CONSTRAINT customers_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: employee_roles employee_roles_employee_id; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.employee_roles
    ADD CONSTRAINT employee_roles_employee_id FOREIGN KEY (employee_id) REFERENCES onboard_previous.employees(id) ON DELETE CASCADE;

--
-- Name: employee_roles employee_roles_role_id; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.employee_roles
    ADD CONSTRAINT employee_roles_role_id FOREIGN KEY (role_id) REFERENCES onboard_previous.roles(id) ON DELETE CASCADE;

--
-- Name: employees employees_organizations_employees; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.employees
    ADD CONSTRAINT employees_organizations_employees FOREIGN KEY (organization_id) REFERENCES onboard_previous.organizations(id);

--
-- Name: employees employees_persons_person; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.employees
    ADD CONSTRAINT employees_persons_person FOREIGN KEY (person_id) REFERENCES onboard_previous.persons(id) ON DELETE SET NULL;

--
-- Name: employees employees_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.employees
    ADD CONSTRAINT employees_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: feature_relations feature_relations_categories_feature_relations; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.feature_relations
    ADD CONSTRAINT feature_relations_categories_feature_relations FOREIGN KEY (category_id) REFERENCES onboard_previous.categories(id);

--
-- Name: feature_relations feature_relations_features_feature; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.feature_relations
    ADD CONSTRAINT feature_relations_features_feature FOREIGN KEY (feature_id) REFERENCES onboard_previous.features(id);

--
-- Name: feature_relations feature_relations_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.feature_relations
    ADD CONSTRAINT feature_relations_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: features features_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.features
    ADD CONSTRAINT features_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: idempotency_records idempotency_records_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.idempotency_records
    ADD CONSTRAINT idempotency_records_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: identity_documents identity_documents_persons_identity_documents; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.identity_documents
    ADD CONSTRAINT identity_documents_persons_identity_documents FOREIGN KEY (person_identity_documents) REFERENCES onboard_previous.persons(id);

--
-- Name: identity_documents identity_documents_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.identity_documents
    ADD CONSTRAINT identity_documents_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: organizations organizations_customers_organization; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.organizations
    ADD CONSTRAINT organizations_customers_organization FOREIGN KEY (customer_organization) REFERENCES onboard_previous.customers(id) ON DELETE SET NULL;

--
-- Name: organizations organizations_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.organizations
    ADD CONSTRAINT organizations_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: persons persons_customers_person; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.persons
    ADD CONSTRAINT persons_customers_person FOREIGN KEY (customer_person) REFERENCES onboard_previous.customers(id) ON DELETE SET NULL;

--
-- Name: persons persons_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.persons
    ADD CONSTRAINT persons_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: representatives representatives_organizations_representatives; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.representatives
    ADD CONSTRAINT representatives_organizations_representatives FOREIGN KEY (organization_id) REFERENCES onboard_previous.organizations(id);

--
-- Name: representatives representatives_persons_person; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.representatives
    ADD CONSTRAINT representatives_persons_person FOREIGN KEY (person_id) REFERENCES onboard_previous.persons(id);

--
-- Name: representatives representatives_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.representatives
    ADD CONSTRAINT representatives_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: roles roles_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.roles
    ADD CONSTRAINT roles_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- Name: user_roles user_roles_role_id; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.user_roles
    ADD CONSTRAINT user_roles_role_id FOREIGN KEY (role_id) REFERENCES onboard_previous.roles(id) ON DELETE CASCADE;

--
-- Name: user_roles user_roles_user_id; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.user_roles
    ADD CONSTRAINT user_roles_user_id FOREIGN KEY (user_id) REFERENCES onboard_previous.users(id) ON DELETE CASCADE;

--
-- Name: users users_customers_user; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.users
    ADD CONSTRAINT users_customers_user FOREIGN KEY (customer_user) REFERENCES onboard_previous.customers(id) ON DELETE SET NULL;

--
-- Name: users users_employees_user; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.users
    ADD CONSTRAINT users_employees_user FOREIGN KEY (employee_user) REFERENCES onboard_previous.employees(id) ON DELETE SET NULL;

--
-- Name: users users_tenants_tenant; Type: FK CONSTRAINT; Schema: onboard_previous; Owner: -
--

ALTER TABLE ONLY onboard_previous.users
    ADD CONSTRAINT users_tenants_tenant FOREIGN KEY (tenant_id) REFERENCES onboard_previous.tenants(id);

--
-- PostgreSQL database dump complete
--

