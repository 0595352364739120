-- Issue 6: the RNA number of a partner that is an association (Répertoire national des
-- associations, `W` and nine digits), imported from partner spreadsheets.
ALTER TABLE application_partners ADD COLUMN rna TEXT;
