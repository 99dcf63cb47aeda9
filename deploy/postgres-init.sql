-- The clinic database beside the conversations (POSTGRES_DB) on first start of the container.
CREATE DATABASE triage_clinic OWNER triage;
