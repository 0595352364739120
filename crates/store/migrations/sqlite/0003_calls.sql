-- Calls as first-class records: slug, French title, closing instant and time zone, themes
-- and eligibility rules; and the call each project was selected in.
-- Portable types (see DESIGN.md): the closing instant as RFC 3339 text in UTC, the IANA
-- time zone as text, lists as JSON arrays in TEXT. SQLite's ADD COLUMN needs a default for
-- a NOT NULL column; the rows already stored are backfilled below (the themes come with
-- the next import).

ALTER TABLE calls ADD COLUMN slug TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN closes_at TEXT;
ALTER TABLE calls ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Paris';
ALTER TABLE calls ADD COLUMN themes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE calls ADD COLUMN eligibility TEXT NOT NULL DEFAULT '[]';

UPDATE calls SET
    slug = CASE kind WHEN 'expression-of-interest' THEN 'ami-' ELSE 'aap-' END || CAST(year AS TEXT),
    title = CASE kind WHEN 'expression-of-interest' THEN 'Appel à manifestation d''intérêt ' ELSE 'Appel à projets ' END
        || (SELECT p.name FROM programmes p WHERE p.slug = calls.programme_slug) || ' ' || CAST(year AS TEXT);
CREATE UNIQUE INDEX calls_by_slug ON calls (programme_slug, slug);

ALTER TABLE projects ADD COLUMN call_slug TEXT;
-- Every project stored so far came from the press kit, which lists the laureates of the
-- programme's call for projects.
UPDATE projects SET call_slug = (
    SELECT c.slug FROM calls c
    WHERE c.programme_slug = projects.programme_slug AND c.kind = 'call-for-projects'
    ORDER BY c.position LIMIT 1
);
