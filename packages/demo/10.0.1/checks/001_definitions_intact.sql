-- Every field belongs to a table that exists.
SELECT f.id FROM platform_fields f
 LEFT JOIN platform_tables t ON t.id = f.table_id
 WHERE t.id IS NULL;
