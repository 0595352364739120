-- Issue 6: the beneficiary's SIRET (the signing establishment, belonging to its SIREN) and
-- RNA number (an association), which SCDL subventions requires (one of the two) to publish
-- an agreement. Both optional; the terms of each version carry them too (terms_json).
ALTER TABLE agreements ADD COLUMN beneficiary_siret TEXT;
ALTER TABLE agreements ADD COLUMN beneficiary_rna TEXT;
